package io.waly.mongo;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.LogConfig;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.write.LogWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes logs the way the driver does (SESSION, BEGIN, STATEMENT, OUTCOME, SAVEPOINT…, COMMIT, COMMITTED) from
 * hand-made commands, plus a few builders for commands and expressions, so that tests stay short.
 */
final class TestLog implements AutoCloseable {

    final LogWriter writer;
    private final Set<Integer> sessions = new HashSet<>();
    private final Map<String, String> settings;

    private TestLog(LogWriter w, Map<String, String> settings) {
        this.writer = w;
        this.settings = settings;
    }

    static TestLog open(Path dir) {
        return new TestLog(LogWriter.open(LogConfig.at(dir)), Map.of("TimeZone", "UTC"));
    }

    Tx begin() {
        return begin(1);
    }

    Tx begin(int conn) {
        if (sessions.add(conn)) writer.append(RecordKind.SESSION, 0, new Payloads.Session(conn, settings).encode());
        long tx = writer.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new Payloads.Begin(conn, -1, false, null, false).encode());
        return new Tx(tx, conn);
    }

    /** One autocommitted statement; returns its commit sequence number. */
    long auto(String sql, Command c, Value... params) {
        return begin().exec(sql, c, params).commit();
    }

    final class Tx {
        final long id;
        final int conn;

        Tx(long id, int conn) {
            this.id = id;
            this.conn = conn;
        }

        Tx exec(String sql, Command c, Value... params) {
            return exec(sql, c, null, params);
        }

        /** A statement with recorded effects: the row images of {@code table} with {@code columns}. */
        Tx exec(String sql, Command c, Payloads.Effect effect, Value... params) {
            long s = writer.append(RecordKind.STATEMENT, id, statement(sql, c, params).encode());
            writer.append(RecordKind.OUTCOME, id, Payloads.Outcome.ok(s, new long[] {1}, effect == null ? List.of() : List.of(effect)).encode());
            return this;
        }

        /** A statement with several recorded effects (row images and their old values, …). */
        Tx execWith(String sql, Command c, List<Payloads.Effect> effects, Value... params) {
            long s = writer.append(RecordKind.STATEMENT, id, statement(sql, c, params).encode());
            writer.append(RecordKind.OUTCOME, id, Payloads.Outcome.ok(s, new long[] {1}, effects).encode());
            return this;
        }

        Tx fail(String sql, Command c, Value... params) {
            long s = writer.append(RecordKind.STATEMENT, id, statement(sql, c, params).encode());
            writer.append(RecordKind.OUTCOME, id, Payloads.Outcome.error(s, "23505", "duplicate key").encode());
            return this;
        }

        /** The COMMAND record of an application command whose {@code statements} next statements follow. */
        Tx command(String name, Map<String, Value> args, int statements) {
            writer.append(RecordKind.COMMAND, id, new Payloads.AppCommand(conn, name, args, Payloads.AppCommand.CALLED, statements, "test").encode());
            return this;
        }

        Tx savepoint(String name) {
            writer.append(RecordKind.SAVEPOINT, id, new Payloads.Savepoint(name).encode());
            return this;
        }

        Tx rollbackTo(String name) {
            writer.append(RecordKind.ROLLBACK_TO, id, new Payloads.Savepoint(name).encode());
            return this;
        }

        Tx release(String name) {
            writer.append(RecordKind.RELEASE, id, new Payloads.Savepoint(name).encode());
            return this;
        }

        long commit() {
            long c = writer.append(RecordKind.COMMIT, id, new Payloads.Commit(-1).encode());
            long e = writer.append(RecordKind.COMMITTED, id, Payloads.End.COMMIT.encode());
            writer.sync(e);
            return c;
        }

        void rollback() {
            long e = writer.append(RecordKind.ROLLBACK, id, Payloads.End.ROLLBACK.encode());
            writer.sync(e);
        }

        private Payloads.Statement statement(String sql, Command c, Value... params) {
            return new Payloads.Statement(sql, Arrays.asList(params), new int[params.length], c, false, -1, null, conn);
        }
    }

    @Override
    public void close() {
        writer.close();
    }

    // ---------------------------------------------------------------- command builders

    static Command.Table t(String name) {
        return new Command.Table(null, name);
    }

    /**
     * CREATE TABLE from a column list in SQL-ish text: "id int primary key, name text not null default 'x', …,
     * primary key (a, b), unique (c)"; a default is a number, a 'string', true/false, or a function call "now()".
     */
    static Command.Ddl.CreateTable create(String table, String defs) {
        List<Command.Ddl.ColumnDef> cols = new ArrayList<>();
        List<Command.Ddl.Constraint> constraints = new ArrayList<>();
        for (String d : splitTop(defs)) {
            String l = d.trim().toLowerCase(Locale.ROOT);
            if (l.startsWith("primary key") || l.startsWith("unique")) {
                List<String> names = new ArrayList<>();
                for (String c : inner(d).split(",")) names.add(c.trim());
                constraints.add(l.startsWith("unique") ? new Command.Ddl.Unique(null, names) : new Command.Ddl.PrimaryKey(null, names));
                continue;
            }
            String[] w = d.trim().split("\\s+", 2);
            String rest = w[1];
            String restL = rest.toLowerCase(Locale.ROOT);
            int cut = restL.length();
            for (String kw : List.of(" not null", " default ", " primary key", " unique")) {
                int i = restL.indexOf(kw);
                if (i >= 0) cut = Math.min(cut, i);
            }
            String type = rest.substring(0, cut).trim();
            Expr dflt = null;
            int di = restL.indexOf(" default ");
            if (di >= 0) dflt = defaultExpr(rest.substring(di + 9).trim());
            boolean isPk = restL.contains("primary key");
            cols.add(new Command.Ddl.ColumnDef(w[0], type, restL.contains("not null"), dflt, null, null));
            if (isPk) constraints.add(new Command.Ddl.PrimaryKey(null, List.of(w[0])));
            else if (restL.contains(" unique")) constraints.add(new Command.Ddl.Unique(null, List.of(w[0])));
        }
        return new Command.Ddl.CreateTable(t(table), cols, constraints, false, null, null);
    }

    private static Expr defaultExpr(String text) {
        if (text.endsWith("()")) return new Expr.Func(text.substring(0, text.length() - 2), List.of());
        if (text.startsWith("'")) return lit(text.substring(1, text.length() - 1));
        if (text.equals("true") || text.equals("false")) return lit(Boolean.parseBoolean(text));
        return lit(Integer.parseInt(text));
    }

    private static String inner(String s) {
        return s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
    }

    private static List<String> splitTop(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        boolean q = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') q = !q;
            else if (!q && c == '(') depth++;
            else if (!q && c == ')') depth--;
            else if (!q && depth == 0 && c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    static Command.Insert insert(String table, List<String> cols, List<List<Expr>> rows) {
        return new Command.Insert(t(table), cols, rows, null, null);
    }

    static Command.Insert insert(String table, List<String> cols, Object... oneRow) {
        List<Expr> row = new ArrayList<>();
        for (Object o : oneRow) row.add(o instanceof Expr e ? e : lit(o));
        return insert(table, cols, List.of(row));
    }

    static Command.Update update(String table, Expr where, Object... colValuePairs) {
        List<Command.Assignment> set = new ArrayList<>();
        for (int i = 0; i < colValuePairs.length; i += 2) {
            Object v = colValuePairs[i + 1];
            set.add(new Command.Assignment((String) colValuePairs[i], v instanceof Expr e ? e : lit(v)));
        }
        return new Command.Update(t(table), set, where, null, null);
    }

    static Command.Delete delete(String table, Expr where) {
        return new Command.Delete(t(table), where, null, null);
    }

    static Expr col(String name) {
        return new Expr.Column(null, name);
    }

    static Expr lit(Object o) {
        if (o instanceof Expr e) return e;
        return new Expr.Literal(val(o));
    }

    static Value val(Object o) {
        if (o == null) return Value.NULL;
        if (o instanceof Value v) return v;
        if (o instanceof Integer i) return Value.int4(i);
        if (o instanceof Long l) return Value.int8(l);
        if (o instanceof String s) return Value.text(s);
        if (o instanceof Boolean b) return Value.bool(b);
        if (o instanceof BigDecimal d) return Value.numeric(d);
        if (o instanceof Double d) return Value.numeric(new BigDecimal(d.toString()));
        throw new IllegalArgumentException(o.toString());
    }

    static Expr cmp(String op, String column, Object v) {
        return new Expr.Compare(op, col(column), lit(v));
    }

    static Expr eq(String column, Object v) {
        return cmp("=", column, v);
    }

    static Expr arith(String op, Expr l, Expr r) {
        return new Expr.Arith(op, l, r);
    }

    static Expr and(Expr... terms) {
        return new Expr.And(List.of(terms));
    }

    static Expr or(Expr... terms) {
        return new Expr.Or(List.of(terms));
    }

    static Expr not(Expr e) {
        return new Expr.Not(e);
    }
}
