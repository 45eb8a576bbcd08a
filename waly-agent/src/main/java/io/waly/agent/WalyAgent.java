package io.waly.agent;

import io.waly.agent.bridge.AgentClassLoader;
import io.waly.agent.bridge.AgentRefusedException;
import io.waly.agent.bridge.Installer;
import io.waly.agent.bridge.Report;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.security.CodeSource;

/**
 * The agent's entry points: {@code -javaagent:waly-agent.jar[=options]} ({@link #premain}) and dynamic attach
 * ({@link #agentmain}, see {@link Attach}). Makes the tooling class loader over the jar's hidden classes and runs
 * {@code io.waly.agent.tooling.AgentInstaller} in it (through {@link Installer}); references nothing else of WAL-y's.
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
     * @throws RuntimeException only when the agent must refuse to start (walyAgentOnError=fail, or a failed dynamic
     *                          attach, which the attaching tool reports); everything else is reported and swallowed
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
            URL location = agentJar();
            AgentClassLoader tooling = new AgentClassLoader("waly-agent", new File(location.toURI()), location,
                    ClassLoader.getPlatformClassLoader());
            Class.forName("io.waly.agent.tooling.AgentInstaller", true, tooling);   // registers itself
            // the installer reports its failures itself and throws only when the application must not start
            active = Installer.registered().install(args, inst, dynamic);
        } catch (AgentRefusedException e) {
            throw e;
        } catch (RuntimeException e) {
            Report.once("start", "WAL-y is NOT active: " + e + ". The application runs without WAL-y.");
        } catch (Exception | LinkageError e) {
            Report.once("start", "WAL-y is NOT active: the agent jar cannot be used (" + e + "). The application runs without WAL-y.");
        } finally {
            if (!active) {
                synchronized (WalyAgent.class) {
                    started = false;   // a later attach with corrected options may try again
                }
            }
        }
    }

    private static URL agentJar() {
        CodeSource source = WalyAgent.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) throw new IllegalStateException("no code source");
        return source.getLocation();
    }
}
