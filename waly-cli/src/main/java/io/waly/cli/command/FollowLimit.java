package io.waly.cli.command;

import io.waly.log.LogRecord;
import io.waly.log.read.LogReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --follow --to-seq N} ends when everything committed at or before N is applied, even if the log then stops
 * growing (the old application of a cut-over stopped writing at N). The replayer by itself only notices its limit when
 * a COMMIT after N appears; this watcher tails the log too and says when the log holds record N and every
 * transaction whose COMMIT is at or before N has its outcome. Replay is then done once its cursor reaches the last of
 * those that committed.
 */
final class FollowLimit implements AutoCloseable {
    private final long limit;
    private final LogReader reader;
    private final Map<Long, Long> awaitingOutcome = new HashMap<>();   // txId -> commit seq (<= limit)
    private long lastCommittedAtOrBefore;
    private long nextSeq = 1;

    FollowLimit(Path log, long limit) {
        this.limit = limit;
        this.reader = LogReader.open(log);
    }

    /**
     * Reads what was appended since the last call; returns the commit sequence replay must reach (0 when nothing
     * committed at or before N), or -1 while the log has not settled up to N.
     */
    long settledTarget() {
        LogRecord r;
        while (nextSeq <= limit || !awaitingOutcome.isEmpty()) {
            r = reader.next();
            if (r == null) break;
            nextSeq = r.seq() + 1;
            switch (r.kind()) {
                case COMMIT -> {
                    if (r.seq() <= limit) awaitingOutcome.put(r.txId(), r.seq());
                }
                case COMMITTED -> {
                    Long commit = awaitingOutcome.remove(r.txId());
                    if (commit != null) lastCommittedAtOrBefore = Math.max(lastCommittedAtOrBefore, commit);
                }
                case ROLLBACK -> awaitingOutcome.remove(r.txId());
                default -> { }
            }
        }
        return nextSeq > limit && awaitingOutcome.isEmpty() ? lastCommittedAtOrBefore : -1;
    }

    @Override
    public void close() {
        reader.close();
    }
}
