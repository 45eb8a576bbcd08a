package io.waly.cli.support;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Instants on the command line (ISO-8601 with a zone, always) and in output (UTC, microseconds). */
public final class Times {
    private Times() {}

    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public static String format(Instant t) {
        return t == null ? null : OUT.format(t);
    }

    public static Instant ofMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    public static long toMicros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /** "2 min 5 s", "1.3 s", "840 ms". */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format("%.1f s", ms / 1000.0);
        long s = d.getSeconds();
        if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
        if (s < 86400) return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        return (s / 86400) + " d " + (s % 86400 / 3600) + " h";
    }

    /**
     * Parses {@code --to-time}/{@code --since}: an ISO-8601 instant with a zone or offset
     * ({@code 2026-11-24T10:00:00Z}, {@code 2026-11-24T11:00:00+01:00}). A time without a zone is refused: read on
     * another machine it would name another moment.
     */
    public static final class Converter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(value);
                } catch (DateTimeParseException e2) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 time with a zone; write it as "
                            + "2026-11-24T10:00:00Z or 2026-11-24T11:00:00+01:00");
                }
            }
        }
    }
}
