package io.waly.log.testing;

import io.waly.command.Command;
import io.waly.command.Value;
import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Cbor;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.log.read.LogVerifier;
import io.waly.log.write.KeptOpen;
import io.waly.log.write.LogWriter;
import io.waly.log.write.SharedLogs;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Child process for the silence test: everything a host application would do with the log, in a fresh JVM with no
 * flags. It must print nothing; it signals failure by its exit code only.
 */
public final class SilentMain {
    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("waly-silent");
        int records = 0;
        for (Durability d : Durability.values()) {
            Path dir = root.resolve(d.name());
            try (KeptOpen.Handle<LogWriter> h = SharedLogs.acquire(LogConfig.at(dir).withDurability(d).withFlushMillis(5)
                    .withSegmentBytes(4096))) {
                LogWriter w = h.writer();
                long begin = w.append(RecordKind.BEGIN, LogWriter.OWN_SEQ, new Payloads.Begin(1, 5, false, null, false).encode());
                for (int i = 0; i < 50; i++) {
                    w.append(RecordKind.STATEMENT, begin, new Payloads.Statement("INSERT INTO t VALUES (?)",
                            List.of(Value.int4(i)), new int[] {4}, new Command.Sql("INSERT"), false, -1, null, 1).encode());
                }
                w.sync(w.append(RecordKind.COMMIT, begin, new Payloads.Commit(5).encode()));
                Thread.sleep(20);  // let the async flusher run
            }
            try (LogReader r = LogReader.open(dir)) {
                LogRecord rec;
                while ((rec = r.next()) != null) {
                    Cbor.toJson(rec.payload(), new StringWriter(), true);
                    records++;
                }
                if (r.next(20) != null) System.exit(4);
            }
            if (!LogVerifier.verify(dir).ok()) System.exit(3);
        }
        if (records != 3 * 52) System.exit(2);
        boolean flusher = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("waly-"));
        System.exit(flusher ? 5 : 0);
    }
}
