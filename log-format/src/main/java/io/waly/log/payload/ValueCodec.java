package io.waly.log.payload;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.waly.command.Value;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Value} in CBOR: an array {@code [tag, value]} or {@code [tag, value, typeName]} (FORMAT.md, "Values").
 * Integers are CBOR integers, floats CBOR doubles, numeric a text string (exact), bytea a byte string, arrays nested
 * value arrays, everything else text.
 */
public final class ValueCodec {
    private ValueCodec() {}

    /** The kinds' tags with their UTF-8 kept, written as bytes rather than encoded again at every value. */
    private static final com.fasterxml.jackson.core.io.SerializedString[] TAGS = java.util.Arrays.stream(Value.Kind.values())
            .map(k -> new com.fasterxml.jackson.core.io.SerializedString(k.tag))
            .toArray(com.fasterxml.jackson.core.io.SerializedString[]::new);

    public static void write(CBORGenerator g, Value v) throws IOException {
        boolean typed = v.typeName() != null;
        g.writeStartArray(v, typed ? 3 : 2);
        g.writeString(TAGS[v.kind().ordinal()]);
        Object o = v.value();
        switch (v.kind()) {
            case NULL -> g.writeNull();
            case BOOL -> g.writeBoolean((Boolean) o);
            case INT2, INT4, INT8 -> g.writeNumber(((Number) o).longValue());
            case FLOAT4, FLOAT8 -> g.writeNumber(((Number) o).doubleValue());
            case NUMERIC -> g.writeString(o instanceof BigDecimal d ? d.toPlainString() : String.valueOf(o));
            case BYTES -> g.writeBinary((byte[]) o);
            case ARRAY -> {
                List<Value> els = v.elements();
                g.writeStartArray(els, els.size());
                for (Value e : els) write(g, e);
                g.writeEndArray();
            }
            default -> g.writeString(Cbor.text(String.valueOf(o)));
        }
        if (typed) g.writeString(Cbor.text(v.typeName()));
        g.writeEndArray();
    }

    public static void writeList(CBORGenerator g, List<Value> values) throws IOException {
        g.writeStartArray(values, values.size());
        for (Value v : values) write(g, v);
        g.writeEndArray();
    }

    public static Value read(Object decoded) {
        List<Object> a = Cbor.list(decoded);
        if (a.isEmpty()) return Value.NULL;
        Value.Kind kind = Value.Kind.ofTag(Cbor.str(a.get(0)));
        Object raw = a.size() > 1 ? a.get(1) : null;
        String typeName = a.size() > 2 ? Cbor.str(a.get(2)) : null;
        if (kind == Value.Kind.OTHER && !"other".equals(a.get(0))) typeName = typeName == null ? Cbor.str(a.get(0)) : typeName;
        Object value = switch (kind) {
            case NULL -> null;
            case BOOL -> Cbor.bool(raw);
            case INT2, INT4, INT8 -> raw instanceof Number n ? n.longValue() : Long.parseLong(Cbor.str(raw));
            case FLOAT4, FLOAT8 -> raw instanceof Number n ? n.doubleValue() : Double.parseDouble(Cbor.str(raw));
            case NUMERIC -> {
                String s = Cbor.str(raw);
                try {
                    yield new BigDecimal(s);
                } catch (NumberFormatException e) {
                    yield s;  // NaN, Infinity
                }
            }
            case BYTES -> raw instanceof byte[] b ? b : new byte[0];
            case ARRAY -> {
                List<Value> els = new ArrayList<>();
                for (Object e : Cbor.list(raw)) els.add(read(e));
                yield List.copyOf(els);
            }
            default -> Cbor.str(raw);
        };
        return new Value(kind, value, typeName);
    }

    public static List<Value> readList(Object decoded) {
        List<Value> out = new ArrayList<>();
        for (Object o : Cbor.list(decoded)) out.add(read(o));
        return out;
    }
}
