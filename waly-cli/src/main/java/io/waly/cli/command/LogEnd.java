package io.waly.cli.command;

import io.waly.log.LogRecord;
import io.waly.log.format.Segments;
import io.waly.log.read.LogReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where a log ends now, read from its last segment only (cheap even for a long log). */
final class LogEnd {
    private LogEnd() {}

    /** The last sequence number in the log, 0 when it has none; a torn tail is not counted. */
    static long lastSeq(Path dir) {
        List<Path> segs;
        try {
            segs = Segments.list(dir);
        } catch (IOException e) {
            return 0;
        }
        if (segs.isEmpty()) return 0;
        long first = Segments.firstSeq(segs.get(segs.size() - 1));
        long last = first - 1;
        try (LogReader r = LogReader.open(dir)) {
            r.fromSeq(first);
            LogRecord rec;
            while ((rec = r.next()) != null) last = rec.seq();
        } catch (RuntimeException e) {
            // a damaged tail: the progress line estimates with what was read
        }
        return Math.max(0, last);
    }

    /** The log's identity (hex), as replay keeps it in the target's cursor; null for an empty log. */
    static String logId(Path dir) {
        try (LogReader r = LogReader.open(dir)) {
            r.next();
            byte[] id = r.logId();
            return id == null ? null : java.util.HexFormat.of().formatHex(id);
        }
    }
}
