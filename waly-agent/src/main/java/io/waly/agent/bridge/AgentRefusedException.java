package io.waly.agent.bridge;

/**
 * Thrown from {@code premain} when the application must not start without WAL-y (walyAgentOnError=fail; the JVM then
 * exits), and from {@code agentmain} when a dynamic attach failed (the attaching tool reports it).
 */
public final class AgentRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentRefusedException(String message) {
        super(message);
    }
}
