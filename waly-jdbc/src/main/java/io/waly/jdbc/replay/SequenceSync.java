package io.waly.jdbc.replay;

import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the target's sequences where the source's were. A statement re-run on the target draws from its sequences
 * as the source's did only if they stand where the source's stood before it ({@link #pin}); rows applied from images
 * draw nothing, so the sequences they would have drawn from are moved past them ({@link #noteImages},
 * {@link #noteValues}) before anything else can draw ({@link #sync}). Every move runs as the replaying user.
 */
final class SequenceSync {

    private final Connection target;
    /** Sequence → the value it must at least reach before anything draws from it again. */
    private final Map<String, Long> pending = new LinkedHashMap<>();

    SequenceSync(Connection target) {
        this.target = target;
    }

    /**
     * A re-run INSERT that drew serial values on the source: each sequence goes where it stood before the statement
     * (its last value then, less the values the statement drew), so that it draws the same.
     */
    void pin(Payloads.Outcome o) throws SQLException {
        if (o == null || o.effects() == null) return;
        for (Payloads.Effect e : o.effects()) {
            if (!Payloads.Effect.SEQUENCE.equals(e.kind()) || e.rows().isEmpty() || !e.columns().contains("rows")) continue;
            long last = ((Number) e.rows().get(0).get(0).value()).longValue();
            long drawn = e.rows().get(0).size() > 1 ? ((Number) e.rows().get(0).get(1).value()).longValue() : 1;
            String sql = "SELECT CASE WHEN ? - ? * seqincrement >= seqmin THEN pg_catalog.setval(seqrelid, ? - ? * seqincrement, true) "
                    + "ELSE pg_catalog.setval(seqrelid, seqmin, false) END FROM pg_catalog.pg_sequence WHERE seqrelid = ?::regclass";
            AsReplayUser.within(target, () -> {
                try (PreparedStatement ps = target.prepareStatement(sql)) {
                    ps.setLong(1, last);
                    ps.setLong(2, drawn);
                    ps.setLong(3, last);
                    ps.setLong(4, drawn);
                    ps.setString(5, e.target());
                    ps.executeQuery().close();
                }
            });
            pending.remove(e.target());
        }
    }

    /**
     * A statement applied from its images drew from sequences by name ({@code nextval('s')}) on the source but not
     * here: where they stood after it, to move them there (forward only) before anything draws.
     */
    void noteValues(Payloads.Outcome o) {
        if (o == null || o.effects() == null) return;
        for (Payloads.Effect e : o.effects()) {
            if (!Payloads.Effect.SEQUENCE.equals(e.kind()) || e.columns().contains("rows") || e.rows().isEmpty()) continue;
            if (e.rows().get(0).get(0).value() instanceof Number n) pending.merge(e.target(), n.longValue(), Math::max);
        }
    }

    /** From the images themselves, how far the table's sequences must move. */
    void noteImages(TargetCatalog.TableShape t, Payloads.Effect rows) {
        for (Map.Entry<String, String> e : t.sequences().entrySet()) {
            int col = rows.columns().indexOf(e.getKey());
            if (col < 0) continue;
            long max = Long.MIN_VALUE;
            for (List<Value> row : rows.rows()) {
                Object v = row.get(col).value();
                if (v instanceof Number n) max = Math.max(max, n.longValue());
                else if (v instanceof String str && str.matches("-?\\d{1,18}")) max = Math.max(max, Long.parseLong(str));
            }
            if (max != Long.MIN_VALUE) pending.merge(e.getValue(), max, Math::max);
        }
    }

    /**
     * Moves sequences past the values images put in, before anything that might draw from them runs (a re-executed
     * statement, the end of a group): a target that is promoted never hands out a colliding key.
     */
    void sync() throws SQLException {
        if (pending.isEmpty()) return;
        AsReplayUser.within(target, () -> {
            for (Map.Entry<String, Long> e : pending.entrySet()) {
                String sql = "SELECT pg_catalog.setval(?::regclass, ?) FROM " + e.getKey() + " s WHERE " + behind("?");
                try (PreparedStatement ps = target.prepareStatement(sql)) {
                    ps.setString(1, e.getKey());
                    ps.setLong(2, e.getValue());
                    ps.setLong(3, e.getValue());
                    ps.setLong(4, e.getValue());
                    ps.executeQuery().close();
                }
            }
        });
        pending.clear();
    }

    /** The target transaction was rolled back: what was noted for it never happened. */
    void forget() {
        pending.clear();
    }

    /**
     * SQL over the sequence relation {@code s}: true when its next value would not pass {@code value} — the next
     * value is last_value + increment once called, last_value itself before — so that moving it there is forward.
     */
    private static String behind(String value) {
        return "(s.is_called AND s.last_value < " + value + ") OR (NOT s.is_called AND s.last_value <= " + value + ")";
    }

    private static final String SEQUENCE_COLUMNS = """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(a.attname),
            """ + io.waly.jdbc.capture.EffectsCatalog.COLUMN_SEQUENCE + """

              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'waly')
               AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
               AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)""";

    /**
     * At the end of a replay, every ascending sequence an integer column draws from is moved past the highest value
     * the column holds, wherever it stands below it: statements replay ran again (an UPDATE of the key) and keys
     * given explicitly can put values past it that no image told of.
     */
    void movePastTables() throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(SEQUENCE_COLUMNS)) {
            while (rs.next()) if (rs.getString(3) != null) columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
        AsReplayUser.untilCommit(target, () -> {
            for (String[] c : columns) {
                String sql = "SELECT pg_catalog.setval(q.seqrelid, x.m) FROM (SELECT max(" + c[1] + ")::bigint AS m FROM " + c[0] + ") x, "
                        + "pg_catalog.pg_sequence q, " + c[2] + " s WHERE q.seqrelid = ?::regclass AND q.seqincrement > 0 "
                        + "AND x.m IS NOT NULL AND x.m BETWEEN q.seqmin AND q.seqmax AND (" + behind("x.m") + ")";
                try (PreparedStatement ps = target.prepareStatement(sql)) {
                    ps.setString(1, c[2]);
                    ps.executeQuery().close();
                }
            }
        });
    }
}
