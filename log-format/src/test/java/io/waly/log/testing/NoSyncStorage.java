package io.waly.log.testing;

import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.ForwardingSegmentFile;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.nio.file.Path;

/** The real files without any fsync: for property tests that write hundreds of logs and never crash the machine. */
public final class NoSyncStorage implements LogStorage {
    public static final NoSyncStorage INSTANCE = new NoSyncStorage();

    @Override
    public SegmentFile open(Path file) throws IOException {
        return new ForwardingSegmentFile(FileLogStorage.INSTANCE.open(file)) {
            @Override
            public void force() {}
        };
    }

    @Override
    public void syncDirectory(Path dir) {}
}
