package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.support.Redactor;

/** What a {@code --target} URL names, and the refusals for what replay cannot write to. */
final class Targets {
    private Targets() {}

    enum Kind { POSTGRES, MONGO }

    static Kind kind(String url) {
        if (url.startsWith("jdbc:postgresql:")) return Kind.POSTGRES;
        if (url.startsWith("mongodb://") || url.startsWith("mongodb+srv://")) return Kind.MONGO;
        if (url.startsWith("jdbc:waly:")) {
            throw CliException.usage("--target " + Redactor.url(url) + " goes through WAL-y's driver, which would log the "
                    + "replay again; give the plain jdbc:postgresql://… URL");
        }
        throw CliException.usage("--target must be a jdbc:postgresql://… URL (or mongodb://…), but was: " + Redactor.url(url));
    }

    /** The password: the option, else {@code PGPASSWORD} (as psql and pg_dump read it), else none. */
    static String password(String option) {
        if (option != null) return option;
        String env = System.getenv("PGPASSWORD");
        return env == null || env.isEmpty() ? null : env;
    }

    /**
     * {@code --async-commit}: the replay's own connection commits with {@code synchronous_commit=off}, as PostgreSQL's
     * logical replication apply workers do by default: each replayed transaction still commits atomically with the cursor, so a crash of
     * the target loses only a suffix of replayed transactions together with their cursor position, and the next run
     * applies them again. {@link #flush} makes everything durable once at the end. A URL that sets {@code options}
     * itself is left alone.
     */
    static String asyncCommit(String url) {
        if (url.matches("(?is).*[?&]options=.*")) return url;
        return url + (url.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Doff";
    }

    /** One synchronous commit: PostgreSQL flushes the WAL up to it, and with it every asynchronous commit before it. */
    static void flush(String url, java.util.Properties props) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, props); java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL synchronous_commit = on");
            s.execute("SELECT txid_current()");
            c.commit();
        }
    }
}
