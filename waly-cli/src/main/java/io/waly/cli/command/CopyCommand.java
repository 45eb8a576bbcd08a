package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.log.kafka.KafkaLocation;
import io.waly.log.kafka.TopicCopy;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "copy", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Copies a log from a directory into a Kafka topic, or from a topic into a directory.",
        description = {
            "Directory → topic: the directory becomes the topic's first stream, byte for byte (the same sequence numbers, "
                + "transaction ids, times and hash chain; positions equal to the directory's sequence numbers). The topic must "
                + "be empty, or hold only an earlier copy of the same directory, which is then continued: copy while the "
                + "application runs, stop it, copy again (only the rest is sent), start it with walyLog=kafka://….",
            "",
            "Topic → directory: the records in the topic's order become one directory log with a chain of its own, "
                + "transaction ids, statement references and connection numbers renumbered for one stream, times kept. "
                + "The directory must hold no log.",
            "",
            "Every record is checked as it is read. Examples:",
            "  waly copy --from /var/lib/shop/waly --to 'kafka://k1:9092,k2:9092/shop'",
            "  waly copy --from 'kafka://k1:9092/shop' --to /var/backups/shop-log"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:copied",
            "1:the source log is damaged where it was read",
            "2:usage or environment error (no log, a destination that holds something else, Kafka unreachable)"})
public final class CopyCommand extends WalyCommand {

    @Option(names = "--from", required = true, paramLabel = LogOptions.LABEL, description = "The log to copy.")
    String from;

    @Option(names = "--to", required = true, paramLabel = LogOptions.LABEL, description = "Where to: a topic for a directory, a new directory for a topic.")
    String to;

    @Override
    protected int execute() {
        boolean fromDir = LogOptions.isDirectory(from);
        boolean toDir = LogOptions.isDirectory(to);
        if (fromDir == toDir) {
            throw CliException.usage("copy goes from a directory to a kafka:// topic or back (to copy a directory, copy its files)");
        }
        TopicCopy.Result r;
        try {
            if (fromDir) {
                r = TopicCopy.intoTopic(LogOptions.directory(from), KafkaLocation.parse(to));
            } else {
                r = TopicCopy.intoDirectory(KafkaLocation.parse(from), LogOptions.directory(to));
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (json) {
            Json.print(out(), Json.map("ok", true, "from", LogOptions.describe(from), "to", LogOptions.describe(to),
                    "records", r.records(), "skipped", r.skipped(), "lastSeq", r.lastSeq(), "head", r.head()));
        } else if (fromDir) {
            out().printf(Locale.ROOT, "copied %s records into %s (%s there already), up to sequence %d; the stream's head is the "
                    + "directory's: %d:%s%n", Numbers.count(r.records()), LogOptions.describe(to), Numbers.count(r.skipped()),
                    r.lastSeq(), r.lastSeq(), r.head());
        } else {
            out().printf(Locale.ROOT, "copied %s records into %s, sequences 1–%d (%s OPENED/CLOSED records of the topic's "
                    + "streams replaced by one OPENED)%n", Numbers.count(r.records()), LogOptions.describe(to), r.lastSeq() ,
                    Numbers.count(r.skipped()));
        }
        return ExitCode.OK;
    }
}
