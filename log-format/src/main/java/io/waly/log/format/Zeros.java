package io.waly.log.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** The zero bytes a writer preallocates after a segment's last record (FORMAT.md §5.1). */
public final class Zeros {
    private static final int CHUNK = 64 * 1024;

    private Zeros() {}

    /**
     * True when every byte of the file from {@code from} to its end is zero (and there is at least one). Reads the
     * channel itself, never a reader's buffer: a live writer may have just overwritten zeros with a record.
     */
    public static boolean toEnd(FileChannel ch, long from) throws IOException {
        long size = ch.size();
        if (from >= size) return false;
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(CHUNK, size - from));
        for (long at = from; at < size; ) {
            b.clear();
            if (size - at < b.capacity()) b.limit((int) (size - at));
            int n = ch.read(b, at);
            if (n <= 0) return true;   // shrunk while we read: what was there was zeros
            int i = 0;
            for (; i + Long.BYTES <= n; i += Long.BYTES) if (b.getLong(i) != 0) return false;
            for (; i < n; i++) if (b.get(i) != 0) return false;
            at += n;
        }
        return true;
    }
}
