package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.jdbc.capture.MigrationVersion;
import io.waly.jdbc.versions.RowMapping;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.ReplayException;
import io.waly.log.tx.Transaction;
import io.waly.model.Versions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replay into one schema version of the model ({@code waly replay --schema-version N}): every transaction is applied
 * in the shape of the version the target database is at when it comes, which is N, or the version of the last
 * migration applied before it.
 *
 * <ul>
 *   <li>A migration ({@link #migration}: a transaction writing Flyway's or Liquibase's history row for a migration the
 *       model lists, or one whose DDL takes the versioned tables to another version's columns) to a version after N is
 *       left out, and so is its history row; one up to N is applied, and the target is at its version from then on.</li>
 *   <li>A transaction written under another version (its BEGIN's application or migration version, as the model's
 *       {@code appVersions}/{@code migrations} say) has its rows of versioned tables mapped, step by step, by the
 *       model's {@code up}/{@code down} expressions, which the target evaluates itself
 *       ({@code SELECT <expressions> FROM (VALUES (?::type, …)) AS r(columns)}). Row images (INSERT and UPDATE) are
 *       mapped and applied as images; an {@code INSERT … VALUES} and an UPDATE by primary key of values become images
 *       of the rows they write; a DELETE goes as written when its WHERE reads only columns both versions share.</li>
 *   <li>What cannot be mapped is refused with a message naming the statement: a statement with no structured form, a
 *       CALL, an upsert, MERGE or COPY of a versioned table, a value that is an expression, a WHERE on a column the
 *       target's version does not have.</li>
 *   <li>A transaction whose versions the model does not place is applied as written, and counted.</li>
 * </ul>
 *
 * Used by {@link PostgresTarget#intoVersion} (the target evaluates) and by {@link VersionedTarget} around a MongoDB
 * target (a PostgreSQL connection of its own evaluates; an UPDATE's SET is rewritten instead of becoming an image).
 */
final class VersionShift {

    private final Versions versions;
    private final Versions.Version target;
    /** The version the target database is at now. */
    private Versions.Version current;
    private final Map<String, Long> shifted = new TreeMap<>();
    private final Set<String> lossy = new LinkedHashSet<>();
    private long leftOutMigrations;
    private long unplaced;

    VersionShift(Versions versions, Versions.Version target) {
        this.versions = versions;
        this.target = target;
        this.current = target;
    }

    /**
     * Runs every mapping once on the target over a row of NULLs: each expression must run there and give its column's
     * type, or one PostgreSQL assigns to it (an implicit or assignment cast); otherwise the mapping is refused, naming
     * it and the model's line, before anything is written.
     */
    void check(Connection c) throws ReplayException {
        for (Versions.Mapping m : versions.mappings()) {
            List<String> cols = List.copyOf(m.expressions().keySet());
            if (cols.isEmpty()) continue;   // a Java function computes every column: its values are cast as they come
            List<String> types = new ArrayList<>();
            for (String col : cols) types.add("pg_catalog.pg_typeof(" + m.expressions().get(col) + ")::regtype::text");
            List<String> nulls = new ArrayList<>();
            m.fromColumns().forEach((col, type) -> nulls.add("NULL::" + type));
            String sql = "SELECT " + String.join(", ", types) + " FROM (VALUES (" + String.join(", ", nulls) + ")) AS r("
                    + String.join(", ", m.fromColumns().keySet().stream().map(TargetCatalog::quote).toList()) + ")";
            try (Statement s = c.createStatement()) {
                s.execute("SAVEPOINT waly_version_check");
                try (ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    for (int i = 0; i < cols.size(); i++) {
                        String declared = m.toColumns().get(cols.get(i));
                        if (!assignable(c, rs.getString(i + 1), declared)) {
                            throw new ReplayException(ReplayException.Kind.REFUSED, m.describe() + " does not type-check on the "
                                    + "target: " + cols.get(i) + " is " + declared + ", and its expression gives " + rs.getString(i + 1), 0, null);
                        }
                    }
                } finally {
                    s.execute("ROLLBACK TO SAVEPOINT waly_version_check");
                }
            } catch (SQLException e) {
                throw new ReplayException(ReplayException.Kind.REFUSED, m.describe() + " does not run on the target: "
                        + e.getMessage() + " [SQLState " + e.getSQLState() + "]", 0, e);
            }
        }
    }

    /** True when a value of type {@code from} goes into a column of type {@code to} as PostgreSQL assigns it. */
    private static boolean assignable(Connection c, String from, String to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::regtype = ?::regtype OR ?::regtype = 'unknown'::regtype "
                + "OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast WHERE castsource = ?::regtype AND casttarget = ?::regtype "
                + "AND castcontext IN ('i', 'a'))")) {
            ps.setString(1, from);
            ps.setString(2, to);
            ps.setString(3, from);
            ps.setString(4, from);
            ps.setString(5, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * The transaction as the target's version takes it; null when it is left out (a migration past the target).
     * {@code c} evaluates the mappings; {@code catalog} is the PostgreSQL target's (an UPDATE by key becomes an image
     * of the row), or null for a target that applies the command (MongoDB: the UPDATE's SET is rewritten instead).
     */
    Transaction shift(Transaction tx, Connection c, TargetCatalog catalog) throws ReplayException, SQLException {
        Versions.Version migration = migration(tx);
        if (migration != null) {
            if (migration.index() > target.index()) {
                leftOutMigrations++;
                return null;
            }
            current = migration;
            return tx;
        }
        Versions.Version written = versions.writtenUnder(tx.appVersion(), tx.dbVersion());
        if (written == null && !mapsLive(tx)) {
            if (writesVersioned(tx)) unplaced++;
            return tx;
        }
        List<Transaction.Step> steps = new ArrayList<>(tx.steps().size());
        boolean changed = false;
        for (Transaction.Step step : tx.steps()) {
            Transaction.Step out = step;
            if (step instanceof Transaction.StatementStep st && st.succeeded()) {
                Versions.Version from = sentUnder(st, written);
                if (from.index() != current.index()) out = shift(st, from, c, catalog);
            }
            changed |= out != step;
            steps.add(out);
        }
        return changed ? tx.withSteps(steps) : tx;
    }

    /**
     * The version a statement is written in: the one the driver mapped it to when an application of another version
     * sent it (FORMAT.md, Mapped), else its transaction's.
     */
    private Versions.Version sentUnder(Transaction.StatementStep st, Versions.Version written) {
        if (st.mapped() != null) {
            for (Versions.Version v : versions.all()) if (v.name().equals(st.mapped().to())) return v;
        }
        return written != null ? written : current;
    }

    private static boolean mapsLive(Transaction tx) {
        for (Transaction.Step step : tx.steps()) if (step instanceof Transaction.StatementStep st && st.mapped() != null) return true;
        return false;
    }

    private boolean writesVersioned(Transaction tx) {
        for (Transaction.Step step : tx.steps()) {
            if (!(step instanceof Transaction.StatementStep st)) continue;
            Command.Table t = RowMapping.table(st.statement().command());
            if (t != null && versions.columns(t.qualified(), current) != null) return true;
        }
        return false;
    }

    /** The version the target is at now (the one replayed into, or the last migration's before it). */
    Versions.Version current() {
        return current;
    }

    /** The version {@code tx} was written under; null when the model places it in none. */
    Versions.Version writtenUnder(Transaction tx) {
        return versions.writtenUnder(tx.appVersion(), tx.dbVersion());
    }

    /** What the summary says about the versions. */
    List<String> notes() {
        List<String> out = new ArrayList<>();
        out.add("schema version " + target.name() + (current.index() != target.index() ? " (the target is at version "
                + current.name() + ": no migration to " + target.name() + " in the log)" : ""));
        shifted.forEach((k, n) -> out.add(n + " statements mapped from version " + k));
        if (!lossy.isEmpty()) out.add("lossy: " + String.join("; ", lossy));
        if (leftOutMigrations > 0) {
            out.add(leftOutMigrations + " transactions of migrations past version " + target.name() + " left out (DDL and history rows)");
        }
        if (unplaced > 0) {
            out.add(unplaced + " transactions writing versioned tables under versions the model does not place (no "
                    + "appVersions or migrations match): applied as written");
        }
        return out;
    }

    /**
     * The model's version a transaction migrates the database to; null when it is no migration the model knows. A
     * migration is recognised three ways, since migration tools differ in where they write what: WAL-y's own marker in
     * the transaction (its COMMIT names the migration version the model lists); the transaction writes
     * a history row (Flyway's version, Liquibase's change set id) the model lists under {@code migrations}; or its DDL
     * creates, or takes from the columns they have at the target's version now, every versioned table it creates or
     * alters to the columns of another version (Flyway runs a migration on one connection and writes its history row
     * on another, in a transaction that commits after it; a log may start before the first migration).
     */
    private Versions.Version migration(Transaction tx) {
        // WAL-y's own marker (CALL waly.schema_version('2')) says it in the COMMIT record
        Versions.Version out = tx.migration() == null ? null : versions.migratedTo(tx.migration());
        Map<String, List<String>> altered = new LinkedHashMap<>();
        for (Transaction.Step step : tx.steps()) {
            if (!(step instanceof Transaction.StatementStep st) || !st.succeeded()) continue;
            Command cmd = st.statement().command();
            String m = MigrationVersion.written(cmd, st.statement().params());
            Versions.Version v = m == null ? null : versions.migratedTo(m);
            if (v != null) out = v;
            if (cmd instanceof Command.Ddl.AlterTable a) alter(altered, a);
            if (cmd instanceof Command.Ddl.CreateTable ct && ct.columns() != null
                    && versions.columns(ct.table().qualified(), current) != null) {
                List<String> cols = new ArrayList<>();
                for (Command.Ddl.ColumnDef d : ct.columns()) cols.add(d.name());
                altered.put(ct.table().qualified(), cols);
            }
        }
        if (out != null || altered.isEmpty()) return out;
        for (Versions.Version v : versions.all()) {
            if (v.index() == current.index()) continue;
            boolean all = true;
            for (Map.Entry<String, List<String>> e : altered.entrySet()) {
                Map<String, String> cols = versions.columns(e.getKey(), v);
                all &= cols != null && new LinkedHashSet<>(e.getValue()).equals(cols.keySet());
            }
            if (all) return v;
        }
        return null;
    }

    /** The columns of a versioned table after an ALTER TABLE, from its columns at the target's version now. */
    private void alter(Map<String, List<String>> altered, Command.Ddl.AlterTable a) {
        Map<String, String> start = versions.columns(a.table().qualified(), current);
        if (start == null) return;
        List<String> cols = altered.computeIfAbsent(a.table().qualified(), k -> new ArrayList<>(start.keySet()));
        for (Command.Ddl.AlterAction action : a.actions()) {
            if (action instanceof Command.Ddl.AddColumn add) cols.add(add.definition().name());
            else if (action instanceof Command.Ddl.DropColumn drop) cols.remove(drop.column());
            else if (action instanceof Command.Ddl.RenameColumn r) cols.replaceAll(c -> c.equals(r.column()) ? r.newName() : c);
        }
    }

    private Transaction.StatementStep shift(Transaction.StatementStep st, Versions.Version from, Connection c,
                                            TargetCatalog catalog) throws ReplayException, SQLException {
        Payloads.Statement s = st.statement();
        Command cmd = s.command();
        if (cmd instanceof Command.Sql sql) {
            String named = RowMapping.namedVersionedTable(versions, s.sql(), from, current);
            if (named != null) {
                throw refused(st, from, "it has no structured form (" + sql.kind() + ") and names the versioned table " + named
                        + ", so WAL-y cannot tell which of its rows it writes");
            }
            return st;
        }
        if (cmd instanceof Command.Call) throw refused(st, from, "it calls a procedure, whose writes WAL-y does not see");
        if (cmd instanceof Command.Ddl) {
            List<Command.Table> named = new ArrayList<>(cmd.writtenTables());
            if (cmd instanceof Command.Ddl.CreateIndex ci) named.add(ci.table());
            for (Command.Table t : named) {
                if (!versions.path(t.qualified(), from, current).isEmpty()) {
                    throw refused(st, from, "it is DDL on the versioned table " + t.qualified() + ", whose shape in version "
                            + current.name() + " is the migrations' to make (list the migration under its version's migrations:)");
                }
            }
            return st;
        }
        Command.Table table = RowMapping.table(cmd);
        if (table == null) return st;
        List<Versions.Mapping> path = versions.path(table.qualified(), from, current);
        if (path.isEmpty()) return st;
        if (cmd instanceof Command.Upsert || cmd instanceof Command.Merge || cmd instanceof Command.Copy) {
            throw refused(st, from, "only INSERT … VALUES, UPDATE and DELETE of a versioned table are mapped between versions");
        }
        if (cmd instanceof Command.Delete d) {
            requireShared(st, from, path, d.where());
            return st;
        }
        Payloads.Effect images = rows(st.outcome());
        List<String> columns;
        List<List<Value>> rows = new ArrayList<>();
        if (images != null) {
            columns = null;
            for (List<Value> image : images.rows()) {
                Map<String, Value> row = new LinkedHashMap<>();
                for (int i = 0; i < images.columns().size(); i++) row.put(images.columns().get(i), image.get(i));
                Map<String, Value> out = shiftRow(st, from, path, row, true, c);
                if (columns == null) columns = List.copyOf(out.keySet());
                rows.add(List.copyOf(out.values()));
            }
            if (columns == null) return st;
            return withImages(st, from, path, cmd, new Payloads.Effect(Payloads.Effect.ROWS, images.target(), columns, rows));
        }
        if (st.changedNoRow()) return st;   // not applied anyway
        TargetCatalog.TableShape shape = catalog == null ? null : catalog.table(table);
        if (catalog != null && shape == null) throw refused(st, from, "the target has no table " + table.qualified());
        columns = null;
        if (cmd instanceof Command.Insert ins) {
            if (ins.rows() == null) throw refused(st, from, "INSERT … SELECT of a versioned table is mapped only from its row images");
            List<String> cols = ins.columns() != null ? ins.columns() : List.copyOf(path.get(0).fromColumns().keySet());
            for (List<Expr> values : ins.rows()) {
                Map<String, Value> row = new LinkedHashMap<>();
                for (int i = 0; i < cols.size() && i < values.size(); i++) {
                    if (values.get(i) instanceof Expr.Default) continue;   // the target's default, as on the source
                    row.put(cols.get(i), value(st, from, values.get(i), s.params()));
                }
                Map<String, Value> out = shiftRow(st, from, path, row, true, c);
                if (columns == null) columns = List.copyOf(out.keySet());
                else if (!columns.equals(List.copyOf(out.keySet()))) throw refused(st, from, "its rows give different columns");
                rows.add(List.copyOf(out.values()));
            }
        } else if (cmd instanceof Command.Update u) {
            Map<String, Value> row = new LinkedHashMap<>();
            for (Command.Assignment a : u.set()) row.put(a.column(), value(st, from, a.value(), s.params()));
            if (catalog == null) {
                // a target that runs the command, not the SQL (MongoDB): the SET in the target's version, the WHERE as written
                requireShared(st, from, path, u.where());
                List<Command.Assignment> set = new ArrayList<>();
                shiftRow(st, from, path, row, false, c).forEach((col, v) -> set.add(new Command.Assignment(col, new Expr.Literal(v))));
                Command.Update shifted = new Command.Update(u.table(), set, u.where(), u.from(), u.returning());
                counted(from, path);
                return new Transaction.StatementStep(st.seq(), new Payloads.Statement(s.sql(), s.params(), s.jdbcTypes(), shifted,
                        s.autocommit(), s.batchIndex(), s.copyData(), s.connection(), s.schemaVersion(), s.prepared()), st.outcome(),
                        st.command(), st.mapped());
            }
            Map<String, Value> key = key(st, from, u.where(), s.params(), shape.primaryKey());
            Map<String, Value> out = shiftRow(st, from, path, row, false, c);
            out.putAll(key);   // key columns are the same in both versions (requireShared)
            columns = List.copyOf(out.keySet());
            rows.add(List.copyOf(out.values()));
        } else {
            return st;
        }
        return withImages(st, from, path, cmd, new Payloads.Effect(Payloads.Effect.ROWS, table.qualified(), columns, rows));
    }

    private Transaction.StatementStep withImages(Transaction.StatementStep st, Versions.Version from, List<Versions.Mapping> path,
                                                 Command cmd, Payloads.Effect images) {
        List<Payloads.Effect> effects = new ArrayList<>();
        Payloads.Outcome o = st.outcome();
        if (o.effects() != null) for (Payloads.Effect e : o.effects()) if (!Payloads.Effect.ROWS.equals(e.kind())) effects.add(e);
        effects.add(images);
        counted(from, path);
        Payloads.Outcome shiftedOutcome = new Payloads.Outcome(o.statementSeq(), true, o.counts(), o.sqlState(), o.message(), effects);
        return st.withOutcome(shiftedOutcome);
    }

    private void counted(Versions.Version from, List<Versions.Mapping> path) {
        shifted.merge(from.name() + " to " + current.name() + " (" + path.get(0).table() + ")", 1L, Long::sum);
        for (Versions.Mapping m : path) if (m.lossy() != null) lossy.add(m.table() + ": " + m.lossy());
    }

    /** The primary key's values an UPDATE's WHERE names with {@code =}; refused when it does not name them all. */
    private Map<String, Value> key(Transaction.StatementStep st, Versions.Version from, Expr where, List<Value> params,
                                   List<String> primaryKey) throws ReplayException {
        Map<String, Value> eq = new LinkedHashMap<>();
        List<Expr> terms = where instanceof Expr.And and ? and.terms() : where == null ? List.of() : List.of(where);
        for (Expr t : terms) {
            if (t instanceof Expr.Compare cmp && cmp.op().equals("=") && cmp.left() instanceof Expr.Column col) {
                eq.put(col.name(), value(st, from, cmp.right(), params));
            }
        }
        Map<String, Value> key = new LinkedHashMap<>();
        for (String k : primaryKey) {
            if (!eq.containsKey(k)) {
                throw refused(st, from, "an UPDATE of a versioned table is mapped when its WHERE names the primary key ("
                        + String.join(", ", primaryKey) + ") with =, or from its row images");
            }
            key.put(k, eq.get(k));
        }
        return key;
    }

    private Map<String, Value> shiftRow(Transaction.StatementStep st, Versions.Version from, List<Versions.Mapping> path,
                                        Map<String, Value> row, boolean whole, Connection c) throws ReplayException, SQLException {
        try {
            return RowMapping.shift(path, row, whole, c);
        } catch (RowMapping.Unmappable e) {
            throw refused(st, from, e.getMessage());
        } catch (SQLException e) {
            // a Java function that threw, returned too little, or returned what its column cannot hold
            if (RowMapping.JAVA_FAILED.equals(e.getSQLState())) throw refused(st, from, e.getMessage());
            throw e;
        }
    }

    private Value value(Transaction.StatementStep st, Versions.Version from, Expr e, List<Value> params) throws ReplayException {
        try {
            return RowMapping.value(e, params);
        } catch (RowMapping.Unmappable u) {
            throw refused(st, from, u.getMessage());
        }
    }

    private void requireShared(Transaction.StatementStep st, Versions.Version from, List<Versions.Mapping> path, Expr where)
            throws ReplayException {
        try {
            RowMapping.requireShared(path, where);
        } catch (RowMapping.Unmappable e) {
            throw refused(st, from, e.getMessage());
        }
    }

    private static Payloads.Effect rows(Payloads.Outcome o) {
        if (o == null || o.effects() == null) return null;
        for (Payloads.Effect e : o.effects()) if (Payloads.Effect.ROWS.equals(e.kind())) return e;
        return null;
    }

    private ReplayException refused(Transaction.StatementStep st, Versions.Version from, String why) {
        return new ReplayException(ReplayException.Kind.STATEMENT_FAILED, "statement " + st.seq() + " was written under schema "
                + "version " + from.name() + " and cannot be mapped to version " + current.name() + ": " + why + "\n  SQL: "
                + TransactionApplier.abbreviate(st.statement().sql()) + "\nNothing of its transaction was applied; the cursor "
                + "stays before it.", st.seq(), null);
    }
}
