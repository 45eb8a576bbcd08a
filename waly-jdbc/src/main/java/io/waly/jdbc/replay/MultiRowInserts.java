package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.jdbc.sql.SqlLexer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Consecutive single-row {@code INSERT … VALUES (…)} of one text sent as multi-row INSERTs, {@value #MAX_ROWS} rows a
 * statement (what pgjdbc's {@code reWriteBatchedInserts} does, but only where it changes nothing): PostgreSQL then
 * plans and executes once per statement instead of once per row, so a replay loads rows faster than a plain JDBC batch
 * loader. Only into a plain table without triggers of its own and without rules ({@link TargetCatalog.TableShape#rowsTogether}:
 * a statement-level trigger fires once per statement, a row trigger sees the table at another moment), with no
 * {@code ON CONFLICT} (two rows of one statement may not update one row), {@code RETURNING} or {@code WITH}, every
 * parameter a JDBC {@code ?} inside the one VALUES row that ends the statement, and no function call or subquery in
 * that row. The same rows, in the same order, with
 * the same defaults and sequence draws: a multi-row INSERT evaluates its rows in order.
 */
final class MultiRowInserts {

    /**
     * Measured against 128 (replay of waly-bench's 100,000 rows into an empty database, four alternating runs of eight
     * rounds): 85,000–87,000 rows/s median at 128, 119,000–134,000 at 1,000 — PostgreSQL's work per statement and
     * pgjdbc's per execution are paid an eighth as often. A statement that fails is reported at the log record of its
     * first row.
     */
    static final int MAX_ROWS = 1000;
    /** PostgreSQL's protocol counts a statement's parameters in 16 bits. */
    private static final int MAX_PARAMS = 32767;

    /** A single-row INSERT as its text up to its VALUES row and the row itself. */
    record Shape(String head, String row, int params) {
        /** Rows per statement: {@value #MAX_ROWS}, or fewer when the parameters would not fit. */
        int rowsPerStatement() {
            return params == 0 ? MAX_ROWS : Math.min(MAX_ROWS, MAX_PARAMS / params);
        }

        String sql(int rows) {
            StringBuilder b = new StringBuilder(head.length() + rows * (row.length() + 2)).append(head).append(row);
            for (int i = 1; i < rows; i++) b.append(", ").append(row);
            return b.toString();
        }
    }

    private static final Shape NONE = new Shape("", "", -1);
    private static final int MAX_KEPT = 256;

    /**
     * Per SQL text, its shape; forgotten on DDL, statements of unknown effect, settings and another source connection's
     * turn (an unqualified name may then be another table).
     */
    private final Map<String, Shape> shapes = new HashMap<>();

    void invalidate() {
        shapes.clear();
    }

    /** Looks up the table a statement writes on the target (a catalog question, asked once per SQL text). */
    @FunctionalInterface
    interface Tables {
        TargetCatalog.TableShape of(Command.Table table) throws java.sql.SQLException;
    }

    /**
     * The shape of {@code sql}, a logged statement of {@code cmd} with {@code params} parameters; null when its
     * executions must go one statement each.
     */
    Shape ofStatement(String sql, Command cmd, int params, Tables tables) throws java.sql.SQLException {
        Shape s = shapes.get(sql);
        if (s == null) {
            s = cmd instanceof Command.Insert i && i.table() != null && i.rows() != null && i.rows().size() == 1 && i.returning() == null
                    && rowsTogether(tables.of(i.table())) ? split(sql, params) : null;
            keep(sql, s);
        }
        return s == NONE ? null : s;
    }

    /** The shape of a row image's INSERT into {@code table} ({@link RowImages}); null when it must go alone. */
    Shape ofImage(String sql, int params, TargetCatalog.TableShape table) {
        Shape s = shapes.get(sql);
        if (s == null) {
            s = rowsTogether(table) ? split(sql, params) : null;
            keep(sql, s);
        }
        return s == NONE ? null : s;
    }

    private static boolean rowsTogether(TargetCatalog.TableShape table) {
        return table != null && table.rowsTogether();
    }

    private void keep(String sql, Shape s) {
        if (shapes.size() >= MAX_KEPT) shapes.clear();
        shapes.put(sql, s == null ? NONE : s);
    }

    /** {@code sql} cut before its one VALUES row, which must end it and hold all of its {@code params} parameters. */
    static Shape split(String sql, int params) {
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(sql);
        int last = tokens.size() - 1;
        if (last < 2 || tokens.get(last).type() != SqlLexer.Type.CLOSE_PAREN) return null;
        int depth = 0;
        int open = -1;
        for (int i = last; i >= 0; i--) {
            SqlLexer.Type type = tokens.get(i).type();
            if (type == SqlLexer.Type.CLOSE_PAREN) depth++;
            else if (type == SqlLexer.Type.OPEN_PAREN && --depth == 0) {
                open = i;
                break;
            }
        }
        if (open < 1 || !tokens.get(open - 1).is("values")) return null;
        int inside = 0;
        for (int i = 0; i < tokens.size(); i++) {
            SqlLexer.Token t = tokens.get(i);
            if (t.type() == SqlLexer.Type.SEMICOLON || t.is("with") || t.is("returning") || t.is("on")) return null;
            if (t.type() == SqlLexer.Type.PARAM) {
                if (i < open || !t.text().equals("?")) return null;
                inside++;
            }
        }
        if (inside != params) return null;
        for (int i = open + 1; i < last; i++) {
            // no function call and no subquery in the row: one that reads the table would see the other rows of the
            // statement differently from one statement per row
            SqlLexer.Token t = tokens.get(i);
            if (t.is("select") || (t.type() == SqlLexer.Type.WORD || t.type() == SqlLexer.Type.QUOTED_IDENT)
                    && tokens.get(i + 1).type() == SqlLexer.Type.OPEN_PAREN) {
                return null;
            }
        }
        int cut = tokens.get(open).start();
        return new Shape(sql.substring(0, cut), sql.substring(cut, tokens.get(last).end()), params);
    }
}
