package io.waly.agent.tooling;

import io.waly.agent.bridge.AgentRefusedException;
import io.waly.agent.bridge.Installer;
import io.waly.agent.bridge.LazyTransformer;
import io.waly.agent.bridge.AgentClassLoader;
import io.waly.agent.bridge.Report;
import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * Starts the agent, in the order OpenTelemetry's {@code AgentInstaller} uses: configuration first (a bad one stops
 * here, before anything is instrumented), then the transformer, then the classes already loaded. The bridge to WAL-y's
 * driver is installed with the Byte Buddy transformer, when the first pgjdbc class is loaded.
 * Loaded by the tooling {@code AgentClassLoader}, invisible to the application.
 */
public final class AgentInstaller extends Installer {

    private static final String TRANSFORMER = "io.waly.agent.tooling.PgjdbcTransformer";

    static {
        Installer.register(new AgentInstaller());
    }

    private AgentInstaller() {}

    /**
     * @return whether WAL-y is active
     * @throws AgentRefusedException when the application must not start (walyAgentOnError=fail), or a dynamic attach
     *                               failed (the attaching tool reports it; the running application is not affected)
     */
    @Override
    public boolean install(String args, Instrumentation inst, boolean dynamic) {
        AgentConfig config;
        try {
            config = AgentConfig.resolve(args, System.getProperties(), System.getenv());
            checkWritable(config.logDir());
        } catch (AgentConfigException e) {
            boolean fail = AgentConfig.failOnError(args, System.getProperties(), System.getenv());
            return refuse(e.getMessage(), fail, dynamic);
        } catch (RuntimeException e) {
            boolean fail = AgentConfig.failOnError(args, System.getProperties(), System.getenv());
            return refuse("unexpected error in its configuration: " + e, fail, dynamic);
        }
        try {
            // by name: loading the class here would load Byte Buddy in every JVM, pgjdbc or not
            inst.addTransformer(new LazyTransformer((AgentClassLoader) AgentInstaller.class.getClassLoader(), TRANSFORMER,
                    config.driverProperties()), true);
        } catch (RuntimeException | LinkageError e) {
            return refuse("cannot install its instrumentation: " + e, AgentConfig.failOnError(args, System.getProperties(), System.getenv()), dynamic);
        }
        if (dynamic) retransformLoaded(inst);
        return true;
    }

    /**
     * A dynamic attach finds pgjdbc (and maybe WAL-y's own driver) already loaded: their classes are retransformed,
     * one by one, so that one failure leaves the others instrumented. (At {@code -javaagent} start none is loaded yet.)
     */
    private static void retransformLoaded(Instrumentation inst) {
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (!LazyTransformer.isTarget(c.getClassLoader(), c.getName().replace('.', '/'))) continue;
            try {
                if (inst.isModifiableClass(c)) inst.retransformClasses(c);
            } catch (Exception | LinkageError e) {
                Report.once("retransform:" + c.getName(), "could not instrument the already loaded " + c.getName() + " (" + e
                        + "); connections made through it are not logged by WAL-y");
            }
        }
    }

    /**
     * The log directory must be writable now, not at the first connection, so that the application is told at start.
     * It is created if missing, as the first connection would.
     */
    static void checkWritable(File dir) {
        // java.io.File, not NIO: its few classes are already loaded at start (startup cost, see README); canWrite is
        // access(2), which also knows read-only mounts and ACLs
        File abs = dir.getAbsoluteFile();
        String problem;
        try {
            abs.mkdirs();
            problem = !abs.isDirectory() ? "it is not a directory and cannot be created"
                    : !abs.canWrite() ? "permission denied" : null;
        } catch (SecurityException e) {
            problem = e.toString();
        }
        if (problem != null) throw new AgentConfigException("walyLogDir " + abs + " is not a writable directory (" + problem + ")");
    }

    private static boolean refuse(String reason, boolean fail, boolean dynamic) {
        if (dynamic) {
            Report.once("config", "WAL-y was not attached: " + reason + ".");
            throw new AgentRefusedException("WAL-y was not attached: " + reason);
        }
        if (fail) {
            Report.once("config", "WAL-y cannot start: " + reason + ". walyAgentOnError=fail: the application is not started.");
            throw new AgentRefusedException("WAL-y cannot start: " + reason);
        }
        Report.once("config", "WAL-y is NOT active: " + reason + ". The application starts without WAL-y and its writes"
                + " are not logged (walyAgentOnError=fail refuses to start instead).");
        return false;
    }
}
