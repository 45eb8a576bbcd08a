package io.waly.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Segments as plain files through {@link FileChannel}: no memory mapping, so nothing to unmap on any JDK.
 *
 * <p>Writes preallocate: when a write reaches the end of the file, zeros are written after it, as much again as the
 * file holds (at least 64 KiB, at most 1 MiB). An fdatasync of a file that grew must also commit the file system's
 * journal for the new size; one that overwrites allocated blocks flushes only the data. That is PostgreSQL's reason to
 * zero-fill its WAL segments, and measured here it made each commit's force cheaper (BENCHMARKS.md). Readers treat
 * zeros after the last record as its end (FORMAT.md §5.1).
 */
public final class FileLogStorage implements LogStorage {
    public static final FileLogStorage INSTANCE = new FileLogStorage();

    static final int MIN_PREALLOCATION = 64 * 1024;
    static final int MAX_PREALLOCATION = 1024 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(MIN_PREALLOCATION);

    @Override
    public SegmentFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.position(ch.size());
        return new Channel(ch, ch.size());
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        // Opening a directory for reading and forcing it is how a new file's entry becomes durable on Linux;
        // some platforms refuse to open directories, where the entry is durable with the file.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) throw e;
        }
    }

    private static final class Channel implements SegmentFile {
        private final FileChannel ch;
        private long allocated;   // the file's size: data up to the channel's position, zeros after it

        Channel(FileChannel ch, long size) {
            this.ch = ch;
            this.allocated = size;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) ch.write(bytes);
            long end = ch.position();
            if (end > allocated) preallocate(end);
        }

        /**
         * Zeros after {@code end}; data first, so that a crash in between leaves no zeros before written records.
         * Best effort: on a full disk whatever zeros landed are overwritten by the next records, and the write that
         * really finds no space fails as it would without preallocation — a log must not refuse a record for want of
         * room for zeros.
         */
        private void preallocate(long end) throws IOException {
            long target = end + Math.min(MAX_PREALLOCATION, Math.max(MIN_PREALLOCATION, end));
            long at = end;
            try {
                while (at < target) {
                    ByteBuffer z = ZEROS.duplicate();
                    z.limit((int) Math.min(z.capacity(), target - at));
                    at += ch.write(z, at);
                }
            } catch (IOException e) {
                // tried again at the next write that passes the end of the file
            }
            allocated = ch.size();
        }

        @Override
        public void force() throws IOException {
            ch.force(false);
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            ch.truncate(size);
            ch.position(size);
            allocated = ch.size();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
