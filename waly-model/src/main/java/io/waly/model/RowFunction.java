package io.waly.model;

import java.util.Map;

/**
 * A row mapping written in Java, for what an SQL expression cannot say: named in a step of the model's
 * {@code versions:} section as {@code up: {java: com.example.CarsUp}} (or {@code down:}), by a public class with a
 * public no-arg constructor that implements this interface. WAL-y makes one instance when the model loads and calls it
 * from any thread, so it must be stateless (or thread-safe), and deterministic: a replay calls it again.
 *
 * <p>The row is given and returned as column name → plain Java value, by the column's PostgreSQL type:
 * {@code int2}, {@code int4} → {@link Integer}; {@code int8} → {@link Long}; {@code numeric} →
 * {@link java.math.BigDecimal}; {@code float4} → {@link Float}; {@code float8} → {@link Double}; {@code bool} →
 * {@link Boolean}; {@code date} → {@link java.time.LocalDate}; {@code time} → {@link java.time.LocalTime};
 * {@code timestamp} → {@link java.time.LocalDateTime}; {@code timestamptz} → {@link java.time.OffsetDateTime} (UTC);
 * {@code bytea} → {@code byte[]}; an array → a {@link java.util.List} of its elements' values; every other type
 * ({@code text}, {@code varchar}, {@code uuid}, {@code json}, ranges, multiranges, …) → its PostgreSQL text, a
 * {@link String}; SQL NULL → null. A returned value may be any of these, or a String in the column type's text form;
 * PostgreSQL converts it to the column's type (an explicit cast), and a value it cannot convert fails the mapping.
 */
@FunctionalInterface
public interface RowFunction {

    /**
     * The row in the other version's columns.
     *
     * @param row the columns it reads, of the version the step maps from: those its {@code reads:} lists
     *     ({@code java: {class: …, reads: [name]}}), by default every column (unmodifiable, in the model's order)
     * @return at least each column the function computes (the columns of the other version that the step adds or
     *     retypes and that no SQL expression beside {@code java:} gives); other keys are ignored
     */
    Map<String, Object> apply(Map<String, Object> row);
}
