package io.waly.mongo;

import java.time.Duration;
import java.util.List;

/**
 * What a run of {@link MongoReplayer} did. {@code transactions}/{@code statements}: applied in this run;
 * {@code documents}: inserted, replaced, updated or deleted; {@code commitSeq}/{@code restartSeq}: the cursor after the
 * run (0 when nothing was ever applied); {@code transactional}: whether MongoDB multi-document transactions were used.
 */
public record ReplaySummary(long transactions, long statements, long documents, List<Untranslatable> skipped,
                            long commitSeq, long restartSeq, boolean transactional, boolean stopped, Duration elapsed) {

    @Override
    public String toString() {
        return transactions + " transactions, " + statements + " statements, " + documents + " documents written"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " statements skipped as untranslatable")
                + "; cursor at commit " + commitSeq + (transactional ? " (MongoDB transactions)" : " (idempotent, no MongoDB transactions)")
                + (stopped ? "; stopped" : "") + " in " + elapsed.toMillis() + " ms";
    }
}
