package io.waly.jdbc.policy;

/**
 * Warnings to WAL-y's SLF4J logger ({@code io.waly.jdbc.policy}), when the application has SLF4J: it is optional (the
 * driver bundles none), and without it the log still records every decision.
 */
final class PolicyLog {
    private PolicyLog() {}

    private static final boolean PRESENT = present();

    private static boolean present() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, PolicyLog.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static void warn(String format, Object... args) {
        if (PRESENT) Slf4j.LOG.warn(format, args);
    }

    /** Loaded only when SLF4J is there. */
    private static final class Slf4j {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PolicyGuard.class);
    }
}
