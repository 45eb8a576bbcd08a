package io.waly.jdbc;

/**
 * Warnings to WAL-y's SLF4J loggers (named after the class that warns), when the application has SLF4J: it is optional
 * (the driver bundles none), and without it nothing is printed — the log still records every decision.
 */
public final class DriverLog {
    private DriverLog() {}

    private static final boolean PRESENT = present();

    private static boolean present() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, DriverLog.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public static void warn(Class<?> source, String format, Object... args) {
        if (PRESENT) Slf4j.warn(source, format, args);
    }

    /** Loaded only when SLF4J is there. */
    private static final class Slf4j {
        static void warn(Class<?> source, String format, Object... args) {
            org.slf4j.LoggerFactory.getLogger(source).warn(format, args);
        }
    }
}
