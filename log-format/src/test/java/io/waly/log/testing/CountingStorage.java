package io.waly.log.testing;

import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.ForwardingSegmentFile;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** The real storage, counting forces and writes: how a test sees group commit and the async flusher at work. */
public final class CountingStorage implements LogStorage {
    public final AtomicLong forces = new AtomicLong();
    public final AtomicLong writes = new AtomicLong();
    public final AtomicLong dirSyncs = new AtomicLong();

    @Override
    public SegmentFile open(Path file) throws IOException {
        SegmentFile f = FileLogStorage.INSTANCE.open(file);
        return new ForwardingSegmentFile(f) {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                writes.incrementAndGet();
                super.write(bytes);
            }

            @Override
            public void force() throws IOException {
                forces.incrementAndGet();
                super.force();
            }
        };
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        dirSyncs.incrementAndGet();
        FileLogStorage.INSTANCE.syncDirectory(dir);
    }
}
