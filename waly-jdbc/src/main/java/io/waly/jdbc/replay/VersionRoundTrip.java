package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.LogSource;
import io.waly.log.payload.Payloads;
import io.waly.log.tx.InDoubtResolver;
import io.waly.log.tx.Transaction;
import io.waly.log.tx.TransactionReader;
import io.waly.jdbc.versions.RowMapping;
import io.waly.model.Versions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The proof of a model's mappings on real data ({@code waly versions check}): every whole row of a versioned table the
 * log holds — row images, and {@code INSERT … VALUES} rows of literals and parameters that give every column — goes up
 * to the next version and down again, and must come back equal: {@code down(up(row)) = row}. A row written under a
 * later version goes down and up again, {@code up(down(row)) = row}, unless that {@code down} is declared lossy (it
 * then says what it keeps, and the rows are counted, not checked). PostgreSQL evaluates the expressions and compares
 * the rows as text, so equal means equal to the database.
 */
public final class VersionRoundTrip {

    /** A row that did not come back: where the log holds it, the pair of mappings, the row and what came back. */
    public record Failure(long seq, String mappings, String row, String back) {
        @Override
        public String toString() {
            return "statement " + seq + ": " + mappings + " gives " + back + " for " + row;
        }
    }

    /** What the check found: rows checked per pair of mappings, rows a lossy down leaves unchecked, failures. */
    public record Result(Map<String, Long> checked, Map<String, Long> lossy, List<Failure> failures, long unplaced) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private final Versions versions;
    private final Connection pg;

    /** @param pg a PostgreSQL connection the expressions run on (nothing is written: no table is read or created) */
    public VersionRoundTrip(Versions versions, Connection pg) {
        this.versions = versions;
        this.pg = pg;
    }

    /** Checks every whole row of a versioned table in the committed transactions of {@code log}. */
    public Result check(LogSource log) throws SQLException {
        Map<String, Long> checked = new TreeMap<>();
        Map<String, Long> lossy = new TreeMap<>();
        List<Failure> failures = new ArrayList<>();
        long unplaced = 0;
        // a transaction in doubt is checked too: its rows are rows the application wrote
        InDoubtResolver all = (txId, dbTxid, conn) -> InDoubtResolver.Decision.COMMITTED;
        try (TransactionReader txs = TransactionReader.open(log, 1, 0, all)) {
            Transaction tx;
            while ((tx = txs.next()) != null) {
                Versions.Version placed = versions.writtenUnder(tx.appVersion(), tx.dbVersion());
                for (Transaction.Step step : tx.steps()) {
                    if (!(step instanceof Transaction.StatementStep st) || !st.succeeded()) continue;
                    // a statement the driver mapped for another version's application is in the version it was mapped to
                    Versions.Version written = st.mapped() == null ? placed : versions.all().stream()
                            .filter(v -> v.name().equals(st.mapped().to())).findFirst().orElse(placed);
                    List<Map<String, Value>> rows = rows(st, written);
                    if (rows.isEmpty()) continue;
                    if (written == null) {
                        unplaced += rows.size();
                        continue;
                    }
                    String table = table(st.statement().command()).qualified();
                    for (Map<String, Value> row : rows) {
                        check(st.seq(), table, written, written.index() + 1, row, checked, lossy, failures);
                        check(st.seq(), table, written, written.index() - 1, row, checked, lossy, failures);
                    }
                }
            }
        }
        return new Result(checked, lossy, failures, unplaced);
    }

    /** The row there and back between {@code v} and its neighbour {@code other}; nothing when either is missing. */
    private void check(long seq, String table, Versions.Version v, int other, Map<String, Value> row, Map<String, Long> checked,
                       Map<String, Long> lossy, List<Failure> failures) throws SQLException {
        if (other < 0 || other >= versions.all().size()) return;
        Versions.Version o = versions.all().get(other);
        List<Versions.Mapping> there = versions.path(table, v, o);
        if (there.isEmpty()) return;
        Versions.Mapping go = there.get(0), back = versions.path(table, o, v).get(0);
        String pair = go.describe() + " then " + back.describe();
        if (go.lossy() != null) {
            lossy.merge(pair, 1L, Long::sum);
            return;
        }
        if (!row.keySet().containsAll(go.fromColumns().keySet())) return;   // not a whole row of this version
        String[] texts = roundTrip(go, back, row);
        checked.merge(pair, 1L, Long::sum);
        if (!texts[0].equals(texts[1])) failures.add(new Failure(seq, pair, texts[0], texts[1]));
    }

    /**
     * The row as PostgreSQL writes it, and the row after {@code go} then {@code back} (a mapping and its way back), both
     * as text: equal when the pair gives the row back.
     */
    public String[] roundTrip(Versions.Mapping go, Versions.Mapping back, Map<String, Value> row) throws SQLException {
        if (go.java() != null || back.java() != null) return roundTripInJava(go, back, row);
        List<String> cols = List.copyOf(go.fromColumns().keySet());
        StringBuilder sql = new StringBuilder("WITH r0 (");
        sql.append(String.join(", ", cols.stream().map(TargetCatalog::quote).toList())).append(") AS (VALUES (");
        for (int i = 0; i < cols.size(); i++) sql.append(i > 0 ? ", " : "").append("?::").append(go.fromColumns().get(cols.get(i)));
        sql.append(")), r1 AS (SELECT ").append(select(go)).append(" FROM r0), r2 AS (SELECT ").append(select(back))
                .append(" FROM r1) SELECT (SELECT ROW(").append(columnsOf("r0", cols)).append(")::text FROM r0), (SELECT ROW(")
                .append(columnsOf("r2", cols)).append(")::text FROM r2)");
        try (PreparedStatement ps = pg.prepareStatement(sql.toString())) {
            for (int i = 0; i < cols.size(); i++) RowImages.bindValue(pg, ps, i + 1, row.get(cols.get(i)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    /** The same, when either way is a Java function: the row goes there and back through {@link RowMapping}. */
    private String[] roundTripInJava(Versions.Mapping go, Versions.Mapping back, Map<String, Value> row) throws SQLException {
        Map<String, Value> there;
        Map<String, Value> again;
        try {
            there = RowMapping.shift(List.of(go), row, true, pg);
            again = RowMapping.shift(List.of(back), there, true, pg);
        } catch (RowMapping.Unmappable e) {
            throw new SQLException(e.getMessage(), e);   // a whole row is always mapped
        }
        return new String[] {rowText(go.fromColumns(), row), rowText(go.fromColumns(), again)};
    }

    /** A row of {@code columns} as PostgreSQL writes it (ROW(…)::text), for comparing. */
    private String rowText(Map<String, String> columns, Map<String, Value> row) throws SQLException {
        List<String> cols = List.copyOf(columns.keySet());
        StringBuilder sql = new StringBuilder("SELECT ROW(");
        for (int i = 0; i < cols.size(); i++) sql.append(i > 0 ? ", " : "").append("?::").append(columns.get(cols.get(i)));
        try (PreparedStatement ps = pg.prepareStatement(sql.append(")::text").toString())) {
            for (int i = 0; i < cols.size(); i++) {
                Value v = row.get(cols.get(i));
                if (v == null) ps.setNull(i + 1, java.sql.Types.OTHER);
                else RowImages.bindValue(pg, ps, i + 1, v);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String select(Versions.Mapping m) {
        List<String> out = new ArrayList<>();
        m.expressions().forEach((col, e) -> out.add("(" + e + ")::" + m.toColumns().get(col) + " AS " + TargetCatalog.quote(col)));
        return String.join(", ", out);
    }

    private static String columnsOf(String alias, List<String> cols) {
        return String.join(", ", cols.stream().map(c -> alias + "." + TargetCatalog.quote(c)).toList());
    }

    /**
     * The whole rows a statement wrote: its row images (INSERT, UPDATE), or its VALUES rows of literals and parameters
     * (without a column list: the columns of the version it was written under, in order).
     */
    private List<Map<String, Value>> rows(Transaction.StatementStep st, Versions.Version written) {
        Command cmd = st.statement().command();
        Command.Table table = table(cmd);
        if (table == null || versions.columns(table.qualified(), versions.all().get(0)) == null) return List.of();
        List<Map<String, Value>> out = new ArrayList<>();
        Payloads.Effect images = null;
        if (st.outcome().effects() != null) {
            for (Payloads.Effect e : st.outcome().effects()) if (Payloads.Effect.ROWS.equals(e.kind())) images = e;
        }
        if (images != null && !(cmd instanceof Command.Delete)) {
            for (List<Value> image : images.rows()) {
                Map<String, Value> row = new LinkedHashMap<>();
                for (int i = 0; i < images.columns().size(); i++) row.put(images.columns().get(i), image.get(i));
                out.add(row);
            }
            return out;
        }
        if (cmd instanceof Command.Insert ins && ins.rows() != null) {
            Map<String, String> declared = written == null ? null : versions.columns(table.qualified(), written);
            List<String> cols = ins.columns() != null ? ins.columns() : declared == null ? List.of() : List.copyOf(declared.keySet());
            for (List<Expr> values : ins.rows()) {
                Map<String, Value> row = new LinkedHashMap<>();
                for (int i = 0; i < values.size() && i < cols.size(); i++) {
                    Value v = value(values.get(i), st.statement().params());
                    if (v == null) break;
                    row.put(cols.get(i), v);
                }
                out.add(row);
            }
        }
        return out;
    }

    private static Value value(Expr e, List<Value> params) {
        if (e instanceof Expr.Literal l) return l.value();
        if (e instanceof Expr.Cast c) return value(c.operand(), params);
        if (e instanceof Expr.Param p && params != null && p.index() >= 1 && p.index() <= params.size()) return params.get(p.index() - 1);
        return null;
    }

    private static Command.Table table(Command c) {
        if (c instanceof Command.Insert i) return i.table();
        if (c instanceof Command.Upsert u) return u.insert().table();
        if (c instanceof Command.Update u) return u.table();
        return null;
    }
}
