package io.waly.log.replay;

/**
 * Where a replay stands in a log: every transaction whose COMMIT is at or before {@code commitSeq} is in the target,
 * and reading again from {@code restartSeq} (the first record of any transaction still unfinished there) misses
 * nothing that commits later.
 */
public record ReplayPosition(long commitSeq, long restartSeq) {
    public ReplayPosition {
        if (commitSeq < 0 || restartSeq < 1) {
            throw new IllegalArgumentException("a replay position needs commitSeq >= 0 and restartSeq >= 1, not " + commitSeq + "/" + restartSeq);
        }
    }

    /** Nothing applied yet: read from the first record. */
    public static final ReplayPosition START = new ReplayPosition(0, 1);
}
