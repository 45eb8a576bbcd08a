package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.log.format.Segments;
import io.waly.log.read.SegmentReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Checks shared by the commands that read a log directory. */
final class LogOptions {
    private LogOptions() {}

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
