package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, per SQL string, whether a statement is read-only, a write, or transaction control — conservatively:
 * anything not provably read-only is a write (design.md, invariant 1). Results are cached per SQL string, so a
 * read costs one hash lookup after its first execution; writes carry their parsed command, parsed once per literal
 * shape ({@link CommandParser}).
 */
public final class SqlClassifier {

    /** Bounded by clearing: a cache of SQL text must not grow without limit in an application that inlines literals. */
    private static final int MAX_ENTRIES = 20_000;

    private final ConcurrentHashMap<String, SqlInfo> cache = new ConcurrentHashMap<>();
    private final CommandParser parser;

    public SqlClassifier(CommandParser parser) {
        this.parser = parser;
    }

    public SqlInfo classify(String sql) {
        SqlInfo info = cache.get(sql);
        if (info != null) return info;
        info = compute(sql);
        if (cache.size() >= MAX_ENTRIES) cache.clear();
        cache.put(sql, info);
        return info;
    }

    private SqlInfo compute(String text) {
        // What pgjdbc sends: a lone UTF-16 surrogate (no character at all) goes out as '?', so the command is made of
        // that text — the one the database sees, and the only one the log's UTF-8 can hold.
        String sql = io.waly.log.payload.Cbor.text(text);
        List<Token> tokens = SqlLexer.tokenize(sql);
        List<List<Token>> statements = SqlLexer.statements(tokens);
        if (statements.isEmpty()) return new SqlInfo(SqlKind.EMPTY, null, null, false, false, false, List.of());
        if (statements.size() == 1) {
            List<Token> st = statements.get(0);
            SqlKind kind = kindOf(st);
            String name = switch (kind) {
                case SAVEPOINT, RELEASE, ROLLBACK_TO -> savepointName(st);
                case PREPARE_TRANSACTION, COMMIT_PREPARED, ROLLBACK_PREPARED -> transactionIdentifier(st);
                default -> null;
            };
            Command cmd = kind == SqlKind.WRITE || kind.runsOutsideTransaction() ? parser.parse(sql, tokens) : null;
            // a trailing ';' (and anything after it, even a comment) makes pgjdbc see several queries, and it would
            // then answer generated keys with a result set: such a string is never given RETURNING by WAL-y
            boolean semicolon = tokens.stream().anyMatch(t -> t.type() == Type.SEMICOLON);
            boolean write = kind == SqlKind.WRITE;
            // one statement here (several are handled below), a trailing ';' or not
            boolean keepsWork = kind == SqlKind.NON_TRANSACTIONAL
                    && (st.get(0).is("call") || st.get(0).is("do") || st.stream().anyMatch(t -> t.is("concurrently")));
            SqlInfo info = new SqlInfo(kind, name, cmd, semicolon, write && callsVolatile(st), st.get(0).is("with"),
                    write ? sequencesNamed(st) : List.of(), keepsWork);
            if (st.get(0).is("call") || st.get(0).text().equals("{")) info.explicitCall(ExplicitCall.parse(st));
            if (write) info.createsLargeObject(LargeObjectCalls.singleServerChosen(sql));
            if (write && (st.get(0).is("select") || st.get(0).is("with"))) info.selectInto(CreateTableAs.selectInto(sql));
            return info;
        }
        // Several statements in one string run as one implicit transaction: the string is one write if any part is.
        boolean write = false;
        boolean nonTx = false;
        boolean vol = false;
        for (List<Token> st : statements) {
            SqlKind k = kindOf(st);
            if (k != SqlKind.READ && k != SqlKind.EMPTY) write = true;
            // a string that begins, ends or marks transactions itself runs as sent, never inside one of WAL-y's
            if (k.runsOutsideTransaction() || k.isTransactionControl()) nonTx = true;
            vol |= callsVolatile(st);
        }
        if (!write) return new SqlInfo(SqlKind.READ, null, null, true, false, false, List.of());
        // each part on its own too, so that the model's rules judge every statement of the string, not the string
        List<SqlInfo> parts = new java.util.ArrayList<>(statements.size());
        for (List<Token> st : statements) parts.add(classify(sql.substring(st.get(0).start(), st.get(st.size() - 1).end())));
        return new SqlInfo(nonTx ? SqlKind.NON_TRANSACTIONAL : SqlKind.WRITE, null, new Command.Sql("MULTI"), true, vol, false,
                List.of(), false, parts);
    }

    static SqlKind kindOf(List<Token> st) {
        Token first = st.get(0);
        if (first.type() == Type.OPEN_PAREN) return isReadQuery(st) ? SqlKind.READ : SqlKind.WRITE;  // (SELECT …) UNION …
        if (first.type() != Type.WORD) return SqlKind.WRITE;
        String w = first.text();
        String w2 = st.size() > 1 && st.get(1).type() == Type.WORD ? st.get(1).text() : "";
        switch (w) {
            case "select", "values", "table", "with" -> {
                return isReadQuery(st) ? SqlKind.READ : SqlKind.WRITE;
            }
            case "show", "fetch", "move", "close", "listen", "unlisten", "notify", "checkpoint" -> {
                return SqlKind.READ;
            }
            case "explain" -> {
                for (Token t : st) if (t.is("analyze") || t.is("analyse")) return SqlKind.WRITE;
                return SqlKind.READ;
            }
            case "declare" -> {
                return isReadQuery(st) ? SqlKind.READ : SqlKind.WRITE;
            }
            case "begin", "start" -> {
                return SqlKind.BEGIN;
            }
            case "commit", "end" -> {
                return w.equals("commit") && w2.equals("prepared") ? SqlKind.COMMIT_PREPARED : SqlKind.COMMIT;
            }
            case "prepare" -> {
                return w2.equals("transaction") ? SqlKind.PREPARE_TRANSACTION : SqlKind.WRITE;
            }
            case "abort" -> {
                return SqlKind.ROLLBACK;
            }
            case "rollback" -> {
                if (w2.equals("prepared")) return SqlKind.ROLLBACK_PREPARED;
                for (Token t : st) if (t.is("to")) return SqlKind.ROLLBACK_TO;
                return SqlKind.ROLLBACK;
            }
            case "savepoint" -> {
                return SqlKind.SAVEPOINT;
            }
            case "release" -> {
                return SqlKind.RELEASE;
            }
            // Statements whose meaning in autocommit differs inside a transaction block (an error or warning
            // outside one, or a session change the driver must see at once): they run as sent, never wrapped.
            // SET TRANSACTION sets the characteristics of the transaction it opens (it must come before any query in it):
            // nothing a replay needs, which runs in a transaction of its own
            case "set" -> {
                return w2.equals("transaction") ? SqlKind.READ : SqlKind.NON_TRANSACTIONAL;
            }
            case "vacuum", "lock", "reset", "discard" -> {
                return SqlKind.NON_TRANSACTIONAL;
            }
            // A procedure or DO block may COMMIT and ROLLBACK inside, which PostgreSQL allows only outside a
            // transaction block (else: 2D000 invalid transaction termination).
            case "call", "do" -> {
                return SqlKind.NON_TRANSACTIONAL;
            }
            // REINDEX and CLUSTER of a partitioned table, REINDEX SCHEMA, and subscriptions that connect are refused
            // inside a transaction block; run outside one, every form of them means the same
            case "reindex", "cluster" -> {
                return SqlKind.NON_TRANSACTIONAL;
            }
            case "create", "drop", "alter" -> {
                for (Token t : st) {
                    if (t.is("concurrently")) return SqlKind.NON_TRANSACTIONAL;
                }
                if (w2.equals("subscription")) return SqlKind.NON_TRANSACTIONAL;
                if ((w.equals("create") || w.equals("drop")) && (w2.equals("database") || w2.equals("tablespace"))) {
                    return SqlKind.NON_TRANSACTIONAL;
                }
                if (w.equals("alter") && w2.equals("system")) return SqlKind.NON_TRANSACTIONAL;
                return SqlKind.WRITE;
            }
            default -> {
                return SqlKind.WRITE;
            }
        }
    }

    /**
     * True when the SQL fragment (a subquery, an {@code INSERT}'s query) changes nothing by itself: no data-modifying
     * part, and calls only functions known to change nothing ({@link #isReadQuery}).
     */
    public static boolean changesNothing(String fragment) {
        return isReadQuery(SqlLexer.tokenize(fragment));
    }

    /** True when the function (lower-case name) is known to change nothing (it may still give other values). */
    public static boolean isReadOnlyFunction(String name) {
        return ReadOnlyFunctions.isReadOnly(name);
    }

    /**
     * A query is read-only when it has no data-modifying part (INSERT/UPDATE/DELETE/MERGE in a CTE, SELECT INTO)
     * and calls only functions known to change nothing.
     */
    static boolean isReadQuery(List<Token> st) {
        for (int i = 0; i < st.size(); i++) {
            Token t = st.get(i);
            if (t.type() != Type.WORD) continue;
            switch (t.text()) {
                case "insert", "update", "delete", "merge", "into", "truncate", "copy" -> {
                    // "FOR UPDATE" / "FOR NO KEY UPDATE" lock rows; they change nothing replay needs
                    if (t.text().equals("update") && i > 0 && (st.get(i - 1).is("for") || st.get(i - 1).is("key"))) continue;
                    return false;
                }
                default -> {
                    // a call of anything not known to change nothing; a name qualified by a schema other than
                    // pg_catalog is a user function, whatever it is called
                    if (i + 1 < st.size() && st.get(i + 1).type() == Type.OPEN_PAREN) {
                        boolean qualified = i > 1 && st.get(i - 1).type() == Type.OTHER && st.get(i - 1).text().equals(".");
                        boolean userSchema = qualified && !st.get(i - 2).is("pg_catalog");
                        if (userSchema || !ReadOnlyFunctions.isReadOnly(t.text())) return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Functions and keywords whose value differs between the source and a replay: time, randomness, sequences, and
     * what identifies the session, the server or the database (a replay runs in another session, perhaps on another
     * server, into a database of another name).
     */
    private static final Set<String> VOLATILE = Set.of("now", "current_timestamp", "current_date", "current_time",
            "localtime", "localtimestamp", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday",
            "random", "random_normal", "setseed", "gen_random_uuid", "gen_random_bytes", "gen_salt", "uuid_generate_v1",
            "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
            "nextval", "setval", "currval", "lastval", "default",
            "txid_current", "txid_current_if_assigned", "txid_current_snapshot", "pg_current_xact_id",
            "pg_current_xact_id_if_assigned", "pg_current_snapshot", "pg_current_wal_lsn", "pg_current_wal_insert_lsn",
            "pg_backend_pid", "inet_client_addr", "inet_client_port", "inet_server_addr", "inet_server_port",
            "current_database", "current_catalog", "current_user", "current_role", "session_user", "user",
            "current_schema", "current_schemas", "current_setting", "pg_my_temp_schema", "version",
            "pg_postmaster_start_time", "pg_conf_load_time");

    /** Date and time input strings PostgreSQL reads as the moment they are read ('now'::timestamptz, 'today'::date). */
    private static final Set<String> VOLATILE_INPUT = Set.of("now", "today", "tomorrow", "yesterday");

    /** True when the statement calls something whose value differs between the source and a replay. */
    static boolean callsVolatile(List<Token> st) {
        for (Token t : st) {
            if (t.type() == Type.WORD && VOLATILE.contains(t.text())) return true;
            if (t.type() == Type.STRING && t.text().length() <= 12 && VOLATILE_INPUT.contains(t.text().strip().toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The sequences named by string literal in nextval('s') and setval('s', …). */
    static List<String> sequencesNamed(List<Token> st) {
        List<String> out = null;
        for (int i = 0; i + 2 < st.size(); i++) {
            Token t = st.get(i);
            if ((t.is("nextval") || t.is("setval")) && st.get(i + 1).type() == Type.OPEN_PAREN && st.get(i + 2).type() == Type.STRING) {
                if (out == null) out = new java.util.ArrayList<>();
                if (!out.contains(st.get(i + 2).text())) out.add(st.get(i + 2).text());
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    /** The string literal of PREPARE TRANSACTION 'id' / COMMIT PREPARED 'id' / ROLLBACK PREPARED 'id'. */
    private static String transactionIdentifier(List<Token> st) {
        for (Token t : st) if (t.type() == Type.STRING) return t.text();
        return null;
    }

    private static String savepointName(List<Token> st) {
        for (int i = st.size() - 1; i >= 1; i--) {
            Token t = st.get(i);
            if (t.type() == Type.QUOTED_IDENT) return t.text();
            if (t.type() == Type.WORD && !t.is("savepoint") && !t.is("to") && !t.is("work") && !t.is("transaction")) return t.text();
        }
        return null;
    }
}
