package io.waly.jdbc.capture;

import io.waly.command.Value;
import io.waly.jdbc.sql.SqlInfo;
import io.waly.log.payload.Payloads;
import java.util.List;

/**
 * One statement on its way to the log: what the application sent, and — filled in by its hook after the database
 * answered — its update counts and effects.
 */
final class StatementLog {
    final SqlInfo info;
    final String sql;
    final List<Value> params;
    final int[] jdbcTypes;
    final byte[] copyData;
    final int batchIndex;
    long[] counts;
    List<Payloads.Effect> effects = List.of();

    StatementLog(SqlInfo info, String sql, List<Value> params, int[] jdbcTypes, byte[] copyData, int batchIndex) {
        this.info = info;
        this.sql = sql;
        this.params = params;
        this.jdbcTypes = jdbcTypes;
        this.copyData = copyData;
        this.batchIndex = batchIndex;
    }

    void counts(long... counts) {
        this.counts = counts;
    }

    int batchIndex() {
        return batchIndex;
    }

    SqlInfo info() {
        return info;
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
