package io.waly.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A segment file that passes every call to another: the base for storages that change one thing (count forces,
 * inject a fault, skip fsync) and override only that method.
 */
public class ForwardingSegmentFile implements LogStorage.SegmentFile {
    private final LogStorage.SegmentFile delegate;

    public ForwardingSegmentFile(LogStorage.SegmentFile delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        delegate.write(bytes);
    }

    @Override
    public void force() throws IOException {
        delegate.force();
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public void truncate(long size) throws IOException {
        delegate.truncate(size);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
