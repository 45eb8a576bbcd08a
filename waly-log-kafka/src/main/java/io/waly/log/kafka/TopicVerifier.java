package io.waly.log.kafka;

import io.waly.log.LogCorruptException;
import io.waly.log.LogException;
import io.waly.log.LogRecord;
import io.waly.log.LogSource.Verification;
import io.waly.log.format.LogFormat;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a whole topic (FORMAT.md §11.6): nothing deleted from its beginning, offsets without a gap, every record's frame
 * and CRC, every stream starting at 1 without a key and going on by +1 with its chain intact, keys and transaction ids
 * that name what came before. Its head is the <em>topic chain</em> after the last record,
 * {@code T(p) = SHA-256(T(p−1) || u64 stream || record hash)}, which also pins how the streams interleave: kept
 * elsewhere, it makes a rewrite or a cut of the topic detectable, as a directory's head does.
 */
final class TopicVerifier {
    private TopicVerifier() {}

    static Verification verify(KafkaLogSource source, String expectHead) {
        long anchorSeq = -1;
        byte[] anchorHash = null;
        if (expectHead != null) {
            int colon = expectHead.indexOf(':');
            try {
                anchorSeq = Long.parseLong(expectHead.substring(0, colon).trim());
                anchorHash = HexFormat.of().parseHex(expectHead.substring(colon + 1).trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the expected head must be POSITION:HASH as verify printed it, but was: " + expectHead);
            }
        }
        MessageDigest sha = TopicFormat.sha256();
        byte[] head = new byte[LogFormat.HASH_LENGTH];
        ByteBuffer stream = ByteBuffer.allocate(8);
        long records = 0;
        long last = 0;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", source.location().topic());
        try (KafkaRecordReader r = source.openStrict()) {
            long first = r.beginningOffset();
            if (first != 0) {
                return failed(records, last, details, "the topic's first " + first + " records were deleted (retention or a "
                        + "deleteRecords): a log's topic must keep everything (retention.ms=-1)", 1);
            }
            String anchorProblem = null;
            try {
                LogRecord rec;
                while ((rec = r.next()) != null) {
                    records++;
                    last = rec.seq();
                    sha.update(head);
                    sha.update(stream.clear().putLong(rec.stream()).array());
                    sha.update(rec.hash());
                    head = sha.digest();
                    if (rec.seq() == anchorSeq && !java.util.Arrays.equals(head, anchorHash)) {
                        anchorProblem = "the topic chain at position " + anchorSeq + " is " + HexFormat.of().formatHex(head)
                                + ", not the expected head: the topic was rewritten at or before this record";
                        return failed(records, last, details, anchorProblem, anchorSeq);
                    }
                }
            } catch (LogCorruptException e) {
                return failed(records, last, details, e.getMessage(), e.seq());
            }
            if (anchorSeq > last) {
                return failed(records, last, details, "the topic ends at position " + last + " but the expected head is at "
                        + anchorSeq + ": records were cut off the end", last + 1);
            }
            int streams = r.streams().size();
            long closed = r.streams().values().stream().filter(s -> s.closed).count();
            details.put("streams", streams);
            details.put("closedStreams", closed);
            Map<String, Object> heads = new LinkedHashMap<>();
            for (KafkaRecordReader.StreamState s : r.streams().values()) {
                heads.put(Long.toString(s.id), Map.of("records", s.records, "lastSeq", s.seq, "head", HexFormat.of().formatHex(s.hash),
                        "closed", s.closed));
            }
            details.put("streamHeads", heads);
            return new Verification(true, records, last, records == 0 ? null : last + ":" + HexFormat.of().formatHex(head), null, 0, details);
        } catch (LogException e) {
            if (e instanceof LogCorruptException c) return failed(records, last, details, c.getMessage(), c.seq());
            throw e;
        }
    }

    private static Verification failed(long records, long last, Map<String, Object> details, String problem, long seq) {
        return new Verification(false, records, last, null, problem, seq, details);
    }
}
