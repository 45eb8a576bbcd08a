package io.waly.log.testing;

import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The real files without any fsync: for property tests that write hundreds of logs and never crash the machine. */
public final class NoSyncStorage implements LogStorage {
    public static final NoSyncStorage INSTANCE = new NoSyncStorage();

    @Override
    public SegmentFile open(Path file) throws IOException {
        SegmentFile f = FileLogStorage.INSTANCE.open(file);
        return new SegmentFile() {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                f.write(bytes);
            }

            @Override
            public void force() {}

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                f.truncate(size);
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public void syncDirectory(Path dir) {}
}
