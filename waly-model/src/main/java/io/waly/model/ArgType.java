package io.waly.model;

import io.waly.command.Value;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The type of a command's argument, and which bound values fit it. A value bound as text fits the types whose text it
 * is (a date, a timestamp, a uuid, JSON), as it does for PostgreSQL when pgjdbc sends strings untyped; NULL fits
 * every type.
 */
public enum ArgType {
    TEXT, INTEGER, BIGINT, NUMERIC, BOOLEAN, DATE, TIMESTAMP, TIMESTAMPTZ, UUID, JSON;

    static final List<String> NAMES = Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList();

    static ArgType of(Node n) {
        String t = n.text("an argument's type").trim().toLowerCase(Locale.ROOT);
        t = switch (t) {
            case "int", "int4" -> "integer";
            case "int8" -> "bigint";
            case "bool" -> "boolean";
            case "varchar" -> "text";
            case "jsonb" -> "json";
            default -> t;
        };
        if (!NAMES.contains(t)) throw n.error("unknown argument type '" + n.value + "' (types: " + String.join(", ", NAMES) + ")");
        return valueOf(t.toUpperCase(Locale.ROOT));
    }

    /** True when {@code v} can be passed as an argument of this type. */
    public boolean fits(Value v) {
        if (v.isNull()) return true;
        return switch (this) {
            case TEXT -> v.kind() == Value.Kind.TEXT || v.kind() == Value.Kind.OTHER;
            case INTEGER -> whole(v) && inRange(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT -> whole(v) && inRange(v, Long.MIN_VALUE, Long.MAX_VALUE);
            case NUMERIC -> switch (v.kind()) {
                case INT2, INT4, INT8, NUMERIC, FLOAT4, FLOAT8 -> true;
                default -> false;
            };
            case BOOLEAN -> v.kind() == Value.Kind.BOOL;
            case DATE -> v.kind() == Value.Kind.DATE || parses(v, s -> java.time.LocalDate.parse(s));
            case TIMESTAMP, TIMESTAMPTZ -> v.kind() == Value.Kind.TIMESTAMP || v.kind() == Value.Kind.TIMESTAMPTZ
                    || v.kind() == Value.Kind.DATE || parses(v, s -> java.time.LocalDateTime.parse(s.replace(' ', 'T').replaceAll("([+-]\\d\\d(:?\\d\\d)?|Z)$", "")));
            case UUID -> v.kind() == Value.Kind.UUID || parses(v, java.util.UUID::fromString);
            case JSON -> v.kind() == Value.Kind.JSON || v.kind() == Value.Kind.TEXT || v.kind() == Value.Kind.OTHER;
        };
    }

    /**
     * A value that {@link #fits} as this type's own kind (an int4 for integer, a date from its text…), so that a body of
     * the command's own writes the same type however the application bound it; a value that does not fit is kept.
     */
    public Value canonical(Value v) {
        if (v == null || v.isNull() || !fits(v)) return v == null ? Value.NULL : v;
        Object o = v.value();
        return switch (this) {
            case TEXT -> Value.text(o.toString());
            case INTEGER -> Value.int4(o instanceof BigDecimal d ? d.longValueExact() : ((Number) o).longValue());
            case BIGINT -> Value.int8(o instanceof BigDecimal d ? d.longValueExact() : ((Number) o).longValue());
            case NUMERIC -> Value.numeric(o instanceof BigDecimal d ? d : new BigDecimal(o.toString()));
            case BOOLEAN -> v;
            case DATE -> Value.of(Value.Kind.DATE, o.toString().trim());
            case TIMESTAMP -> Value.of(Value.Kind.TIMESTAMP, o.toString().trim());
            case TIMESTAMPTZ -> Value.of(Value.Kind.TIMESTAMPTZ, o.toString().trim());
            case UUID -> Value.of(Value.Kind.UUID, o.toString().trim());
            case JSON -> Value.of(Value.Kind.JSON, o.toString());
        };
    }

    private static boolean whole(Value v) {
        return switch (v.kind()) {
            case INT2, INT4, INT8 -> true;
            case NUMERIC -> v.value() instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0;
            default -> false;
        };
    }

    private static boolean inRange(Value v, long min, long max) {
        BigDecimal d = v.value() instanceof BigDecimal b ? b : BigDecimal.valueOf(((Number) v.value()).longValue());
        return d.compareTo(BigDecimal.valueOf(min)) >= 0 && d.compareTo(BigDecimal.valueOf(max)) <= 0;
    }

    private static boolean parses(Value v, java.util.function.Function<String, ?> parser) {
        if (v.kind() != Value.Kind.TEXT && v.kind() != Value.Kind.OTHER) return false;
        try {
            parser.apply(v.value().toString().trim());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
