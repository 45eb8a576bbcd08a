package io.waly.log.write;

import static io.waly.log.format.LogFormat.LOCK_FILE;

import io.waly.log.LogException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per log directory (FORMAT.md): an exclusive lock on the directory's {@code waly.lock} against other
 * processes, and this JVM's set of directories it writes, against itself. The set is checked before the lock file is
 * touched: closing any channel on a file drops every POSIX lock this JVM holds on it, so a second open that tried the
 * lock and closed its channel would silently free the first writer's.
 */
final class DirectoryLock implements AutoCloseable {

    /** Directories (real paths) with an open writer in this JVM. */
    private static final Set<Path> OPEN_DIRS = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the directory {@code dir}, whose real path is {@code key}.
     *
     * @throws LogException when another writer, of this process or another, holds it
     */
    static DirectoryLock acquire(Path dir, Path key) throws IOException {
        if (!OPEN_DIRS.add(key)) throw alreadyOpen(dir);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) throw alreadyOpen(dir);
            return new DirectoryLock(key, channel, lock);
        } catch (IOException | RuntimeException e) {
            LogWriter.closeQuietly(channel);
            OPEN_DIRS.remove(key);
            throw e;
        }
    }

    private static LogException alreadyOpen(Path dir) {
        return new LogException("log directory " + dir.toAbsolutePath() + " is already open for writing by another"
                + " writer (one writer per directory: another process holds " + LOCK_FILE + ", or this JVM opened it"
                + " already; within one JVM share the writer through SharedLogs.acquire)");
    }

    /** Releases the directory to the next writer. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it as well
        }
        LogWriter.closeQuietly(channel);
        OPEN_DIRS.remove(key);
    }
}
