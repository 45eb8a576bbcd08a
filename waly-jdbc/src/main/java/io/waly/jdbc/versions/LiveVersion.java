package io.waly.jdbc.versions;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.jdbc.values.JdbcValues;
import io.waly.model.Model;
import io.waly.model.Versions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One connection's place in the model's schema versions while a deploy rolls: the version its application writes
 * ({@code walyAppVersion}, placed by the versions' {@code appVersions}) against the version the database is at (its
 * migration version, {@code BEGIN}'s {@code dbVersion}). While the two differ:
 *
 * <ul>
 *   <li>each write of a versioned table that changes between the two is mapped before it is logged and sent
 *       ({@link #map}): an {@code INSERT … VALUES}'s rows and an UPDATE's SET through the model's steps from the
 *       application's version to the database's — {@code up} for an older application, {@code down} for a newer one,
 *       evaluated by the database; a WHERE (UPDATE, DELETE) must read only columns both versions share. A newer
 *       application's row must come back whole through {@code up} ({@code up(down(row)) = row}): a lossy {@code down}
 *       would silently lose what it wrote. What cannot be mapped is refused before anything is logged or sent;</li>
 *   <li>the connection reads its own shape: the version's views ({@link VersionViews}, made if missing, from the
 *       steps the other way) are first on its search path, and the mapped writes name the table by its schema, so they
 *       never go to the views.</li>
 * </ul>
 *
 * A newer application's transaction that runs DDL on a versioned table is its migration: from that DDL on, its
 * statements go as sent ({@link #migrating}), since they are written for the schema the migration is making.
 *
 * <p>A connection that no version places, or one at the database's version, costs one null check per statement: its
 * capture holds no LiveVersion, or this one answers {@code null} after comparing the migration it last saw by identity.
 * Not thread-safe, like the connection it belongs to.
 */
public final class LiveVersion {

    /** The statement to send instead of the application's, in the database's version, with its values inline. */
    public record Sent(String sql, Versions.Version from, Versions.Version to) {}

    /** What a statement shape needs, decided once per shape for one pair of versions. */
    private record Decision(String refusal, Command.Table table, List<Versions.Mapping> path) {
        static final Decision AS_SENT = new Decision(null, null, null);
    }

    private static final int MAX_DECIDED = 1_000;

    private final Versions versions;
    private final Versions.Version own;
    private final Supplier<String> migration;
    /** The log's id of the connection's open transaction (0: none). */
    private final LongSupplier transaction;
    /** The transaction that ran DDL on a versioned table (the migration's; see {@link #migrating}); 0 when none. */
    private long migratingTx;
    private final String modelId;
    /**
     * The migration last seen, compared by identity: it changes only when a migration is seen or read (a version read
     * again every second keeps its instance when it is equal, so the decisions stay).
     */
    private String seenMigration;
    private boolean seen;
    private Versions.Version db;
    private final Map<SqlInfo, Decision> decided = new IdentityHashMap<>();
    /** Per versioned table, its schema-qualified name as the connection's own search path resolves it. */
    private final Map<String, String> qualified = new LinkedHashMap<>();
    /** The search path the connection had before WAL-y put views first; null until it did. */
    private String ownPath;
    /** The database version the views on the search path are for; null when none are. */
    private Versions.Version viewsOver;
    /** {@link VersionViews#drops()} when the views were last put on the search path. */
    private int dropsSeen;

    private LiveVersion(Versions versions, Versions.Version own, Supplier<String> migration, LongSupplier transaction,
                        String modelId) {
        this.versions = versions;
        this.own = own;
        this.migration = migration;
        this.transaction = transaction;
        this.modelId = modelId;
    }

    /**
     * The connection's versions, or null when the model declares none or none places the application's version: then
     * nothing is mapped and nothing is asked.
     *
     * @param migration the database's migration version as the log's writers last saw it
     * @param transaction the log's id of the connection's open transaction, 0 when none
     */
    public static LiveVersion of(Model model, String appVersion, Supplier<String> migration, LongSupplier transaction) {
        if (model == null || appVersion == null || model.versions().isEmpty()) return null;
        Versions.Version own = model.versions().writtenUnder(appVersion, null);
        return own == null ? null : new LiveVersion(model.versions(), own, migration, transaction, model.shortId());
    }

    public String modelId() {
        return modelId;
    }

    /** The database's version as the model places its migration; null when unknown. */
    private Versions.Version database() {
        String m = migration.get();
        if (!seen || m != seenMigration) {
            seen = true;
            seenMigration = m;
            Versions.Version now = m == null ? null : versions.migratedTo(m);
            if (now != db) decided.clear();
            db = now;
        }
        return db;
    }

    /** True while the application writes another version than the database is at (older or newer). */
    public boolean differs() {
        Versions.Version d = database();
        return d != null && own != d;
    }

    /** True while the application writes a newer version than the database is at (its migration has not run). */
    private boolean newer() {
        return own.index() > db.index();
    }

    /**
     * The open transaction ({@code tx}, the log's id) ran DDL on a versioned table. For a newer application this is its
     * migration (one that runs when the application starts): its statements from here to the transaction's end go as
     * sent, written for the schema the migration makes (an {@code UPDATE cars SET production_years = …} of the
     * migration's own would otherwise be mapped down, and refused).
     */
    public void migrating(long tx) {
        migratingTx = tx;
    }

    /** True while the connection's open transaction is its migration ({@link #migrating}). */
    private boolean inMigration() {
        return migratingTx != 0 && migratingTx == transaction.getAsLong();
    }

    // ------------------------------------------------------------------ reads: the version's views

    /**
     * Puts the views of the application's version first on the connection's search path while it is older or newer
     * than the database (making them when missing or made over another version), and takes them off when it is at the
     * database's version. Only on an idle connection: a change of search path inside the application's transaction
     * would be undone by its rollback. Run when the connection opens and before each statement (a comparison, unless
     * the database's version changed, or a migration dropped views: {@link VersionViews#drops()}).
     */
    public void enterViews(Connection c, boolean idle) throws SQLException {
        Versions.Version want = differs() ? db : null;
        if (!idle || want == viewsOver && (want == null || VersionViews.drops() == dropsSeen)) return;
        int drops = VersionViews.drops();
        boolean autocommit = c.getAutoCommit();
        if (autocommit) c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (ownPath == null) ownPath = text(s, "SELECT pg_catalog.current_setting('search_path')");
            if (want != null) {
                resolveTables(s);
                String schema = VersionViews.schema(own);
                // one connection makes the views at a time; the others find them made
                s.execute("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('" + schema + "'))");
                String made = text(s, "SELECT pg_catalog.obj_description(oid, 'pg_namespace') FROM pg_catalog.pg_namespace "
                        + "WHERE nspname = '" + schema + "'");
                if (!VersionViews.comment(own, want).equals(made)) VersionViews.create(c, versions, own, want);
                setPath(s, schema + ", " + ownPath);
            } else {
                setPath(s, ownPath);
            }
            c.commit();
            viewsOver = want;
            dropsSeen = drops;
        } catch (SQLException e) {
            c.rollback();
            throw new SQLException("WAL-y could not put the views of schema version " + own.name() + " on this "
                    + "connection's search path (its application writes version " + own.name() + ", the database is at "
                    + (want != null ? want.name() : "?") + "): " + e.getMessage() + " — make them as their owner with "
                    + "waly versions create --version " + own.name() + (want != null ? " --current " + want.name() : ""),
                    e.getSQLState(), e);
        } finally {
            if (autocommit) c.setAutoCommit(true);
        }
    }

    /** The search path as the log records it (SESSION): without WAL-y's views, which no replay target has. */
    public String withoutViews(String path) {
        if (path == null || viewsOver == null) return path;
        String schema = VersionViews.schema(own);
        List<String> kept = new ArrayList<>();
        for (String p : path.split(",")) if (!p.trim().equals(schema)) kept.add(p.trim());
        return String.join(", ", kept);
    }

    private static void setPath(Statement s, String path) throws SQLException {
        s.execute("SELECT pg_catalog.set_config('search_path', '" + path.replace("'", "''") + "', false)");
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Each versioned table's schema, as the search path without views finds it: mapped writes name it. */
    private void resolveTables(Statement s) throws SQLException {
        if (!qualified.isEmpty()) return;
        for (String t : versions.tables()) {
            String q = text(s, "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) "
                    + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.oid = pg_catalog.to_regclass('" + t.replace("'", "''") + "')");
            if (q != null) qualified.put(t, q);
        }
    }

    // ------------------------------------------------------------------ writes: mapped up or down

    /**
     * The statement to send instead of {@code info}'s, mapped from the application's version to the database's; null
     * when it goes as sent (the connection is at the database's version, in its migration, or the statement writes no
     * versioned table that changes).
     *
     * @throws SQLException (SQLState {@code 0A000}) naming the statement and why, when it cannot be mapped
     */
    public Sent map(SqlInfo info, String sql, List<Value> params, Connection c) throws SQLException {
        if (!differs() || inMigration()) return null;
        if (qualified.isEmpty()) {
            try (Statement s = c.createStatement()) {
                resolveTables(s);   // the database moved past the application while this connection was busy
            }
        }
        Decision d = decision(info, sql);
        if (d == Decision.AS_SENT) return null;
        try {
            if (d.refusal() != null) throw new RowMapping.Unmappable(d.refusal());
            Command cmd = info.command();
            String out;
            if (cmd instanceof Command.Insert ins) out = insert(ins, d, params, c);
            else if (cmd instanceof Command.Update u) out = update(u, d, params, c);
            else out = delete((Command.Delete) cmd, d, params);
            return new Sent(out, own, db);
        } catch (RowMapping.Unmappable e) {
            throw new WalySQLException("WAL-y cannot map this statement from schema version " + own.name() + " (the "
                    + "application's) to version " + db.name() + " (the database's): " + e.getMessage() + "; nothing was logged "
                    + "or sent\n  SQL: " + abbreviate(sql), WalyState.FEATURE_NOT_SUPPORTED);
        }
    }

    /**
     * True when {@code info} is a write this connection would map, or refuse to map, were it executed on its own: what
     * a batch cannot carry (nothing is evaluated).
     */
    public boolean maps(SqlInfo info, String sql) {
        return differs() && !inMigration() && decision(info, sql) != Decision.AS_SENT;
    }

    /** What {@code info}'s shape needs, decided once per shape (and pair of versions). */
    private Decision decision(SqlInfo info, String sql) {
        if (qualified.isEmpty()) return decide(info.command(), sql);   // the tables not resolved yet: not kept
        // an application that inlines its values brings a new text, and shape, per statement: kept bounded
        if (decided.size() >= MAX_DECIDED) decided.clear();
        return decided.computeIfAbsent(info, i -> decide(i.command(), sql));
    }

    private Decision decide(Command cmd, String sql) {
        if (cmd instanceof Command.Sql) {
            String named = RowMapping.namedVersionedTable(versions, sql, own, db);
            return named == null ? Decision.AS_SENT : refuse("it has no structured form and names the versioned table "
                    + named + ", so WAL-y cannot tell which of its rows it writes");
        }
        if (cmd instanceof Command.Ddl) {
            if (newer()) return Decision.AS_SENT;   // a newer application's DDL is its migration's (see migrating)
            List<Command.Table> named = new ArrayList<>(cmd.writtenTables());
            if (cmd instanceof Command.Ddl.CreateIndex ci) named.add(ci.table());
            for (Command.Table t : named) {
                if (!versions.path(t.qualified(), own, db).isEmpty()) {
                    return refuse("it is DDL on the versioned table " + t.qualified() + ", whose shape is the migrations' "
                            + "to make, and an application of version " + own.name() + " does not know version " + db.name() + "'s");
                }
            }
            return Decision.AS_SENT;
        }
        Command.Table table = RowMapping.table(cmd);
        if (table == null) return Decision.AS_SENT;   // a CALL runs the database's code, which is at its version
        List<Versions.Mapping> path = versions.path(table.qualified(), own, db);
        if (path.isEmpty()) return Decision.AS_SENT;
        String q = qualified.get(path.get(0).table());
        if (q == null) return refuse("the table " + table.qualified() + " was not found when the connection opened");
        Command.Table target = new Command.Table(null, q);
        if (cmd instanceof Command.Insert ins) {
            if (ins.rows() == null) return refuse("INSERT … SELECT of a versioned table has no rows WAL-y could map");
            return returning(ins.returning(), target, path);
        }
        if (cmd instanceof Command.Update u) {
            if (u.from() != null && !u.from().isEmpty()) return refuse("an UPDATE … FROM of a versioned table is not mapped");
            return returning(u.returning(), target, path);
        }
        if (cmd instanceof Command.Delete del) {
            if (del.using() != null && !del.using().isEmpty()) return refuse("a DELETE … USING of a versioned table is not mapped");
            return returning(del.returning(), target, path);
        }
        return refuse("only INSERT … VALUES, UPDATE and DELETE of a versioned table are mapped (not "
                + cmd.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT) + ")");
    }

    /** A RETURNING may name only columns both versions share: the application reads its own shape. */
    private Decision returning(List<String> returning, Command.Table target, List<Versions.Mapping> path) {
        if (returning != null) {
            for (String r : returning) {
                String col = r.trim();
                boolean shared = true;
                for (Versions.Mapping m : path) {
                    String e = m.expressions().get(col);
                    shared &= e != null && m.fromColumns().containsKey(col) && m.reads(col).equals(java.util.Set.of(col));
                }
                if (!shared) return refuse("its RETURNING " + col + " is not a column both versions share");
            }
        }
        return new Decision(null, target, path);
    }

    private static Decision refuse(String why) {
        return new Decision(why, null, null);
    }

    private String insert(Command.Insert ins, Decision d, List<Value> params, Connection c)
            throws RowMapping.Unmappable, SQLException {
        List<String> cols = ins.columns() != null ? ins.columns() : List.copyOf(d.path().get(0).fromColumns().keySet());
        List<String> columns = null;
        List<String> rows = new ArrayList<>();
        for (List<Expr> values : ins.rows()) {
            Map<String, Value> row = new LinkedHashMap<>();
            Map<String, String> asWritten = new LinkedHashMap<>();
            for (int i = 0; i < cols.size() && i < values.size(); i++) {
                if (values.get(i) instanceof Expr.Default) continue;   // the table's default, as the application asked
                give(d.path(), cols.get(i), values.get(i), params, row, asWritten);
            }
            Map<String, Value> out = RowMapping.shift(d.path(), row, true, c);
            if (newer()) requireKept(d.path(), row, out, true, c);
            List<String> names = new ArrayList<>(out.keySet());
            names.addAll(asWritten.keySet());
            if (columns == null) columns = names;
            else if (!columns.equals(names)) throw new RowMapping.Unmappable("its rows give different columns");
            List<String> lits = new ArrayList<>();
            for (Map.Entry<String, Value> e : out.entrySet()) lits.add(SqlLiterals.of(e.getValue(), type(d, e.getKey())));
            lits.addAll(asWritten.values());
            rows.add("(" + String.join(", ", lits) + ")");
        }
        return "INSERT INTO " + d.table().name() + " (" + String.join(", ", columns.stream().map(RowMapping::quote).toList())
                + ") VALUES " + String.join(", ", rows) + returningSql(ins.returning());
    }

    private String update(Command.Update u, Decision d, List<Value> params, Connection c)
            throws RowMapping.Unmappable, SQLException {
        RowMapping.requireShared(d.path(), u.where());
        Map<String, Value> row = new LinkedHashMap<>();
        Map<String, String> asWritten = new LinkedHashMap<>();
        for (Command.Assignment a : u.set()) give(d.path(), a.column(), a.value(), params, row, asWritten);
        Map<String, Value> out = RowMapping.shift(d.path(), row, false, c);
        if (newer()) requireKept(d.path(), row, out, false, c);
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, Value> e : out.entrySet()) {
            set.add(RowMapping.quote(e.getKey()) + " = " + SqlLiterals.of(e.getValue(), type(d, e.getKey())));
        }
        asWritten.forEach((col, sql) -> set.add(RowMapping.quote(col) + " = " + sql));
        return "UPDATE " + d.table().name() + " SET " + String.join(", ", set) + where(u.where(), params) + returningSql(u.returning());
    }

    /**
     * A newer application's row must come back as it wrote it from the database's version: {@code mapped} (the row
     * mapped down) mapped up again, by the same evaluation as every mapping, gives each column a step changes as
     * PostgreSQL writes it. Otherwise the database's version cannot hold what the application writes (a lossy
     * {@code down}), and the statement is refused rather than lose it. A row of columns every step keeps costs nothing.
     */
    private void requireKept(List<Versions.Mapping> path, Map<String, Value> row, Map<String, Value> mapped, boolean whole,
                             Connection c) throws RowMapping.Unmappable, SQLException {
        Map<String, String> types = path.get(0).fromColumns();
        List<String> changed = new ArrayList<>();
        for (String col : row.keySet()) if (types.containsKey(col) && !keptAsIs(path, col)) changed.add(col);
        if (changed.isEmpty()) return;
        Map<String, Value> again;
        try {
            again = RowMapping.shift(versions.path(path.get(0).table(), db, own), mapped, whole, c);
        } catch (RowMapping.Unmappable e) {
            throw new RowMapping.Unmappable("version " + db.name() + " cannot hold what it writes: mapped down, its row "
                    + "cannot be mapped up again (" + e.getMessage() + ")" + lossyNotes(path));
        }
        List<String> lost = new ArrayList<>();
        List<String> compared = new ArrayList<>();
        for (String col : changed) {
            if (again.containsKey(col)) compared.add(col);
            else lost.add(col + " (it comes back without it)");
        }
        if (!compared.isEmpty()) {
            StringBuilder sql = new StringBuilder("SELECT ");
            for (int i = 0; i < compared.size(); i++) {
                String type = types.get(compared.get(i));
                sql.append(i > 0 ? ", " : "").append("(?::").append(type).append(")::text, (?::").append(type).append(")::text");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (String col : compared) {
                    JdbcValues.bindImage(c, ps, p++, row.get(col));
                    JdbcValues.bindImage(c, ps, p++, again.get(col));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    for (int i = 0; i < compared.size(); i++) {
                        String wrote = rs.getString(2 * i + 1), back = rs.getString(2 * i + 2);
                        if (!java.util.Objects.equals(wrote, back)) {
                            lost.add(compared.get(i) + " = " + shown(wrote) + " would read back as " + shown(back));
                        }
                    }
                }
            }
        }
        if (!lost.isEmpty()) {
            throw new RowMapping.Unmappable("version " + db.name() + " cannot hold what it writes, which would be lost: "
                    + String.join(", ", lost) + lossyNotes(path));
        }
    }

    /** True when every step keeps {@code col} as it is: same name, same type, its own value. */
    private static boolean keptAsIs(List<Versions.Mapping> path, String col) {
        for (Versions.Mapping m : path) {
            String type = m.fromColumns().get(col);
            if (type == null || !type.equalsIgnoreCase(m.toColumns().get(col))
                    || !RowMapping.quote(col).equals(m.expressions().get(col))) {
                return false;
            }
        }
        return true;
    }

    /** What the lossy steps of a path say they keep, for a refusal. */
    private static String lossyNotes(List<Versions.Mapping> path) {
        StringBuilder out = new StringBuilder();
        for (Versions.Mapping m : path) {
            if (m.lossy() != null) out.append("; ").append(m.describe()).append(": ").append(m.lossy());
        }
        return out.toString();
    }

    private static String shown(String text) {
        return text == null ? "NULL" : text.length() <= 100 ? text : text.substring(0, 100) + " …";
    }

    private String delete(Command.Delete del, Decision d, List<Value> params) throws RowMapping.Unmappable {
        RowMapping.requireShared(d.path(), del.where());
        return "DELETE FROM " + d.table().name() + where(del.where(), params) + returningSql(del.returning());
    }

    /**
     * A value a statement gives {@code col}: a literal or parameter goes into the row the steps map; an expression
     * (`now()`, `n + 1`) only for a column every step keeps as it is and no other column's mapping reads — it then goes
     * as written, since its value never passes through a mapping.
     */
    private static void give(List<Versions.Mapping> path, String col, Expr e, List<Value> params, Map<String, Value> row,
                             Map<String, String> asWritten) throws RowMapping.Unmappable {
        try {
            row.put(col, RowMapping.value(e, params));
        } catch (RowMapping.Unmappable u) {
            if (!passesThrough(path, col)) throw u;
            asWritten.put(col, SqlLiterals.where(e, params));
        }
    }

    private static boolean passesThrough(List<Versions.Mapping> path, String col) {
        if (!keptAsIs(path, col)) return false;
        for (Versions.Mapping m : path) {
            for (String other : m.toColumns().keySet()) if (!other.equals(col) && m.reads(other).contains(col)) return false;
        }
        return true;
    }

    private static String where(Expr where, List<Value> params) throws RowMapping.Unmappable {
        return where == null ? "" : " WHERE " + SqlLiterals.where(where, params);
    }

    private static String returningSql(List<String> returning) {
        return returning == null || returning.isEmpty() ? "" : " RETURNING " + String.join(", ", returning);
    }

    /** The column's type in the database's version, as the model declares it; null for a column the model does not. */
    private String type(Decision d, String column) {
        return d.path().get(d.path().size() - 1).toColumns().get(column);
    }

    private static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ").trim();
        return one.length() <= 200 ? one : one.substring(0, 200) + " …";
    }
}
