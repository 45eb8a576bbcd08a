package io.waly.log.write;

import static io.waly.log.format.LogFormat.HASH_LENGTH;
import static io.waly.log.format.LogFormat.SEGMENT_HEADER_LENGTH;

import io.waly.log.LogConfig;
import io.waly.log.LogCorruptException;
import io.waly.log.format.SegmentHeader;
import io.waly.log.format.Segments;
import io.waly.log.format.Zeros;
import io.waly.log.read.SegmentReader;
import io.waly.log.storage.LogStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Where a log directory ends, found by recovery when a writer opens it (FORMAT.md §5.2): the last record's sequence,
 * time and hash, the last segment opened for appending right after it — a torn tail cut, the zeros preallocated after
 * the last record dropped — and what was found ({@link Recovery}). Recovery scans only the last segment, so opening costs
 * the same for any log size; readers and {@code verify} check everything.
 *
 * @param segment the last segment, open for appending; null for a log without one (the writer starts its first)
 */
record LogTail(byte[] logId, long lastSeq, long lastTimestamp, byte[] lastHash, LogStorage.SegmentFile segment,
               long segmentBytes, Recovery recovery) {

    /**
     * Finds the end of the log in {@code config.dir()}, cuts a torn tail, and opens the last segment for appending.
     *
     * @throws LogCorruptException when the log is damaged before its tail
     */
    static LogTail recover(LogConfig config) throws IOException {
        Path dir = config.dir();
        LogStorage storage = config.storage();
        List<Path> segments = Segments.list(dir);
        boolean removedEmpty = false;
        // A crash while a segment was being created can leave its header short or unwritten (a file system that extends
        // the file before the data lands) with nothing but zeros after it: it never held a record, so it goes.
        if (!segments.isEmpty() && unfinishedSegment(segments.get(segments.size() - 1))) {
            Files.delete(segments.remove(segments.size() - 1));
            storage.syncDirectory(dir);
            removedEmpty = true;
        }
        if (segments.isEmpty()) {
            return new LogTail(uuidBytes(UUID.randomUUID()), 0, 0, new byte[HASH_LENGTH], null, 0,
                    new Recovery(0, 1, null, 0, 0, null, removedEmpty));
        }
        Path last = segments.get(segments.size() - 1);
        Path torn = null;
        long tornOffset = 0, tornBytes = 0;
        String tornReason = null;
        byte[] logId;
        long lastTimestamp;
        long lastSeq;
        byte[] lastHash;
        long validEnd;
        try (SegmentReader r = SegmentReader.open(last)) {
            logId = r.header().logId();
            if (segments.size() > 1) checkSameLog(segments.get(0), last, logId);
            lastTimestamp = r.header().createdMicros();
            SegmentReader.Step step;
            while ((step = r.next()) == SegmentReader.Step.RECORD) {
                lastTimestamp = Math.max(lastTimestamp, r.record().timestampMicros());
            }
            validEnd = r.position();
            if (step != SegmentReader.Step.END) {
                // Only a failure with nothing valid after it is a torn tail; a record whose checksum is right but
                // whose sequence or hash is wrong was written whole, somewhere else: corruption (FORMAT.md).
                if (r.checksumValid() || r.validRecordFollows()) throw r.corruption();
                torn = last;
                tornOffset = validEnd;
                tornBytes = r.size() - validEnd;
                tornReason = r.problem();
            }
            lastSeq = r.expectedSeq() - 1;
            lastHash = r.chainHash().clone();
        }
        LogStorage.SegmentFile segment = storage.open(last);
        if (torn != null || segment.size() > validEnd) {
            // a torn tail, or the zeros preallocated after the last record: appending continues right after it
            segment.truncate(validEnd);
            segment.force();
        }
        return new LogTail(logId, lastSeq, lastTimestamp, lastHash, segment, validEnd,
                new Recovery(lastSeq, segments.size(), torn, tornOffset, tornBytes, tornReason, removedEmpty));
    }

    private static boolean unfinishedSegment(Path file) throws IOException {
        long size = Files.size(file);
        if (size < SEGMENT_HEADER_LENGTH) return true;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (size > SEGMENT_HEADER_LENGTH && !Zeros.toEnd(ch, SEGMENT_HEADER_LENGTH)) return false;
            ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH);
            while (header.hasRemaining() && ch.read(header, header.position()) > 0) { /* fill */ }
            try {
                SegmentHeader.decode(header.array());
                return false;   // a whole header and no record yet: an empty segment, kept
            } catch (IllegalArgumentException e) {
                return true;
            }
        }
    }

    /**
     * The writer scans only the last segment (recovery time does not grow with the log); this cheap check at least
     * keeps it from appending to a segment of another log. {@link io.waly.log.read.LogVerifier} checks everything.
     */
    private static void checkSameLog(Path first, Path last, byte[] lastLogId) throws IOException {
        try (SegmentReader f = SegmentReader.open(first)) {
            if (!Arrays.equals(f.header().logId(), lastLogId)) {
                throw new LogCorruptException(last, 0, Segments.firstSeq(last), "segment belongs to another log (its log id"
                        + " differs from " + first.getFileName() + "'s)");
            }
        }
    }

    static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }
}
