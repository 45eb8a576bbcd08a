package io.waly.agent;

import io.waly.agent.bridge.AgentConfig;
import io.waly.agent.bridge.LazyTransformer;
import io.waly.agent.bridge.Report;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: {@code -javaagent:waly-agent.jar[=options]} ({@link #premain}) and dynamic attach
 * ({@link #agentmain}, see {@link Attach}). Starts the agent in the order OpenTelemetry's {@code AgentInstaller} uses:
 * the configuration first (a bad one stops here, before anything is instrumented), then the transformer, then the
 * classes already loaded.
 *
 * <p>This runs in every host JVM's start, pgjdbc or not: it loads a handful of the jar's ordinary classes and nothing
 * of its pack. The pack's class loader, Byte Buddy and WAL-y's driver are loaded by {@link LazyTransformer} when the
 * first pgjdbc class is.
 */
public final class WalyAgent {

    private static boolean started;

    private WalyAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    /**
     * @throws IllegalStateException only when the agent must refuse to start (walyAgentOnError=fail: the JVM then
     *                               exits; or a failed dynamic attach, which the attaching tool reports); everything
     *                               else is reported and swallowed
     */
    private static void start(String args, Instrumentation inst, boolean dynamic) {
        synchronized (WalyAgent.class) {
            if (started) {
                Report.once("started", "WAL-y's agent is already active in this JVM; it was not started again");
                return;
            }
            started = true;
        }
        boolean active = false;
        try {
            active = install(args, inst, dynamic);
        } finally {
            if (!active) {
                synchronized (WalyAgent.class) {
                    started = false;   // a later attach with corrected options may try again
                }
            }
        }
    }

    /** @return whether WAL-y is active */
    private static boolean install(String args, Instrumentation inst, boolean dynamic) {
        AgentConfig config;
        try {
            config = AgentConfig.resolve(args, System.getProperties(), System.getenv());
            config.checkLog();
        } catch (IllegalArgumentException e) {   // a bad setting, named by the message
            return refuse(e.getMessage(), args, dynamic);
        } catch (RuntimeException | LinkageError e) {
            return refuse("unexpected error in its configuration: " + e, args, dynamic);
        }
        try {
            inst.addTransformer(new LazyTransformer(config.driverProperties()), true);
        } catch (RuntimeException | LinkageError e) {
            return refuse("cannot install its instrumentation: " + e, args, dynamic);
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
     * @return false, when the application may start without WAL-y; otherwise throws. (A JDK exception: one of the
     *         agent's own would be loaded to verify this class, at every start.)
     */
    private static boolean refuse(String reason, String args, boolean dynamic) {
        if (dynamic) {
            Report.once("config", "WAL-y was not attached: " + reason + ".");
            throw new IllegalStateException("WAL-y was not attached: " + reason);
        }
        if (AgentConfig.failOnError(args, System.getProperties(), System.getenv())) {
            Report.once("config", "WAL-y cannot start: " + reason + ". walyAgentOnError=fail: the application is not started.");
            throw new IllegalStateException("WAL-y cannot start: " + reason);
        }
        Report.once("config", "WAL-y is NOT active: " + reason + ". The application starts without WAL-y and its writes"
                + " are not logged (walyAgentOnError=fail refuses to start instead).");
        return false;
    }
}
