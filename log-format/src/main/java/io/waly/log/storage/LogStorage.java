package io.waly.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The writer's only way to the disk. It exists so that tests can inject the faults a real disk has (full, I/O error,
 * failed fsync) without mocking the writer itself; {@link FileLogStorage} is the real one.
 */
public interface LogStorage {

    /** Opens (creating if needed) a segment file for appending at its current end. */
    SegmentFile open(Path file) throws IOException;

    /** Makes a directory entry change (a new segment) durable. */
    void syncDirectory(Path dir) throws IOException;

    /** A segment file open for appending. Driver-internal. */
    interface SegmentFile extends AutoCloseable {
        /**
         * Writes all remaining bytes after the last bytes written (the file's end when opened or truncated); the file
         * may hold preallocated zeros beyond them (FORMAT.md §7).
         */
        void write(ByteBuffer bytes) throws IOException;

        /** Forces written bytes to the device (fdatasync). */
        void force() throws IOException;

        /** The file's size, preallocated zeros included. */
        long size() throws IOException;

        /** Cuts the file at {@code size}; the next write goes there. */
        void truncate(long size) throws IOException;

        @Override
        void close() throws IOException;
    }
}
