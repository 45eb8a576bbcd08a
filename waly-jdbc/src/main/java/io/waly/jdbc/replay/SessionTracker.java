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
 */
final class SessionTracker {

    /** The Sql command kinds that may change a session besides a {@link Command.Setting}: DISCARD, and older logs' SET/RESET. */
    private static final Set<String> SESSION_KINDS = Set.of("SET", "RESET", "DISCARD");

    /** True when the command may change its connection's session: {@link #track} must see it. */
    static boolean changesSession(Command c) {
        return c instanceof Command.Setting || c instanceof Command.Sql sql && SESSION_KINDS.contains(sql.kind());
    }

    private final Map<Integer, List<String>> sessionSets = new HashMap<>();
    private int currentConnection = -1;
    private Map<String, String> currentSession = Map.of();

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

    /**
     * Makes the target's session that of {@code tx}'s source connection. Identity first: {@code RESET ALL} leaves the
     * role and the session authorization alone, and another connection's {@code SET ROLE} must not carry over.
     */
    void switchTo(Connection target, Transaction tx) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; RESET ALL");
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

    /** After a failure the target's session is unknown: the next transaction rebuilds it. */
    void forget() {
        currentConnection = -1;
    }
}
