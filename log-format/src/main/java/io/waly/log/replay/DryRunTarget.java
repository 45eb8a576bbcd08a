package io.waly.log.replay;

import io.waly.log.tx.Transaction;

/**
 * A target that writes nothing: a dry run reads and decides everything (what is committed, in which order, what is in
 * doubt) and counts what a replay would apply. It has no cursor and holds no data; run it with
 * {@link ReplayOptions.Builder#force} so that a dry run from a start sequence needs no snapshot.
 */
public final class DryRunTarget implements ReplayTarget {

    @Override
    public State open(String logId) {
        return new State(null, false);
    }

    @Override
    public void start(ReplayPosition from) {
        // nothing to record
    }

    @Override
    public void apply(Transaction tx, ReplaySummary summary) {
        summary.statements += tx.statementCount();
    }

    @Override
    public boolean pending() {
        return false;
    }

    @Override
    public void flush() {
        // nothing written
    }

    @Override
    public void close() {
        // nothing held
    }
}
