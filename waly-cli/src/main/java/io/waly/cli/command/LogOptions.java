package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.log.format.Segments;
import io.waly.log.read.SegmentReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks shared by the commands that read a log: {@code --log} names a directory, or a log a provider serves
 * ({@code kafka://host:9092/topic?…}, FORMAT.md §11).
 */
final class LogOptions {
    private LogOptions() {}

    /** The label of every {@code --log} option. */
    static final String LABEL = "DIR|URL";
    static final String DESCRIPTION = "The log: a directory, or kafka://host:9092,…/topic?client.setting=… (URL-encoded values).";

    /** True when {@code --log} names a directory. */
    static boolean isDirectory(String log) {
        if (log == null) throw CliException.usage("--log DIR|URL is required");
        return io.waly.log.LogProviders.isDirectory(log);
    }

    /** The directory {@code --log} names (it must be one). */
    static Path directory(String log) {
        return io.waly.log.LogProviders.directory(log);
    }

    /** The log {@code --log} names, checked to be there: a directory with segments, or a provider's log (reached lazily). */
    static io.waly.log.LogSource source(String log) {
        if (isDirectory(log)) {
            Path dir = directory(log);
            requireLog(dir);
            return io.waly.log.LogSource.directory(dir);
        }
        try {
            return io.waly.log.LogProviders.provider(log).source(log);
        } catch (IllegalArgumentException | io.waly.log.LogException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** What messages and JSON show for {@code --log}: a directory's absolute path, or the location with secrets masked. */
    static String describe(String log) {
        return isDirectory(log) ? directory(log).toAbsolutePath().toString() : io.waly.log.LogProviders.mask(log);
    }

    /** The directory must exist and hold segments; otherwise a usage error (exit 2) that says what was found. */
    static List<Path> requireLog(Path dir) {
        if (dir == null) throw CliException.usage("--log DIR is required");
        if (!Files.isDirectory(dir)) throw CliException.usage("no log at " + dir.toAbsolutePath() + " (not a directory)");
        try {
            List<Path> segs = Segments.list(dir);
            if (segs.isEmpty()) {
                throw CliException.usage("no WAL-y segments in " + dir.toAbsolutePath()
                        + " (segment files are named like 00000000000000000001.wal)");
            }
            return segs;
        } catch (IOException e) {
            throw CliException.usage("cannot list " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    /** The bytes the log holds (a live or crashed log's last segment also holds preallocated zeros, not counted). */
    static long bytes(List<Path> segments) {
        try {
            return SegmentReader.logBytes(segments);
        } catch (IOException e) {
            return 0;   // unreadable: the command reports the reason itself
        }
    }
}
