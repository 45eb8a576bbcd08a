package io.waly.jdbc.replay;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the target's sequences where the source's were. Statements re-run on the target draw from their sequences as
 * the source's did; only what they cannot reproduce is moved, and only forward:
 * <ul>
 *   <li>a re-run INSERT whose keys were drawn after a gap the source's sequence had is preceded by putting the sequence
 *       where it stood before the statement ({@link #pin});</li>
 *   <li>rows applied from images draw nothing, so their sequences are moved past the highest value the images hold
 *       ({@link #noteImages});</li>
 *   <li>where the source's sequences stood after a statement, or at the end of a transaction whose draws no row tells
 *       (it rolled back, or a statement of it failed), is applied as logged ({@link #noteStates}).</li>
 * </ul>
 * Forward is each sequence's own direction: up for an ascending one, down for a descending one; a value outside its
 * bounds is not applied. A cycling sequence is set to the logged value, whatever its direction, since after a cycle
 * "forward" cannot be told from the values. The moves wait until something could draw — a statement re-run, the end of
 * a group — so that a promoted follower never hands out a key its tables hold. Every move runs as the replaying user.
 */
final class SequenceSync {

    /** What a move needs to know of a sequence, read once per sequence (forgotten with the catalog, after DDL). */
    private record Shape(String quotedName, long increment, long min, long max, boolean cycle) {}

    private final Connection target;
    /** Sequence (as logged) → the values it must reach, in log order. */
    private final Map<String, List<Long>> pending = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();

    SequenceSync(Connection target) {
        this.target = target;
    }

    /** True when {@link #sync} or {@link #pin} has something to do before the statement of {@code o} runs. */
    boolean hasWork(Payloads.Outcome o) {
        if (!pending.isEmpty()) return true;
        if (o == null || o.effects() == null) return false;
        for (Payloads.Effect e : o.effects()) if (Payloads.Effect.SEQUENCE.equals(e.kind())) return true;
        return false;
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
            String sql = "SELECT CASE WHEN ? - ? * seqincrement BETWEEN seqmin AND seqmax "
                    + "THEN pg_catalog.setval(seqrelid, ? - ? * seqincrement, true) "
                    + "ELSE pg_catalog.setval(seqrelid, seqstart, false) END FROM pg_catalog.pg_sequence WHERE seqrelid = ?::regclass";
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

    /** Where sequences stood after a statement or at a transaction's end, as logged. */
    void noteStates(List<Payloads.Effect> effects) {
        if (effects == null) return;
        for (Payloads.Effect e : effects) {
            if (e.isSequenceState()) note(e.target(), ((Number) e.rows().get(0).get(0).value()).longValue());
        }
    }

    /**
     * From the images themselves: how far the sequences the inserted rows drew from went — for each column that draws
     * from a sequence, the values of the rows that left it to its default (a value given explicitly drew nothing).
     */
    void noteImages(TargetCatalog.TableShape t, Payloads.Effect rows, Command.Insert insert, boolean overridingUserValue) {
        for (Map.Entry<String, String> e : t.sequences().entrySet()) {
            int col = rows.columns().indexOf(e.getKey());
            if (col < 0) continue;
            long max = Long.MIN_VALUE;
            long min = Long.MAX_VALUE;
            for (int r = 0; r < rows.rows().size(); r++) {
                // OVERRIDING USER VALUE: an identity column draws whatever value is given
                boolean drew = overridingUserValue && t.identityColumns().contains(e.getKey())
                        || drewDefault(insert, e.getKey(), r, rows.rows().size());
                if (!drew) continue;
                Long v = asLong(rows.rows().get(r).get(col).value());
                if (v == null) continue;
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            if (max == Long.MIN_VALUE) continue;
            // both ends are noted: move() keeps the one in the sequence's direction
            note(e.getValue(), min);
            if (max != min) note(e.getValue(), max);
        }
    }

    /**
     * Whether image row {@code r} took {@code column}'s default: the column is left out of the INSERT's column list, or
     * is {@code DEFAULT} in that row of VALUES. When the image's rows are not the VALUES rows one for one (an upsert
     * that skipped some), only a column that is DEFAULT in every row counts.
     */
    private static boolean drewDefault(Command.Insert insert, String column, int r, int imageRows) {
        if (insert.columns() == null) {
            // DEFAULT VALUES: every column took its default; otherwise every column was given, in table order (VALUES,
            // or an INSERT … SELECT of them all)
            return insert.rows() == null && insert.query() == null;
        }
        int idx = -1;
        for (int i = 0; i < insert.columns().size(); i++) if (insert.columns().get(i).equalsIgnoreCase(column)) idx = i;
        if (idx < 0) return true;
        if (insert.rows() == null) return false;   // INSERT … SELECT gives the column
        if (insert.rows().size() == imageRows) {
            List<Expr> row = insert.rows().get(r);
            return idx < row.size() && row.get(idx) instanceof Expr.Default;
        }
        for (List<Expr> row : insert.rows()) if (idx >= row.size() || !(row.get(idx) instanceof Expr.Default)) return false;
        return true;
    }

    private void note(String sequence, long value) {
        pending.computeIfAbsent(sequence, k -> new ArrayList<>()).add(value);
    }

    /** Applies what was noted, before anything can draw from the sequences again. */
    void sync() throws SQLException {
        if (pending.isEmpty()) return;
        AsReplayUser.within(target, () -> {
            for (Map.Entry<String, List<Long>> e : pending.entrySet()) {
                Shape s = shape(e.getKey());
                if (s == null) continue;   // dropped since: nothing to move
                for (long v : e.getValue()) move(s, v);
            }
        });
        pending.clear();
    }

    /**
     * Sets the sequence so that {@code value} counts as handed out, if the target's sequence has not handed it out
     * yet (in its direction): its next value would be {@code last_value + increment} once called, {@code last_value}
     * before.
     */
    private void move(Shape s, long value) throws SQLException {
        if (value < s.min() || value > s.max()) return;
        String notYet = s.increment() > 0
                ? "(q.is_called AND q.last_value < ?) OR (NOT q.is_called AND q.last_value <= ?)"
                : "(q.is_called AND q.last_value > ?) OR (NOT q.is_called AND q.last_value >= ?)";
        String sql = "SELECT pg_catalog.setval(?::regclass, ?, true) FROM " + s.quotedName() + " q"
                + (s.cycle() ? "" : " WHERE " + notYet);
        try (PreparedStatement ps = target.prepareStatement(sql)) {
            ps.setString(1, s.quotedName());
            ps.setLong(2, value);
            if (!s.cycle()) {
                ps.setLong(3, value);
                ps.setLong(4, value);
            }
            ps.executeQuery().close();
        }
    }

    private Shape shape(String name) throws SQLException {
        Shape s = shapes.get(name);
        if (s != null) return s;
        try (PreparedStatement ps = target.prepareStatement("SELECT pg_catalog.quote_ident(n.nspname) || '.' || "
                + "pg_catalog.quote_ident(c.relname), q.seqincrement, q.seqmin, q.seqmax, q.seqcycle FROM pg_catalog.pg_sequence q "
                + "JOIN pg_catalog.pg_class c ON c.oid = q.seqrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE q.seqrelid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                s = new Shape(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getBoolean(5));
            }
        }
        shapes.put(name, s);
        return s;
    }

    /** After DDL: a sequence may have been altered, dropped, or created under a name seen before. */
    void invalidate() {
        shapes.clear();
    }

    /** The target transaction was rolled back: what was noted for it never happened. */
    void forget() {
        pending.clear();
    }

    private static Long asLong(Object v) {
        if (v instanceof Number n) return n.longValue();
        if (v instanceof String str && str.matches("-?\\d{1,18}")) return Long.parseLong(str);
        return null;
    }
}
