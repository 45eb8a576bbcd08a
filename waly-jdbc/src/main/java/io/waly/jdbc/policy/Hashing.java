package io.waly.jdbc.policy;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.jdbc.sql.SqlLexer;
import io.waly.log.payload.Payloads;
import io.waly.model.HashPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A statement as the log holds it when the recording policy hashes some of its columns ({@link HashPlan}): the
 * parameters bound to them hashed, the command with their literals hashed, the SQL text with those literals hashed
 * (every string literal, when the statement's columns cannot be told apart), the row images' columns hashed, and the
 * fields of a COPY's data hashed ({@link CopyFields}).
 */
final class Hashing {
    private Hashing() {}

    /**
     * @param types the hashed table's column types (column → pg_type name; empty when not known): each value is logged as
     *              a hash its column can hold ({@link HashPlan#hash(Value, String)})
     */
    static Payloads.Statement statement(HashPlan plan, Payloads.Statement p, List<String> copyColumns, Map<String, String> types) {
        List<Value> params = p.params();
        if (params != null && !params.isEmpty()) {
            List<Value> out = new ArrayList<>(params.size());
            for (int i = 0; i < params.size(); i++) {
                String column = plan.params().get(i + 1);
                String type = column == null ? null : types.get(column);
                out.add(plan.everyValue() || column != null ? HashPlan.hash(params.get(i), type) : params.get(i));
            }
            params = out;
        }
        return new Payloads.Statement(sql(plan, p.sql(), types), params, p.jdbcTypes(), plan.command(), p.autocommit(),
                p.batchIndex(), copyData(plan, p.copyData(), copyColumns, types), p.connection(), p.schemaVersion(), p.prepared());
    }

    /**
     * A COPY's data with the hashed columns' fields hashed (text and CSV); left out when its fields cannot be told apart
     * (no layout: the table could not be looked up) — a binary COPY never gets here ({@link PolicyGuard#admit}).
     */
    private static byte[] copyData(HashPlan plan, byte[] data, List<String> columns, Map<String, String> types) {
        if (data == null || data.length == 0) return data;
        if (columns == null || !(plan.command() instanceof Command.Copy copy) || "binary".equalsIgnoreCase(copy.options().format())) {
            return new byte[0];
        }
        Map<Integer, UnaryOperator<Value>> fields = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            String type = types.get(columns.get(i));
            if (plan.columns().contains(columns.get(i))) fields.put(i, v -> HashPlan.hash(v, type));
        }
        return CopyFields.replace(data, copy.options(), fields);
    }

    /**
     * The SQL text with the literals the plan hashes replaced by their hashes: as string literals, which PostgreSQL
     * reads as the column's type, or NULL where the column's type holds no hash.
     */
    static String sql(HashPlan plan, String sql, Map<String, String> types) {
        if (plan == null || sql == null || (plan.literals().isEmpty() && !plan.everyValue())) return sql;
        Map<String, String> columns = new HashMap<>();
        plan.literals().forEach((v, column) -> columns.putIfAbsent(String.valueOf(v.value()), column));
        StringBuilder out = new StringBuilder(sql.length());
        int at = 0;
        for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
            boolean literal = t.type() == SqlLexer.Type.STRING || t.type() == SqlLexer.Type.NUMBER;
            if (!literal || !(plan.everyValue() ? t.type() == SqlLexer.Type.STRING : columns.containsKey(t.text()))) continue;
            Value hashed = HashPlan.hash(Value.text(t.text()), plan.everyValue() ? null : types.get(columns.get(t.text())));
            out.append(sql, at, t.start()).append(hashed.isNull() ? "NULL" : "'" + hashed.value() + "'");
            at = t.end();
        }
        return out.append(sql, at, sql.length()).toString();
    }

    static List<Payloads.Effect> effects(HashPlan plan, List<Payloads.Effect> effects, Map<String, String> types) {
        List<Payloads.Effect> out = new ArrayList<>(effects.size());
        for (Payloads.Effect e : effects) {
            if (!Payloads.Effect.ROWS.equals(e.kind())) {
                out.add(e);
                continue;
            }
            List<List<Value>> rows = new ArrayList<>(e.rows().size());
            for (List<Value> row : e.rows()) {
                List<Value> r = new ArrayList<>(row.size());
                for (int i = 0; i < row.size(); i++) {
                    boolean hashed = i < e.columns().size() && plan.columns().contains(e.columns().get(i));
                    r.add(hashed ? HashPlan.hash(row.get(i), types.get(e.columns().get(i))) : row.get(i));
                }
                rows.add(r);
            }
            out.add(new Payloads.Effect(e.kind(), e.target(), e.columns(), rows));
        }
        return out;
    }
}
