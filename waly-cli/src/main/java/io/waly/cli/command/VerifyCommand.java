package io.waly.cli.command;

import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.cli.CliException;
import io.waly.log.LogSource;
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

    @Option(names = "--expect-head", paramLabel = "SEQ:HASH",
            description = "A head printed by an earlier verify: the chain must still pass through it.")
    String expectHead;

    /**
     * One check for every kind of log ({@link LogSource#verify}); what is printed besides the common fields comes from
     * the log's own details: a directory's segments, bytes and the file and offset of a problem; a topic's streams
     * (FORMAT.md §11), whose head {@code POSITION:HASH} plays the directory head's part for {@code --expect-head}.
     */
    @Override
    protected int execute() {
        LogSource source = LogOptions.source(location);
        LogSource.Verification r;
        try {
            r = source.verify(expectHead);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        Map<String, Object> details = r.details();
        boolean directory = details.containsKey("segments");
        if (json) {
            Map<String, Object> doc = Json.map("ok", r.ok(), "log", LogOptions.describe(location), "records", r.records(),
                    "firstSeq", r.records() > 0 ? 1 : 0, "lastSeq", r.lastSeq(), "head", r.head());
            doc.putAll(details);
            if (!r.ok()) {
                doc.put("problem", r.problem());
                doc.put("problemSeq", r.problemSeq());
            }
            Json.print(out(), doc);
        } else if (r.ok() && directory) {
            int segments = (Integer) details.get("segments");
            out().printf(Locale.ROOT, "ok: %s records, sequences 1–%d, %d segment%s (%s); hash chain intact; head %s%s%n",
                    Numbers.count(r.records()), r.lastSeq(), segments, segments == 1 ? "" : "s",
                    Numbers.bytes((Long) details.get("bytes")), r.head() == null ? r.lastSeq() + ":null" : r.head(),
                    Boolean.TRUE.equals(details.get("cleanlyClosed")) ? "; cleanly closed"
                            : "; not closed (a writer is running, or one stopped without closing)");
        } else if (r.ok()) {
            Object streams = details.get("streams");
            out().printf(Locale.ROOT, "ok: %s records, positions 1–%d, %s stream%s (%s closed); every stream's hash chain intact; head %s%n",
                    Numbers.count(r.records()), r.lastSeq(), streams, Integer.valueOf(1).equals(streams) ? "" : "s",
                    details.get("closedStreams"), r.head());
        } else {
            String unit = directory ? "sequence" : "position";
            String where = directory ? String.format(Locale.ROOT, ", segment %s, offset %d",
                    details.get("problemSegment") == null ? "?" : details.get("problemSegment"), (Long) details.get("problemOffset")) : "";
            out().printf(Locale.ROOT, "FAILED at %s %d%s: %s%n", unit, r.problemSeq(), where, r.problem());
            out().printf(Locale.ROOT, "%s records before it are intact%s%n", Numbers.count(Math.max(0, r.problemSeq() - 1)),
                    r.problemSeq() > 1 ? " (" + unit + "s 1–" + (r.problemSeq() - 1) + ")" : "");
        }
        return r.ok() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
