package io.waly.model;

import io.waly.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Kinds of command a rule or a route names, by {@link Command#label()}: {@code INSERT}, {@code UPDATE}, {@code DELETE},
 * {@code UPSERT}, {@code MERGE}, {@code TRUNCATE}, {@code COPY}, {@code CALL}, {@code SET}, {@code RESET},
 * {@code SELECT} (sequence functions); a DDL verb ({@code DROP}, {@code ALTER}, {@code CREATE}) for every object kind,
 * or with its object ({@code DROP TABLE}, {@code CREATE INDEX}); {@code DDL} for every DDL statement; {@code SQL} for a
 * statement with no structured form ({@code DO}, {@code GRANT}, an unparsable one), or its own kind ({@code DO}).
 * Empty: every kind.
 */
final class KindSet {
    static final KindSet ANY = new KindSet(List.of());

    private static final Set<String> WORDS = Set.of("INSERT", "UPSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY",
            "CALL", "SET", "RESET", "SELECT", "CREATE", "ALTER", "DROP", "DDL", "SQL", "DO", "GRANT", "REVOKE", "COMMENT",
            "VACUUM", "ANALYZE", "REINDEX", "CLUSTER", "REFRESH", "LOCK", "DISCARD", "SECURITY", "IMPORT");

    private final List<String> kinds;

    private KindSet(List<String> kinds) {
        this.kinds = kinds;
    }

    static KindSet read(Node node) {
        List<String> kinds = new ArrayList<>();
        for (Node n : node.list("kind")) {
            String k = n.text("a kind").trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            String first = k.indexOf(' ') < 0 ? k : k.substring(0, k.indexOf(' '));
            boolean ddlWithObject = k.indexOf(' ') > 0 && Set.of("CREATE", "ALTER", "DROP").contains(first);
            if (!WORDS.contains(k) && !ddlWithObject) {
                throw n.error("unknown kind '" + n.value + "' (kinds: INSERT, UPDATE, DELETE, UPSERT, MERGE, TRUNCATE, COPY, CALL, "
                        + "SET, RESET, SELECT, CREATE, ALTER, DROP, DROP TABLE…, DDL, SQL, DO, GRANT…)");
            }
            kinds.add(k);
        }
        return new KindSet(kinds);
    }

    boolean isAny() {
        return kinds.isEmpty();
    }

    boolean matches(Command c) {
        if (kinds.isEmpty()) return true;
        String label = c.label();
        for (String k : kinds) {
            if (label.equals(k) || label.startsWith(k + " ")) return true;
            if (k.equals("DDL") && c instanceof Command.Ddl) return true;
            if (k.equals("SQL") && c instanceof Command.Sql) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(", ", kinds);
    }
}
