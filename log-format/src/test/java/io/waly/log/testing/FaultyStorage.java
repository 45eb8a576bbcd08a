package io.waly.log.testing;

import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.ForwardingSegmentFile;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real storage with the faults a real disk has, armed by the test: the disk fills up after a number of bytes
 * (the write that crosses the limit lands partly, as a real short write would, then fails), or fsync fails.
 * What was written before a fault stays written, so a reopened log shows what a crash after the fault would leave.
 */
public final class FaultyStorage implements LogStorage {
    /** Bytes the disk still accepts; negative for unlimited. */
    public final AtomicLong spaceLeft = new AtomicLong(-1);
    public volatile boolean failForce;
    public volatile boolean failDirSync;
    public final AtomicLong forces = new AtomicLong();

    public void diskFullAfter(long bytes) {
        spaceLeft.set(bytes);
    }

    @Override
    public SegmentFile open(Path file) throws IOException {
        SegmentFile f = FileLogStorage.INSTANCE.open(file);
        return new ForwardingSegmentFile(f) {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                long left = spaceLeft.get();
                if (left >= 0 && bytes.remaining() > left) {
                    ByteBuffer part = bytes.duplicate();
                    part.limit(part.position() + (int) left);
                    super.write(part);
                    bytes.position(bytes.position() + (int) left);
                    spaceLeft.set(0);
                    throw new IOException("No space left on device");
                }
                if (left >= 0) spaceLeft.addAndGet(-bytes.remaining());
                super.write(bytes);
            }

            @Override
            public void force() throws IOException {
                forces.incrementAndGet();
                if (failForce) throw new IOException("Input/output error (fsync)");
                super.force();
            }
        };
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        if (failDirSync) throw new IOException("Input/output error (directory fsync)");
        FileLogStorage.INSTANCE.syncDirectory(dir);
    }
}
