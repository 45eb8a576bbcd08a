package io.waly.agent.bridge;

/** A setting the agent cannot start with; the message names it and says what was expected. */
public final class AgentConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentConfigException(String message) {
        super(message);
    }
}
