package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.jdbc.sql.SqlLexer;
import io.waly.log.tx.Transaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every source connection had a session of its own; replay runs them all on one connection, so it rebuilds a source
 * connection's session whenever it moves to that connection's transactions: the settings it started with (its
 * SESSION record: {@code search_path}, {@code TimeZone}, {@code DateStyle}, …), then its session-level {@code SET}s
 * and {@code RESET}s in order. {@code RESET ALL} and {@code DISCARD ALL} start a connection's list over; {@code SET
 * LOCAL}, {@code SET TRANSACTION} and {@code SET CONSTRAINTS} last only for their transaction.
 *
 * <p>Temporary relations live as long as the one target session, but belong to the source connection that created
 * them: when replay moves to another connection, the temporary relations in sight are renamed out of the way
 * ({@code pg_temp.waly_stash_N}) and that connection's own come back under their names. Two connections may so each
 * have a {@code tmp} of their own, and a connection that opens after another closed finds none of its temporary
 * tables, as on the source. Renaming is transactional and touches only the session's own schema; it costs one catalog
 * query per switch, and only once the replayed SQL created a temporary relation. A {@code DISCARD TEMP} or
 * {@code DISCARD ALL} drops only its own connection's temporary relations ({@link #discardOwn}).
 */
final class SessionTracker {

    /** The Sql command kinds that may change a session besides a {@link Command.Setting}: DISCARD, and older logs' SET/RESET. */
    private static final Set<String> SESSION_KINDS = Set.of("SET", "RESET", "DISCARD");

    /** True when the command may change its connection's session: {@link #track} must see it. */
    static boolean changesSession(Command c) {
        return c instanceof Command.Setting || c instanceof Command.Sql sql && SESSION_KINDS.contains(sql.kind());
    }

    private final Map<Integer, List<String>> sessionSets = new HashMap<>();
    /** By source connection: its temporary relations renamed out of the way (stash name → what to rename back). */
    private final Map<Integer, List<Stashed>> stashed = new HashMap<>();
    private record Stashed(String stash, String name, String alter) {}
    private int stashes;
    /** True once a replayed statement may have created a temporary relation: switches then move them. */
    private boolean temps;
    private int currentConnection = -1;
    private Map<String, String> currentSession = Map.of();

    /**
     * Notes a DDL or unstructured statement a source connection ran, for what it may leave in the session: a temporary
     * relation ({@code CREATE TEMP …}, {@code SELECT … INTO TEMP}, {@code pg_temp.x}).
     */
    void noteDdl(String sql) {
        if (temps) return;
        for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
            if (t.type() == SqlLexer.Type.WORD && (t.text().equals("temp") || t.text().equals("temporary") || t.text().equals("pg_temp"))) {
                temps = true;
                return;
            }
        }
    }

    /**
     * True for a setting replay leaves out: {@code temp_buffers} sizes the session's memory for temporary tables, changes
     * no result, and cannot change once any connection of the one target session used a temporary table.
     */
    static boolean leftOut(Command c) {
        return c instanceof Command.Setting set && set.name() != null && set.name().equalsIgnoreCase("temp_buffers");
    }

    /** Notes a SET/RESET/DISCARD a source connection ran (it has just been run on the target too). */
    void track(int connection, String sql) {
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(sql);
        if (tokens.isEmpty() || tokens.get(0).type() != SqlLexer.Type.WORD) return;
        String first = tokens.get(0).text();
        String second = tokens.size() > 1 && tokens.get(1).type() == SqlLexer.Type.WORD ? tokens.get(1).text() : "";
        List<String> sets = sessionSets.computeIfAbsent(connection, k -> new ArrayList<>());
        switch (first) {
            case "set" -> {
                if (!second.equals("local") && !second.equals("transaction") && !second.equals("constraints")) sets.add(sql);
            }
            case "reset" -> {
                if (second.equals("all")) sets.clear();
                else sets.add(sql);
            }
            case "discard" -> {
                if (second.equals("all")) sets.clear();
            }
            default -> { }
        }
    }

    /** True when the target's session is not {@code tx}'s connection's: {@link #switchTo} must run first. */
    boolean needsSwitch(Transaction tx) {
        return tx.connection() != currentConnection || !tx.session().equals(currentSession);
    }

    /** True when switching to {@code tx}'s connection renames temporary relations ({@link #switchTo}). */
    boolean movesTemporaries(Transaction tx) {
        return temps && tx.connection() != currentConnection;
    }

    /**
     * Makes the target's session that of {@code tx}'s source connection. Identity first: {@code RESET ALL} leaves the
     * role and the session authorization alone, and another connection's {@code SET ROLE} must not carry over.
     */
    void switchTo(Connection target, Transaction tx) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; RESET ALL");
            if (temps && tx.connection() != currentConnection) {
                stash(s, currentConnection);
                for (Stashed t : stashed.getOrDefault(tx.connection(), List.of())) {
                    // IF EXISTS: a DISCARD ALL or TEMP of another connection dropped the whole session's
                    s.execute(t.alter + " IF EXISTS pg_temp." + t.stash + " RENAME TO " + TargetCatalog.quote(t.name));
                }
                stashed.remove(tx.connection());
            }
            for (Map.Entry<String, String> e : tx.session().entrySet()) {
                String key = e.getKey();
                if (key.equals("client_encoding") || key.equals("application_name")) continue;
                s.execute("SELECT pg_catalog.set_config('" + key.replace("'", "''") + "', '" + e.getValue().replace("'", "''") + "', false)");
            }
            for (String set : sessionSets.getOrDefault(tx.connection(), List.of())) s.execute(set);
        }
        currentConnection = tx.connection();
        currentSession = tx.session();
    }

    /** Renames the temporary relations in sight, {@code connection}'s, out of the way. */
    private void stash(Statement s, int connection) throws SQLException {
        List<Stashed> moved = new ArrayList<>();
        try (java.sql.ResultSet rs = s.executeQuery("SELECT c.relname, c.relkind FROM pg_catalog.pg_class c "
                + "WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind IN ('r','p','v','S','i','I') "
                + "AND c.relname NOT LIKE 'waly\\_stash\\_%'")) {
            while (rs.next()) {
                String alter = switch (rs.getString(2)) {
                    case "v" -> "ALTER VIEW";
                    case "S" -> "ALTER SEQUENCE";
                    case "i", "I" -> "ALTER INDEX";
                    default -> "ALTER TABLE";
                };
                moved.add(new Stashed("waly_stash_" + ++stashes, rs.getString(1), alter));
            }
        }
        for (Stashed t : moved) s.execute(t.alter + " pg_temp." + TargetCatalog.quote(t.name) + " RENAME TO " + t.stash);
        if (!moved.isEmpty()) stashed.computeIfAbsent(connection, k -> new ArrayList<>()).addAll(moved);
    }

    /**
     * True when {@code sql}, a {@code DISCARD} of the current source connection, would drop other connections'
     * temporary relations on the one target session ({@code DISCARD TEMP}/{@code ALL} while some are stashed): it must
     * then be replayed by {@link #discardOwn}.
     */
    boolean discardsOthers(String sql) {
        if (stashed.isEmpty()) return false;
        String what = discarded(sql);
        return what.equals("temp") || what.equals("temporary") || what.equals("all");
    }

    /**
     * {@code DISCARD TEMP} or {@code ALL} of the current source connection, keeping the other connections' stashed
     * temporary relations: the connection's own temporary relations in sight are dropped, and for {@code ALL} the rest
     * of what PostgreSQL documents it to do is done statement by statement.
     */
    void discardOwn(Connection target, String sql) throws SQLException {
        try (Statement s = target.createStatement()) {
            if (discarded(sql).equals("all")) {
                for (String part : List.of("CLOSE ALL", "SET SESSION AUTHORIZATION DEFAULT", "RESET ALL", "DEALLOCATE ALL",
                        "UNLISTEN *", "SELECT pg_catalog.pg_advisory_unlock_all()", "DISCARD PLANS", "DISCARD SEQUENCES")) {
                    s.execute(part);
                }
            }
            List<String> drops = new ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery("SELECT c.relname, c.relkind FROM pg_catalog.pg_class c "
                    + "WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind IN ('r','p','v','m','S','f') "
                    + "AND c.relname NOT LIKE 'waly\\_stash\\_%' ORDER BY c.relkind IN ('v', 'm') DESC")) {
                while (rs.next()) {
                    String kind = switch (rs.getString(2)) {
                        case "v" -> "VIEW";
                        case "m" -> "MATERIALIZED VIEW";
                        case "S" -> "SEQUENCE";
                        case "f" -> "FOREIGN TABLE";
                        default -> "TABLE";
                    };
                    drops.add("DROP " + kind + " IF EXISTS pg_temp." + TargetCatalog.quote(rs.getString(1)) + " CASCADE");
                }
            }
            for (String drop : drops) s.execute(drop);   // IF EXISTS: a table's drop takes its owned sequences along
        }
    }

    private static String discarded(String sql) {
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(sql);
        return tokens.size() > 1 && tokens.get(0).is("discard") && tokens.get(1).type() == SqlLexer.Type.WORD ? tokens.get(1).text() : "";
    }

    /** After a failure the target's session is unknown: the next transaction rebuilds it. */
    void forget() {
        currentConnection = -1;
    }
}
