package io.waly.embedded;

import java.util.concurrent.atomic.AtomicInteger;

/** Fresh database names, so that callers sharing one server never see each other's data. */
public final class DatabaseNames {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private DatabaseNames() {
    }

    /**
     * {@code prefix} (every character but letters, digits and {@code _} replaced by {@code _}), a counter and this
     * process's id: the id keeps names apart when several JVMs share one server (test runs against one real MongoDB).
     */
    public static String unique(String prefix) {
        return prefix.replaceAll("[^A-Za-z0-9_]", "_") + "_" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
    }
}
