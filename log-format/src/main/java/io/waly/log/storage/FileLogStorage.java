package io.waly.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Segments as plain files through {@link FileChannel}: no memory mapping, so nothing to unmap on any JDK. */
public final class FileLogStorage implements LogStorage {
    public static final FileLogStorage INSTANCE = new FileLogStorage();

    @Override
    public SegmentFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.position(ch.size());
        return new Channel(ch);
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

    private record Channel(FileChannel ch) implements SegmentFile {
        @Override
        public void write(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) ch.write(bytes);
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
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
