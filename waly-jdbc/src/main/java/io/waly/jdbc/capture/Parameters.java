package io.waly.jdbc.capture;

import io.waly.command.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters bound to a prepared write, as typed values with the JDBC type each was bound with. Only writes
 * record: a prepared read's setters pay one null check.
 */
public final class Parameters {
    private Value[] values = new Value[8];
    private int[] types = new int[8];
    private int count;

    public void set(int index, Value v, int jdbcType) {
        if (index < 1) return;   // pgjdbc reports the bad index; nothing to record
        if (index > values.length) {
            int n = Math.max(index, values.length * 2);
            values = Arrays.copyOf(values, n);
            types = Arrays.copyOf(types, n);
        }
        values[index - 1] = v;
        types[index - 1] = jdbcType;
        count = Math.max(count, index);
    }

    public void clear() {
        Arrays.fill(values, 0, count, null);
        Arrays.fill(types, 0, count, 0);
        count = 0;
    }

    public List<Value> values() {
        List<Value> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(values[i] == null ? Value.NULL : values[i]);
        return out;
    }

    /** The values bound now, kept as they are (a batch element): later setters do not change them. */
    public Bound bound() {
        return new Bound(values(), types());
    }

    /** A batch element's parameters: values in JDBC index order (null bound as NULL) and the JDBC type each was bound with. */
    public record Bound(List<Value> values, int[] types) {}

    public int[] types() {
        return Arrays.copyOf(types, count);
    }
}
