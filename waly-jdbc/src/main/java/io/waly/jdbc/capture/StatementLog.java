package io.waly.jdbc.capture;

import io.waly.command.Value;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.log.payload.Payloads;
import java.util.List;

/**
 * One statement on its way to the log: what the application sent, and — filled in by its hook after the database
 * answered — its update counts and effects. Made by capture's hooks only; the policy guard reads it.
 */
public final class StatementLog {
    final SqlInfo info;
    final String sql;
    final List<Value> params;
    final int[] jdbcTypes;
    final byte[] copyData;
    final int batchIndex;
    long[] counts;
    List<Payloads.Effect> effects = List.of();
    /** A COPY's fields, in order, when the recording policy hashes some of them; null otherwise. */
    List<String> copyColumns;
    /** The application's statement this one was mapped from to the database's schema version; null when none. */
    StatementLog original;
    /** The model's names of the versions {@link #original} was mapped from and to. */
    String mappedFrom;
    String mappedTo;

    StatementLog(SqlInfo info, String sql, List<Value> params, int[] jdbcTypes, byte[] copyData, int batchIndex) {
        this.info = info;
        this.sql = sql;
        this.params = params;
        this.jdbcTypes = jdbcTypes;
        this.copyData = copyData;
        this.batchIndex = batchIndex;
    }

    /** Notes that this statement is {@code original} mapped from one schema version to another (FORMAT.md, Mapped). */
    StatementLog mappedFrom(StatementLog original, String from, String to) {
        this.original = original;
        this.mappedFrom = from;
        this.mappedTo = to;
        return this;
    }

    void counts(long... counts) {
        this.counts = counts;
    }

    /** The statement's place in its batch; -1 for a statement on its own. */
    public int batchIndex() {
        return batchIndex;
    }

    public SqlInfo info() {
        return info;
    }

    public String sql() {
        return sql;
    }

    public List<Value> params() {
        return params;
    }

    /** The update counts the statement layer recorded after the database answered; null before. */
    public long[] counts() {
        return counts;
    }

    void effects(List<Payloads.Effect> effects) {
        this.effects = effects;
    }

    void addEffects(List<Payloads.Effect> more) {
        if (more.isEmpty()) return;
        List<Payloads.Effect> all = new java.util.ArrayList<>(effects);
        all.addAll(more);
        effects = all;
    }
}
