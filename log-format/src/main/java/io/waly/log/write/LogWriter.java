package io.waly.log.write;

import static io.waly.log.format.LogFormat.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogCorruptException;
import io.waly.log.LogException;
import io.waly.log.format.RecordKind;
import io.waly.log.format.SegmentHeader;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * Appends records to a log directory: gap-free sequence numbers, records in the order {@link #append} is called, CRC32C
 * and hash chain per record, segment rollover, and group commit. It frames and forces; where the log ends when it opens
 * is {@link LogTail}'s business (recovery), and one writer per directory {@link DirectoryLock}'s.
 *
 * <p>Three locks, always taken in this order: {@code syncLock} (one fsync at a time), {@code appendLock} (the
 * buffer, the sequence and the chain), {@code writeLock} (one write to the OS at a time, in the buffers' order).
 * Appends copy into an in-memory buffer and only write to the OS when it fills. {@link #publish} and {@link #sync}
 * swap the filled buffer for a spare under {@code appendLock} and write it out and force the disk <em>outside</em> it,
 * holding only {@code writeLock}: appenders keep going during the write system call and the fsync (measured with JFR,
 * eight TPC-B threads in async: with the write under {@code appendLock} an append parked once every two transactions,
 * holding its row locks meanwhile; now once every fifteen), and the next leader's fsync covers everyone who arrived
 * meanwhile. A committer never waits for a batch to fill or for a timer: an idle disk is forced at once. Committers that
 * find a force under way wait on {@code forceDone} (its own small lock, never held with the others) and are all woken
 * when it finishes.
 *
 * <p>After an I/O error on write or fsync the writer refuses everything until it is reopened: after a failed fsync the
 * kernel may have dropped the dirty pages, so retrying could report durable what is not (PostgreSQL's 2018 lesson).
 */
public final class LogWriter implements io.waly.log.LogSink, AutoCloseable {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final LogConfig config;
    private final LogStorage storage;
    private final Path dir;
    private final DirectoryLock lock;
    private final Recovery recovery;
    private final byte[] logId;

    private final ReentrantLock syncLock = new ReentrantLock();
    // committers waiting for a leader's force; forceGeneration counts finished forces (guarded by forceLock)
    private final ReentrantLock forceLock = new ReentrantLock();
    private final Condition forceDone = forceLock.newCondition();
    private volatile long forceGeneration;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Condition flusherWake = appendLock.newCondition();
    private final ReentrantLock writeLock = new ReentrantLock();

    // guarded by appendLock
    private LogStorage.SegmentFile segment;
    private long segmentBytes;            // bytes in the current segment, written or buffered
    private final List<LogStorage.SegmentFile> retired = new ArrayList<>();
    private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private ByteBuffer spare = ByteBuffer.allocate(BUFFER_BYTES);   // guarded by writeLock
    private long lastSeq;
    private long lastTimestamp;
    private final byte[] lastHash = new byte[HASH_LENGTH];
    private final MessageDigest sha;
    private final CRC32C crc = new CRC32C();
    private boolean closed;

    private volatile long writtenSeq;    // handed to the OS
    private volatile long durableSeq;    // forced to the device
    private volatile Throwable failure;
    private final Thread flusher;

    /** Continues the log where recovery found its end ({@code tail}), holding the directory's {@code lock}. */
    private LogWriter(LogConfig config, DirectoryLock lock, LogTail tail) throws IOException {
        this.config = config;
        this.storage = config.storage();
        this.dir = config.dir();
        this.lock = lock;
        try {
            this.sha = MessageDigest.getInstance(HASH_ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.recovery = tail.recovery();
        this.logId = tail.logId();
        this.lastSeq = tail.lastSeq();
        this.lastTimestamp = tail.lastTimestamp();
        System.arraycopy(tail.lastHash(), 0, lastHash, 0, HASH_LENGTH);
        if (tail.segment() != null) {
            segment = tail.segment();
            segmentBytes = tail.segmentBytes();
        } else {
            openNewSegment(1, new byte[HASH_LENGTH], config.startMicros() > 0 ? config.startMicros() : nowMicros());
        }
        this.writtenSeq = lastSeq;
        this.durableSeq = lastSeq;
        if (config.durability() == Durability.ASYNC) {
            flusher = new Thread(this::flushLoop, "waly-log-flusher");
            flusher.setDaemon(true);
            flusher.start();
        } else {
            flusher = null;
        }
    }

    /**
     * Opens the log directory for writing, creating it if needed: takes the directory ({@link DirectoryLock}), then
     * recovers its end ({@link LogTail#recover}), cutting a torn tail if a crash left one.
     *
     * @throws LogException when another writer holds the directory, or it cannot be created or written
     * @throws LogCorruptException when the log is damaged before its tail
     */
    public static LogWriter open(LogConfig config) {
        Path dir = config.dir();
        DirectoryLock lock;
        try {
            Files.createDirectories(dir);
            Path key = dir.toRealPath();
            SharedLogs.closeIfIdle(key);   // a writer this JVM only keeps open while idle gives way
            lock = DirectoryLock.acquire(dir, key);
        } catch (IOException e) {
            throw cannotOpen(dir, e);
        }
        try {
            return new LogWriter(config, lock, LogTail.recover(config));
        } catch (IOException e) {
            lock.close();
            throw cannotOpen(dir, e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static LogException cannotOpen(Path dir, IOException e) {
        return new LogException("cannot open log directory " + dir.toAbsolutePath() + " for writing: " + e, e);
    }

    public Recovery recovery() {
        return recovery;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    @Override
    public byte[] logId() {
        return logId.clone();
    }

    /** Sequence number of the last appended record (0 for an empty log). */
    @Override
    public long lastSeq() {
        appendLock.lock();
        try {
            return lastSeq;
        } finally {
            appendLock.unlock();
        }
    }

    public long durableSeq() {
        return durableSeq;
    }

    /**
     * Appends one record and returns its sequence number. The record is in the log's order from here on but not yet
     * on disk: call {@link #sync} for that.
     *
     * @param txId the transaction id, or {@link #OWN_SEQ} to use the record's own sequence number
     */
    @Override
    public long append(RecordKind kind, long txId, byte[] payload) {
        return append(kind, txId, payload, nowMicros());
    }

    /**
     * Appends a record written at {@code timestampMicros} (never before the previous record's time, which it then
     * takes): for copying a log from elsewhere with its records' own times.
     */
    public long append(RecordKind kind, long txId, byte[] payload, long timestampMicros) {
        if (payload.length > MAX_PAYLOAD) throw new LogException("record payload of " + payload.length + " bytes is too large");
        appendLock.lock();
        try {
            checkUsable();
            int total = RECORD_OVERHEAD + payload.length;
            // A segment holds at least one record, so a record larger than the segment size gets one of its own.
            if (segmentBytes > SEGMENT_HEADER_LENGTH && segmentBytes + total > config.segmentBytes()) roll(timestampMicros);
            if (buffer.remaining() < total) {
                writeBuffer();
                if (buffer.capacity() < total) buffer = ByteBuffer.allocate(total);
            }
            long seq = lastSeq + 1;
            long ts = Math.max(timestampMicros, lastTimestamp);
            ByteBuffer b = buffer;
            int p = b.position();
            b.putInt(p + LENGTH_OFFSET, payload.length);
            b.putLong(p + SEQ_OFFSET, seq);
            b.putLong(p + TIMESTAMP_OFFSET, ts);
            b.putLong(p + TX_OFFSET, txId == OWN_SEQ ? seq : txId);
            b.put(p + KIND_OFFSET, kind.code);
            b.put(p + RECORD_FLAGS_OFFSET, (byte) 0);
            b.put(p + PAYLOAD_OFFSET, payload);
            byte[] a = b.array();
            int hashAt = p + PAYLOAD_OFFSET + payload.length;
            sha.update(lastHash);
            sha.update(a, p + SEQ_OFFSET, PAYLOAD_OFFSET - SEQ_OFFSET + payload.length);
            sha.digest(a, hashAt, HASH_LENGTH);
            crc.reset();
            crc.update(a, p + SEQ_OFFSET, total - SEQ_OFFSET);
            b.putInt(p + CRC_OFFSET, (int) crc.getValue());
            b.position(p + total);
            System.arraycopy(a, hashAt, lastHash, 0, HASH_LENGTH);
            lastSeq = seq;
            lastTimestamp = ts;
            segmentBytes += total;
            return seq;
        } catch (IOException | DigestException e) {
            throw fail("append", e);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Hands the record {@code seq} and everything before it to the OS, without forcing the disk: readers of the log
     * (a follower, another process) see it from then on, and a crash of this process no longer loses it. One write
     * system call when there is something to write; nothing when a sync or a full buffer already wrote it.
     */
    @Override
    public void publish(long seq) {
        if (writtenSeq >= seq) return;
        Detached d;
        appendLock.lock();
        try {
            checkUsable();
            if (!lockWriteFor(seq)) return;
            d = detach();
        } finally {
            appendLock.unlock();
        }
        write(d);
    }

    /**
     * Makes the record {@code seq} and everything before it as durable as the log's durability mode promises:
     * on disk for {@code fsync}, handed to the OS for {@code async} and {@code none}.
     */
    @Override
    public void sync(long seq) {
        if (durableSeq >= seq) return;
        if (config.durability() != Durability.FSYNC) {
            publish(seq);
            return;
        }
        // Group commit. One committer at a time is the leader and forces everything appended so far; the others wait
        // for a force to finish and return if it covered them, or one of them leads the next. Followers wait on a
        // condition signalled to all, not in syncLock's queue: there they would be handed the lock one by one after
        // each fsync, and the next leader's fsync would wait behind that chain (measured: 1.1x the raw fsync rate
        // with 8 committers, against several times with this).
        while (durableSeq < seq) {
            long generation = forceGeneration;
            if (syncLock.tryLock()) {
                try {
                    // covers every record appended so far, so seq too (or seq was never appended: do not spin)
                    if (durableSeq < seq) forceAll();
                    return;
                } finally {
                    releaseSync();
                }
            } else {
                awaitForce(generation, seq);
            }
        }
    }

    /** Releases syncLock and wakes every committer waiting for a force to finish. */
    private void releaseSync() {
        syncLock.unlock();
        forceLock.lock();
        try {
            forceGeneration++;
            forceDone.signalAll();
        } finally {
            forceLock.unlock();
        }
    }

    /** Waits until a force after {@code generation} has finished or {@code seq} is durable. */
    private void awaitForce(long generation, long seq) {
        forceLock.lock();
        try {
            // the time limit only guards against a missed signal; a finished force always signals
            if (forceGeneration == generation && durableSeq < seq) forceDone.awaitNanos(TimeUnit.MILLISECONDS.toNanos(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogException("interrupted while waiting for the log to be forced to disk", e);
        } finally {
            forceLock.unlock();
        }
    }

    /** Writes the buffer out and forces the disk; caller holds syncLock. */
    private void forceAll() {
        Detached d;
        List<LogStorage.SegmentFile> toClose;
        appendLock.lock();
        try {
            checkUsable();
            lockWriteFor(Long.MAX_VALUE);   // also waits for a write under way: the force must come after it
            d = detach();
            toClose = retired.isEmpty() ? List.of() : new ArrayList<>(retired);
            retired.clear();
        } finally {
            appendLock.unlock();
        }
        write(d);
        try {
            d.target.force();
        } catch (IOException e) {
            throw fail("fsync", e);
        }
        durableSeq = Math.max(durableSeq, d.upTo);
        for (LogStorage.SegmentFile f : toClose) closeQuietly(f);
    }

    /** A filled buffer taken out of the appenders' way, to be written to {@code target}; {@code bytes} null when empty. */
    private record Detached(ByteBuffer bytes, LogStorage.SegmentFile target, long upTo) {}

    /**
     * Takes {@code writeLock} for a caller holding {@code appendLock} once, without keeping appenders waiting behind a
     * write under way: while one is, {@code appendLock} is let go until it ends. False (no lock taken) when that write
     * already handed {@code seq} to the OS.
     */
    private boolean lockWriteFor(long seq) {
        while (!writeLock.tryLock()) {
            appendLock.unlock();
            try {
                writeLock.lock();
                writeLock.unlock();
            } finally {
                appendLock.lock();
            }
            checkUsable();
            if (writtenSeq >= seq) return false;
        }
        return true;
    }

    /** Swaps the filled buffer for the spare; caller holds appendLock and writeLock (no write under way). */
    private Detached detach() {
        if (buffer.position() == 0) return new Detached(null, segment, lastSeq);
        ByteBuffer full = buffer.flip();
        buffer = spare != null ? spare : ByteBuffer.allocate(BUFFER_BYTES);
        spare = null;
        return new Detached(full, segment, lastSeq);
    }

    /** Writes a detached buffer to the OS and releases writeLock, which the caller took for it. */
    private void write(Detached d) {
        try {
            if (d.bytes != null) {
                checkUsable();   // a write that failed meanwhile left a gap before these bytes
                d.target.write(d.bytes);
                recycle(d.bytes);
            }
            if (d.upTo > writtenSeq) writtenSeq = d.upTo;
        } catch (IOException e) {
            throw fail("write", e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Keeps a written buffer as the spare; a record bigger than the buffer got one of its own, which is not kept. */
    private void recycle(ByteBuffer written) {
        if (written.capacity() == BUFFER_BYTES) spare = written.clear();
    }

    /** Writes the buffer out at once, waiting for a write under way; caller holds appendLock. */
    private void writeBuffer() {
        writeLock.lock();
        write(detach());
    }

    /** Closes the current segment (forced, so that a later fsync of the new one covers it) and starts the next. */
    private void roll(long timestampMicros) throws IOException {
        writeBuffer();
        segment.truncate(segmentBytes);   // a closed segment ends with its last record, without preallocated zeros
        segment.force();
        // A leader may be forcing this segment right now outside appendLock, so it is closed by the next forceAll,
        // not here. In NONE mode nothing forces, so nothing can race and nothing would drain the list: close now.
        if (config.durability() == Durability.NONE) closeQuietly(segment);
        else retired.add(segment);
        openNewSegment(lastSeq + 1, lastHash.clone(), timestampMicros);
    }

    private void openNewSegment(long firstSeq, byte[] prevHash, long nowMicros) throws IOException {
        Path file = dir.resolve(segmentName(firstSeq));
        // Timestamps never decrease along the log, headers included: fromTime relies on it.
        long created = Math.max(nowMicros, lastTimestamp);
        byte[] header = new SegmentHeader(FORMAT_VERSION, logId, firstSeq, created, prevHash).encode();
        LogStorage.SegmentFile f = storage.open(file);
        try {
            f.truncate(0);
            f.write(ByteBuffer.wrap(header));
            f.force();
            storage.syncDirectory(dir);
        } catch (IOException e) {
            closeQuietly(f);
            throw e;
        }
        segment = f;
        segmentBytes = SEGMENT_HEADER_LENGTH;
        lastTimestamp = created;
    }

    private void flushLoop() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(config.flushMillis());
        while (true) {
            appendLock.lock();
            try {
                if (closed || failure != null) return;
                flusherWake.awaitNanos(intervalNanos);
                if (closed || failure != null) return;
            } catch (InterruptedException e) {
                return;
            } finally {
                appendLock.unlock();
            }
            syncLock.lock();
            try {
                if (durableSeq < lastSeqUnlocked()) forceAll();
            } catch (RuntimeException e) {
                return;  // the writer is failed; appenders see the failure
            } finally {
                releaseSync();
            }
        }
    }

    private long lastSeqUnlocked() {
        appendLock.lock();
        try {
            return lastSeq;
        } finally {
            appendLock.unlock();
        }
    }

    private void checkUsable() {
        if (closed) throw new LogException("log " + dir + " is closed");
        Throwable f = failure;
        if (f != null) {
            throw new LogException("log " + dir + " refuses writes after an earlier I/O failure (" + f
                    + "); reopen it once the disk is healthy", f);
        }
    }

    private LogException fail(String what, Exception e) {
        if (failure == null) failure = e;
        return new LogException("log " + what + " failed in " + dir + ": " + e, e);
    }

    /** True once a write or fsync failed; the writer then refuses everything until reopened. */
    @Override
    public boolean failed() {
        return failure != null;
    }

    /** Flushes and forces what was appended, stops the flusher, closes the segment and releases the directory. */
    @Override
    public void close() {
        syncLock.lock();
        try {
            appendLock.lock();
            try {
                if (closed) return;
                if (failure == null) {
                    try {
                        writeBuffer();
                        segment.truncate(segmentBytes);
                        if (config.durability() != Durability.NONE) segment.force();
                        durableSeq = lastSeq;
                    } catch (IOException e) {
                        fail("close", e);
                    }
                }
                closed = true;
                flusherWake.signalAll();
            } finally {
                appendLock.unlock();
            }
        } finally {
            releaseSync();
        }
        if (flusher != null) {
            try {
                flusher.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (LogStorage.SegmentFile f : retired) closeQuietly(f);
        closeQuietly(segment);
        lock.close();
    }

    public boolean isClosed() {
        appendLock.lock();
        try {
            return closed;
        } finally {
            appendLock.unlock();
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failure: the first error is the one reported
        }
    }
}
