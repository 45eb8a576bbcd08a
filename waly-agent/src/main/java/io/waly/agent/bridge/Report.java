package io.waly.agent.bridge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output: problems, each told once on standard error. A working agent prints nothing; the
 * application's own logging is left alone (the agent has no logging library to clash with the application's).
 */
public final class Report {

    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private Report() {}

    /** Prints {@code message} unless something was already said under {@code key}. */
    public static void once(String key, String message) {
        if (SAID.add(key)) System.err.println("[waly-agent] " + message);
    }
}
