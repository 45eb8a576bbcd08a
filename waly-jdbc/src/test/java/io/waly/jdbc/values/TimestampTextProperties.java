package io.waly.jdbc.values;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The hand-written timestamp text of a bound parameter is the formatter's text of the value pgjdbc sends — rounded half
 * up to the microsecond — for every instant (years outside 1–9999 included, where it hands over to the formatter).
 */
class TimestampTextProperties {
    private static final DateTimeFormatter FORMATTER = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    @Property(tries = 2000)
    void sameTextAsTheFormatter(@ForAll @LongRange(min = -62_167_219_200L - 86_400L * 800, max = 253_402_300_799L + 86_400L * 800) long epochSecond,
                                @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, (int) nanos, java.time.ZoneOffset.UTC);
        assertEquals(sent(t).format(FORMATTER), JdbcValues.microsText(t));
    }

    @Property(tries = 500)
    void sameTextNearTheEdgesOfAYear(@ForAll @LongRange(min = 1, max = 9999) long year, @ForAll boolean end,
                                     @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
        LocalDateTime t = end ? LocalDateTime.of((int) year, 12, 31, 23, 59, 59, (int) nanos)
                : LocalDateTime.of((int) year, 1, 1, 0, 0, 0, (int) nanos);
        assertEquals(sent(t).format(FORMATTER), JdbcValues.microsText(t));
    }

    @Property(tries = 200)
    void halfAMicrosecondRoundsUp(@ForAll @LongRange(min = 0, max = 999_998) long micros) {
        LocalDateTime t = LocalDateTime.of(2024, 5, 1, 10, 0, 0, (int) micros * 1000);
        assertEquals(t.format(FORMATTER), JdbcValues.microsText(t.plusNanos(499)));
        assertEquals(t.plusNanos(1000).format(FORMATTER), JdbcValues.microsText(t.plusNanos(500)));
    }

    /** What pgjdbc sends for {@code t}: the nearest microsecond, halves up (measured: {@code .123456789} arrives as {@code .123457}). */
    private static LocalDateTime sent(LocalDateTime t) {
        return t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }
}
