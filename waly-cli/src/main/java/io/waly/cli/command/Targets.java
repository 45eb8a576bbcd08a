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
}
