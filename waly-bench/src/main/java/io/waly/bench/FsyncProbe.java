package io.waly.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The disk's price of durability, measured where the logs go: append 200 bytes to a file and force it
 * ({@code fdatasync}), as a group-commit leader does for one commit. The median of {@code n}; the physical bound of
 * a one-thread fsync-durable logger is {@code 1 / (1 + t_fsync / t_tx)}.
 */
final class FsyncProbe {
    private FsyncProbe() {}

    static double medianMicros(Path dir, int n) {
        Path f = dir.resolve("fsync-probe.bin");
        long[] t = new long[n];
        ByteBuffer buf = ByteBuffer.allocateDirect(200);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < n; i++) {
                buf.clear();
                long t0 = System.nanoTime();
                ch.write(buf);
                ch.force(false);
                t[i] = System.nanoTime() - t0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // a leftover probe file harms nothing
            }
        }
        Arrays.sort(t);
        return t[n / 2] / 1e3;
    }
}
