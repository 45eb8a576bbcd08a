package io.waly.compat.regress;

import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;

/**
 * Runs psql scripts on one connection the way psql does, in autocommit, and records what every statement observably
 * did ({@link Outcome}). Handles the meta-commands that change what is sent: {@code \set}, {@code &#92;unset},
 * {@code \getenv}, {@code \gset}, {@code \gexec}, {@code \g}, {@code \if}/{@code \elif}/{@code \else}/{@code \endif},
 * {@code \c}, {@code \r}, {@code \q}; {@code COPY … FROM stdin} takes its data from the script (through pgjdbc's
 * CopyManager) and {@code COPY … TO stdout} is recorded. Every other meta-command (display, {@code \d…},
 * {@code \copy}, large objects, …) is skipped and counted.
 *
 * <p>Where psql would differ: the data of a {@code COPY … FROM stdin} is always consumed, even when the statement
 * fails (psql then reads the data as SQL); a connection the server or pgjdbc closed is opened again (pgjdbc closes it
 * when a script sets DateStyle away from ISO, which psql tolerates), and the outcome says so.
 */
final class PsqlSession implements AutoCloseable {

    /** Opens a connection as psql's {@code \c} would; null arguments keep the current database or user. */
    @FunctionalInterface
    interface Connector {
        Connection open(String database, String user) throws SQLException;
    }

    /** What one statement did, as the application sees it: rows, counts, notices, or the error. */
    record Outcome(String file, int line, String sql, String result) {}

    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)\\s*(/\\*.*?\\*/\\s*)*copy\\b.*\\bfrom\\s+stdin\\b.*");
    private static final Pattern COPY_TO_STDOUT = Pattern.compile("(?is)\\s*(/\\*.*?\\*/\\s*)*copy\\b.*\\bto\\s+stdout\\b.*");

    private final Connector connector;
    private final Map<String, String> environment;
    private final int statementTimeoutSeconds;
    private final Map<String, String> variables = new HashMap<>();
    private final Deque<Branch> branches = new ArrayDeque<>();
    private Connection connection;
    private String database;
    private String user;
    private String lastQuery = "";
    private Instant deadline = Instant.MAX;

    final List<Outcome> outcomes = new ArrayList<>();
    /** Skipped meta-commands by name, for the report. */
    final Map<String, Integer> skipped = new TreeMap<>();
    /** Why the last script stopped early (time limit, {@code \q}), or null. */
    String stoppedBecause;

    /**
     * @param environment what {@code \getenv} sees before the process environment (PG_ABS_SRCDIR, …)
     */
    PsqlSession(Connector connector, String database, String user, Map<String, String> environment, int statementTimeoutSeconds)
            throws SQLException {
        this.connector = connector;
        this.environment = environment;
        this.statementTimeoutSeconds = statementTimeoutSeconds;
        this.database = database;
        this.user = user;
        this.connection = connector.open(database, user);
        variables.put("AUTOCOMMIT", "on");
        variables.put("VERBOSITY", "default");
        variables.put("ON_ERROR_STOP", "off");
        variables.put("DBNAME", database);
        variables.put("USER", user);
    }

    /** Scripts stop at the next statement once this instant is past. */
    void deadline(Instant deadline) {
        this.deadline = deadline;
    }

    /** The database the session is connected to now ({@code \c} may have moved it). */
    String database() {
        return database;
    }

    int skippedCount() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Runs a script to its end (or {@code \q}, or the deadline); outcomes accumulate across scripts. */
    void run(String file, String script) {
        PsqlLexer lexer = new PsqlLexer(script);
        branches.clear();
        PsqlLexer.Item item;
        while ((item = lexer.next(active() ? variables::get : null)) != null) {
            if (Instant.now().isAfter(deadline)) {
                stoppedBecause = "time limit reached at " + file + " line " + line(item);
                return;
            }
            if (item instanceof PsqlLexer.Sql sql) {
                if (active()) execute(file, sql.line(), sql.text(), sql.compound(), lexer);
            } else if (item instanceof PsqlLexer.Meta meta) {
                if (!meta(file, meta, lexer)) return;
            }
        }
    }

    private static int line(PsqlLexer.Item item) {
        return item instanceof PsqlLexer.Sql s ? s.line() : ((PsqlLexer.Meta) item).line();
    }

    // ---- meta-commands

    /** @return false when the script must stop ({@code \q}) */
    private boolean meta(String file, PsqlLexer.Meta meta, PsqlLexer lexer) {
        String command = meta.command();
        switch (command) {
            case "if" -> {
                boolean parentActive = active();
                boolean value = parentActive && condition(meta);
                branches.push(new Branch(parentActive, value));
                return true;
            }
            case "elif" -> {
                Branch b = branches.peek();
                if (b != null) {
                    b.active = b.parentActive && !b.taken && condition(meta);
                    b.taken |= b.active;
                }
                return true;
            }
            case "else" -> {
                Branch b = branches.peek();
                if (b != null) {
                    b.active = b.parentActive && !b.taken;
                    b.taken = true;
                }
                return true;
            }
            case "endif" -> {
                branches.poll();
                return true;
            }
            default -> { }
        }
        if (!active()) return true;
        List<String> args = PsqlLexer.arguments(meta.rawArguments(), variables::get);
        switch (command) {
            case "set" -> {
                if (args.isEmpty()) return true;
                variables.put(args.get(0), String.join("", args.subList(1, args.size())));
            }
            case "unset" -> {
                if (!args.isEmpty()) variables.remove(args.get(0));
            }
            case "getenv" -> {
                if (args.size() >= 2) {
                    String value = environment.getOrDefault(args.get(1), System.getenv(args.get(1)));
                    if (value == null) variables.remove(args.get(0));
                    else variables.put(args.get(0), value);
                }
            }
            case "g", "gx", "crosstabview", "watch" -> {
                boolean compound = lexer.bufferIsCompound();
                execute(file, meta.line(), bufferOrLast(lexer), compound, lexer);
            }
            case "gset" -> gset(file, meta.line(), bufferOrLast(lexer), args.isEmpty() ? "" : args.get(0));
            case "gexec" -> gexec(file, meta.line(), bufferOrLast(lexer), lexer);
            case "r", "reset" -> lexer.takeBuffer();
            case "c", "connect" -> connect(file, meta.line(), args);
            case "q", "quit" -> {
                stoppedBecause = "\\q at " + file + " line " + meta.line();
                return false;
            }
            default -> {
                skipped.merge(command, 1, Integer::sum);
                if (command.equals("gdesc")) lexer.takeBuffer();   // describes the query without running it
            }
        }
        return true;
    }

    private String bufferOrLast(PsqlLexer lexer) {
        String buffer = lexer.takeBuffer();
        return buffer.isBlank() ? lastQuery : buffer;
    }

    /** psql's boolean: a prefix of true/false/yes/no, on/off, 1/0; anything else is an error and false. */
    private boolean condition(PsqlLexer.Meta meta) {
        List<String> args = PsqlLexer.arguments(meta.rawArguments(), variables::get);
        String v = args.isEmpty() ? "" : args.get(0).toLowerCase();
        if (v.isEmpty()) return false;
        if ("true".startsWith(v) || "yes".startsWith(v) || v.equals("on") || v.equals("1")) return true;
        return false;
    }

    private boolean active() {
        return branches.isEmpty() || branches.peek().active;
    }

    private static final class Branch {
        final boolean parentActive;
        boolean active;
        boolean taken;

        Branch(boolean parentActive, boolean active) {
            this.parentActive = parentActive;
            this.active = active;
            this.taken = active;
        }
    }

    private void connect(String file, int line, List<String> args) {
        String db = args.size() > 0 && !args.get(0).equals("-") ? args.get(0) : database;
        String as = args.size() > 1 && !args.get(1).equals("-") ? args.get(1) : user;
        try {
            Connection fresh = connector.open(db, as);
            closeQuietly(connection);
            connection = fresh;
            database = db;
            user = as;
            variables.put("DBNAME", db);
            variables.put("USER", as);
        } catch (SQLException e) {
            outcomes.add(new Outcome(file, line, "\\c " + String.join(" ", args), error(e)));
        }
    }

    // ---- statements

    private void execute(String file, int line, String sql, boolean compound, PsqlLexer lexer) {
        if (sql.isBlank()) return;
        lastQuery = sql;
        StringBuilder result = new StringBuilder();
        boolean copyIn = COPY_FROM_STDIN.matcher(sql).matches();
        boolean copyOut = !copyIn && COPY_TO_STDOUT.matcher(sql).matches();
        // the data follows the statement in the script whether or not the statement succeeds
        String data = copyIn ? lexer.copyData() : null;
        if (compound && (copyIn || copyOut)) {
            // pgjdbc's CopyManager takes one COPY per query, and hangs on a query of several
            skipped.merge("COPY joined by \\;", 1, Integer::sum);
            return;
        }
        try {
            if (copyIn) {
                long rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(data));
                result.append("COPY ").append(rows);
                variables.put("ROW_COUNT", Long.toString(rows));
            } else if (copyOut) {
                StringWriter out = new StringWriter();
                long rows = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
                result.append("COPY ").append(rows).append('\n').append(out);
            } else {
                try (Statement s = statement()) {
                    try {
                        results(s, s.execute(sql), result);
                    } finally {
                        warnings(s.getWarnings(), result);
                    }
                }
            }
            variables.put("ERROR", "false");
            variables.put("SQLSTATE", "00000");
        } catch (SQLException e) {
            result.append(error(e));
            variables.put("ERROR", "true");
            variables.put("SQLSTATE", String.valueOf(e.getSQLState()));
            variables.put("LAST_ERROR_SQLSTATE", String.valueOf(e.getSQLState()));
            variables.put("LAST_ERROR_MESSAGE", String.valueOf(e.getMessage()));
        } catch (java.io.IOException e) {   // from the copy streams, which are strings here: reported, not expected
            result.append("error (copy stream) ").append(e);
        }
        reopenIfClosed(result);
        followStandardConformingStrings(lexer);
        outcomes.add(new Outcome(file, line, sql, result.toString()));
    }

    private Statement statement() throws SQLException {
        Statement s = connection.createStatement();
        s.setEscapeProcessing(false);   // psql sends {fn …} and {d …} as they are
        s.setQueryTimeout(statementTimeoutSeconds);
        return s;
    }

    /** Every result of the statement in order: result sets (labels, types, rows as text) and update counts. */
    private static void results(Statement s, boolean isResultSet, StringBuilder out) throws SQLException {
        while (true) {
            if (isResultSet) {
                try (ResultSet rs = s.getResultSet()) {
                    rows(rs, out);
                }
            } else {
                int count = s.getUpdateCount();
                if (count == -1) return;
                out.append("count ").append(count).append('\n');
            }
            isResultSet = s.getMoreResults();
        }
    }

    private static void rows(ResultSet rs, StringBuilder out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        out.append("columns");
        for (int i = 1; i <= md.getColumnCount(); i++) out.append(' ').append(md.getColumnLabel(i)).append(':').append(md.getColumnTypeName(i));
        out.append('\n');
        int rows = 0;
        while (rs.next()) {
            for (int i = 1; i <= md.getColumnCount(); i++) out.append(i == 1 ? "" : " | ").append(rs.getString(i));
            out.append('\n');
            rows++;
        }
        out.append('(').append(rows).append(rows == 1 ? " row)\n" : " rows)\n");
    }

    private static void warnings(SQLWarning w, StringBuilder out) {
        for (; w != null; w = w.getNextWarning()) out.append("notice ").append(w.getSQLState()).append(' ').append(w.getMessage()).append('\n');
    }

    static String error(SQLException e) {
        return "error " + e.getSQLState() + " " + e.getMessage();
    }

    /** {@code \gset}: the one row's columns become variables (prefixed); no row or several is psql's error. */
    private void gset(String file, int line, String sql, String prefix) {
        lastQuery = sql;
        StringBuilder result = new StringBuilder();
        try (Statement s = statement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    if (!rs.next()) {
                        result.append("no rows returned for \\gset");
                    } else {
                        Map<String, String> row = new HashMap<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) row.put(prefix + md.getColumnLabel(i), rs.getString(i));
                        if (rs.next()) {
                            result.append("more than one row returned for \\gset");
                        } else {
                            row.forEach((k, v) -> {
                                if (v == null) variables.remove(k);
                                else variables.put(k, v);
                            });
                            result.append("gset ").append(new TreeMap<>(row));
                        }
                    }
                }
            } else {
                result.append("count ").append(s.getUpdateCount());
            }
            warnings(s.getWarnings(), result);
        } catch (SQLException e) {
            result.append(error(e));
        }
        reopenIfClosed(result);
        outcomes.add(new Outcome(file, line, sql + " \\gset " + prefix, result.toString()));
    }

    /** {@code \gexec}: runs the query, then every non-null cell of its result as a statement of its own. */
    private void gexec(String file, int line, String sql, PsqlLexer lexer) {
        lastQuery = sql;
        List<String> statements = new ArrayList<>();
        StringBuilder result = new StringBuilder();
        try (Statement s = statement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) if (rs.getString(i) != null) statements.add(rs.getString(i));
                    }
                }
            }
            result.append("gexec ").append(statements.size()).append(" statements");
        } catch (SQLException e) {
            result.append(error(e));
        }
        outcomes.add(new Outcome(file, line, sql + " \\gexec", result.toString()));
        for (String statement : statements) execute(file, line, statement, false, lexer);
    }

    private void reopenIfClosed(StringBuilder result) {
        try {
            if (!connection.isClosed()) return;
            connection = connector.open(database, user);
            result.append("\n(connection closed; reopened)");
        } catch (SQLException e) {
            result.append("\n(connection closed; reopening failed: ").append(e.getMessage()).append(')');
        }
    }

    private void followStandardConformingStrings(PsqlLexer lexer) {
        try {
            lexer.standardConformingStrings(connection.unwrap(BaseConnection.class).getStandardConformingStrings());
        } catch (SQLException | RuntimeException e) {
            // keep the lexer's current setting
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) c.close();
        } catch (SQLException e) {
            // closing a broken connection: nothing to report
        }
    }
}
