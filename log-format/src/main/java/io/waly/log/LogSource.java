package io.waly.log;

import io.waly.log.read.LogReader;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Where a log is read from: every reader of a log — replay, verify, inspect, stats, a follower — opens its readers
 * here, so that a log on files and a log on a distributed log are read the same way.
 */
public interface LogSource {

    /** A new reader at the log's first record. */
    RecordReader open();

    /** What the log is, for messages: a directory, a topic. Never holds a secret. */
    String describe();

    /** The log in a directory of segment files (FORMAT.md). */
    static LogSource directory(Path dir) {
        return new LogSource() {
            @Override
            public RecordReader open() {
                return LogReader.open(dir);
            }

            @Override
            public String describe() {
                return dir.toAbsolutePath().toString();
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }

    /** The log's id in hex, or null when the log holds no record yet. */
    default String logIdHex() {
        try (RecordReader r = open()) {
            r.next();
            byte[] id = r.logId();
            return id == null ? null : HexFormat.of().formatHex(id);
        }
    }
}
