package io.waly.cli.command;

import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.log.LogCorruptException;
import io.waly.log.LogRecord;
import io.waly.log.format.LogFormat;
import io.waly.log.read.LogReader;
import io.waly.log.read.LogVerifier;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Checks the log's framing, checksums, sequence and hash chain; names the first damage.",
        description = {
            "Checks a whole log: every segment header, every record's framing and CRC32C, sequence continuity from 1, "
                + "and the SHA-256 hash chain across segments. On damage (a byte changed, a record removed or reordered, "
                + "a segment truncated or dropped) names the first bad sequence number, segment and offset, and exits 1.",
            "",
            "The head it prints (SEQ:HASH) can be kept elsewhere; --expect-head then also proves that nothing was cut "
                + "off the end or rewritten up to that point, which no checksum inside the log can."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:the log is intact",
            "1:the log is damaged (the first problem is named)",
            "2:usage or environment error (no log at DIR)"})
public final class VerifyCommand extends WalyCommand {

    @Option(names = "--log", required = true, paramLabel = LogOptions.LABEL, description = LogOptions.DESCRIPTION)
    String location;

    /** The directory {@code --log} names; null for a log a provider serves. */
    Path log;

    @Option(names = "--expect-head", paramLabel = "SEQ:HASH",
            description = "A head printed by an earlier verify: the chain must still pass through it.")
    String expectHead;

    @Override
    protected int execute() {
        if (!LogOptions.isDirectory(location)) return verifyProvided();
        log = LogOptions.directory(location);
        List<Path> segments = LogOptions.requireLog(log);
        long bytes = LogOptions.bytes(segments);
        LogVerifier.Result r = LogVerifier.verify(log);
        String problem = r.problem();
        long problemSeq = r.problemSeq();
        Path problemSegment = r.problemSegment();
        long problemOffset = r.problemOffset();
        if (!r.ok() && problem != null && problem.startsWith("log ends inside a record")) {
            // the verifier names the segment of a torn tail but not where in it: the end of the last good record
            long[] end = endOfLastRecord(problemSegment);
            if (end != null) problemOffset = end[0];
        }
        if (r.ok() && expectHead != null) {
            String anchorProblem = checkAnchor();
            if (anchorProblem != null) {
                problem = anchorProblem;
                problemSeq = anchorSeq;
                problemSegment = anchorSegment;
                problemOffset = anchorOffset;
            }
        }
        boolean ok = problem == null;
        String head = r.lastSeq() + ":" + r.headHash();
        if (json) {
            Map<String, Object> doc = Json.map("ok", ok, "log", LogOptions.describe(location), "records", r.records(),
                    "segments", r.segments(), "bytes", bytes, "firstSeq", r.records() > 0 ? 1 : 0, "lastSeq", r.lastSeq(),
                    "head", r.headHash() == null ? null : head, "cleanlyClosed", r.cleanlyClosed());
            if (!ok) {
                doc.put("problem", problem);
                doc.put("problemSeq", problemSeq);
                doc.put("problemSegment", problemSegment == null ? null : problemSegment.getFileName().toString());
                doc.put("problemOffset", problemOffset);
            }
            Json.print(out(), doc);
        } else if (ok) {
            out().printf(Locale.ROOT, "ok: %s records, sequences 1–%d, %d segment%s (%s); hash chain intact; head %s%s%n",
                    Numbers.count(r.records()), r.lastSeq(), r.segments(), r.segments() == 1 ? "" : "s", Numbers.bytes(bytes), head,
                    r.cleanlyClosed() ? "; cleanly closed" : "; not closed (a writer is running, or one stopped without closing)");
        } else {
            out().printf(Locale.ROOT, "FAILED at sequence %d, segment %s, offset %d: %s%n", problemSeq,
                    problemSegment == null ? "?" : problemSegment.getFileName(), problemOffset, problem);
            out().printf(Locale.ROOT, "%s records before it are intact%s%n", Numbers.count(Math.max(0, problemSeq - 1)),
                    problemSeq > 1 ? " (sequences 1–" + (problemSeq - 1) + ")" : "");
        }
        return ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    /**
     * A log a provider serves (a Kafka topic, FORMAT.md §11): every stream's records and chain, and the topic's own
     * chain, whose head {@code POSITION:HASH} plays the directory head's part for {@code --expect-head}.
     */
    private int verifyProvided() {
        io.waly.log.LogSource source = LogOptions.source(location);
        io.waly.log.LogSource.Verification r;
        try {
            r = source.verify(expectHead);
        } catch (IllegalArgumentException e) {
            throw io.waly.cli.CliException.usage(e.getMessage());
        }
        if (json) {
            Map<String, Object> doc = Json.map("ok", r.ok(), "log", LogOptions.describe(location), "records", r.records(),
                    "firstSeq", r.records() > 0 ? 1 : 0, "lastSeq", r.lastSeq(), "head", r.head());
            doc.putAll(r.details());
            if (!r.ok()) {
                doc.put("problem", r.problem());
                doc.put("problemSeq", r.problemSeq());
            }
            Json.print(out(), doc);
        } else if (r.ok()) {
            Object streams = r.details().get("streams");
            Object closed = r.details().get("closedStreams");
            out().printf(Locale.ROOT, "ok: %s records, positions 1–%d, %s stream%s (%s closed); every stream's hash chain intact; head %s%n",
                    Numbers.count(r.records()), r.lastSeq(), streams, Integer.valueOf(1).equals(streams) ? "" : "s", closed, r.head());
        } else {
            out().printf(Locale.ROOT, "FAILED at position %d: %s%n", r.problemSeq(), r.problem());
            out().printf(Locale.ROOT, "%s records before it are intact%s%n", Numbers.count(Math.max(0, r.problemSeq() - 1)),
                    r.problemSeq() > 1 ? " (positions 1–" + (r.problemSeq() - 1) + ")" : "");
        }
        return r.ok() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    private long anchorSeq;
    private Path anchorSegment;
    private long anchorOffset;

    /** Checks {@code --expect-head SEQ:HASH}; returns the problem, or null when the chain passes through it. */
    private String checkAnchor() {
        int colon = expectHead.indexOf(':');
        long seq;
        byte[] hash;
        try {
            seq = Long.parseLong(expectHead.substring(0, colon).trim());
            hash = HexFormat.of().parseHex(expectHead.substring(colon + 1).trim());
        } catch (RuntimeException e) {
            throw io.waly.cli.CliException.usage("--expect-head must be SEQ:HASH as verify printed it, but was: " + expectHead);
        }
        try (LogReader reader = LogReader.open(log)) {
            LogRecord last = null;
            LogRecord rec;
            while ((rec = reader.next()) != null) {
                last = rec;
                if (rec.seq() == seq) {
                    if (java.util.Arrays.equals(rec.hash(), hash)) return null;
                    anchorSeq = seq;
                    anchorSegment = rec.segment();
                    anchorOffset = rec.offset();
                    return "the hash chain at sequence " + seq + " is " + HexFormat.of().formatHex(rec.hash())
                            + ", not the expected head: the log was rewritten at or before this record";
                }
            }
            anchorSeq = last == null ? 1 : last.seq() + 1;
            // where the next record should have been: after the last one, or at the start of a later, empty segment
            List<Path> segs = LogOptions.requireLog(log);
            Path lastSegment = segs.get(segs.size() - 1);
            if (last == null || !lastSegment.getFileName().equals(last.segment().getFileName())) {
                anchorSegment = lastSegment;
                anchorOffset = LogFormat.SEGMENT_HEADER_LENGTH;
            } else {
                anchorSegment = last.segment();
                anchorOffset = last.offset() + last.size();
            }
            return "the log ends at sequence " + (last == null ? 0 : last.seq()) + " but the expected head is at " + seq
                    + ": records were cut off the end";
        } catch (LogCorruptException e) {
            return e.getMessage();
        }
    }

    /** {offset} just past the last valid record of {@code segment}, or null when it cannot be read. */
    private long[] endOfLastRecord(Path segment) {
        try (LogReader reader = LogReader.open(log)) {
            long end = LogFormat.SEGMENT_HEADER_LENGTH;
            LogRecord rec;
            while ((rec = reader.next()) != null) {
                if (segment == null || rec.segment().equals(segment)) end = rec.offset() + rec.size();
            }
            return new long[] {end};
        } catch (RuntimeException e) {
            return null;
        }
    }
}
