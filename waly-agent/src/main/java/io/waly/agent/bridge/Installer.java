package io.waly.agent.bridge;

import java.lang.instrument.Instrumentation;

/**
 * The agent's installer ({@code io.waly.agent.tooling.AgentInstaller}, hidden), which registers itself here from its
 * static initializer. The entry point initialises it with {@code Class.forName} and calls it through this type: a
 * reflective call would cost every host JVM tens of milliseconds on Java 22+, where reflection spins method handles.
 */
public abstract class Installer {

    private static volatile Installer registered;

    protected Installer() {}

    /** Called once, by the installer's static initializer. */
    public static void register(Installer installer) {
        if (registered == null) registered = installer;
    }

    public static Installer registered() {
        Installer i = registered;
        if (i == null) throw new IllegalStateException("the agent's installer did not register");
        return i;
    }

    /**
     * @return whether WAL-y is active
     * @throws RuntimeException when the application must not start (walyAgentOnError=fail), or a dynamic attach failed
     */
    public abstract boolean install(String args, Instrumentation inst, boolean dynamic);
}
