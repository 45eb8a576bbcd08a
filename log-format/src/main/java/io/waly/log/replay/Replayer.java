package io.waly.log.replay;

import io.waly.log.read.DirectoryLog;
import io.waly.log.LogSource;
import io.waly.log.tx.InDoubtException;
import io.waly.log.tx.InDoubtResolver;
import io.waly.log.tx.Prefetcher;
import io.waly.log.tx.Transaction;
import io.waly.log.tx.TransactionReader;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one replay: reads a log's committed transactions in commit order and hands them to a {@link ReplayTarget},
 * whatever the target is. It owns what every replay shares — opening the log and its id, where to start (the
 * target's cursor, or {@code fromSeq}) and where to stop, follow mode, reading ahead, stopping, the in-doubt rule
 * (the log's own decision, then the source database, then the operator's policy; never a guess), the listener and the
 * summary — so that a target only applies transactions and keeps its cursor.
 *
 * <pre>{@code
 * ReplaySummary s = new Replayer(new DirectoryLog(dir), ReplayOptions.builder().toSeq(1200).build())
 *         .run(new PostgresTarget("jdbc:postgresql://127.0.0.1/restore?user=postgres", new Properties()));
 * }</pre>
 *
 * <p>{@link #stop()} may be called from any thread: the run ends after the transaction being applied, with everything
 * applied flushed. Interrupting the running thread does the same.
 */
public final class Replayer {

    /** While transactions wait to be flushed, a follower looks for more this briefly before flushing them. */
    private static final long FOLLOW_PENDING_MILLIS = 20;
    private static final long FOLLOW_IDLE_MILLIS = 500;

    private final LogSource log;
    private final ReplayOptions options;
    private final AtomicBoolean stop = new AtomicBoolean();

    public Replayer(LogSource log, ReplayOptions options) {
        this.log = log;
        this.options = options;
    }

    /** The whole log in the directory {@code dir} into {@code target}, with default options. */
    public static ReplaySummary replay(java.nio.file.Path dir, ReplayTarget target) throws ReplayException {
        return new Replayer(new DirectoryLog(dir), ReplayOptions.builder().build()).run(target);
    }

    /** The log in the directory {@code dir} into {@code target}, as {@code options} say. */
    public static ReplaySummary replay(java.nio.file.Path dir, ReplayOptions options, ReplayTarget target) throws ReplayException {
        return new Replayer(new DirectoryLog(dir), options).run(target);
    }

    /** Ends a running replay (follow mode included) after the transaction being applied. */
    public void stop() {
        stop.set(true);
    }

    public ReplaySummary run(ReplayTarget target) throws ReplayException {
        ReplaySummary summary = new ReplaySummary();
        try (target) {
            String logId = log.logIdHex();
            if (logId == null) return summary;   // an empty log: nothing to apply
            ReplayTarget.State state = target.open(logId);
            ReplayPosition from = startingPoint(state, summary);
            summary.resumed = state.cursor() != null;
            summary.lastCommitSeq = from.commitSeq();
            if (options.route != Route.ALL) summary.notes.add("route: this target takes " + options.route);
            target.start(from);
            boolean finished = read(target, from, summary);
            if (finished) target.finish(summary);
            else target.flush();
            return summary;
        }
    }

    /** The target's cursor, or the start: {@code fromSeq} (a snapshot restored up to it) or the log's beginning. */
    private ReplayPosition startingPoint(ReplayTarget.State state, ReplaySummary summary) throws ReplayException {
        ReplayPosition cursor = state.cursor();
        long from = options.fromSeq;
        if (cursor != null) {
            if (from > 1 && cursor.commitSeq() < from - 1) {
                throw new ReplayException(ReplayException.Kind.REFUSED, "the target's cursor for this log is at sequence "
                        + cursor.commitSeq() + ": starting at " + from + " would skip the transactions committed at "
                        + (cursor.commitSeq() + 1) + "…" + (from - 1) + "; run without --from-seq to resume from the cursor", 0, null);
            }
            if (from > 1) summary.notes.add("the target's cursor is at sequence " + cursor.commitSeq() + ", at or past --from-seq "
                    + from + " - 1: resumed from the cursor");
            return cursor;
        }
        if (from > 1) {
            if (!state.holdsData() && !options.force) {
                throw new ReplayException(ReplayException.Kind.REFUSED, "starting at sequence " + from + " means the target "
                        + "already holds every transaction committed before it (a snapshot restored up to " + (from - 1)
                        + "), but it holds no data: restore the snapshot first, or use --force", 0, null);
            }
            summary.notes.add("started after sequence " + (from - 1) + ": transactions committed before " + from
                    + " are taken as already in the target");
            // read from the beginning and skip what committed before: a transaction begun before it is applied whole
            return new ReplayPosition(from - 1, 1);
        }
        if (state.holdsData() && !options.force) {
            throw new ReplayException(ReplayException.Kind.REFUSED, "the target is not empty and has no WAL-y cursor for this "
                    + "log: replaying into it could mix histories; use an empty database, or --force", 0, null);
        }
        return ReplayPosition.START;
    }

    /** Applies transactions until the end of the log or a limit (true), or a stop (false). */
    private boolean read(ReplayTarget target, ReplayPosition from, ReplaySummary summary) throws ReplayException {
        ReplayListener listener = options.listener;
        try (TransactionReader txs = TransactionReader.open(log, from.restartSeq(), from.commitSeq(), resolver())) {
            if (options.toSeq > 0) txs.toSeq(options.toSeq);
            if (options.toTime != null) txs.toMicros(options.toTime.getEpochSecond() * 1_000_000L + options.toTime.getNano() / 1000);
            Prefetcher prefetch = options.follow ? null : new Prefetcher(txs);
            try {
                while (true) {
                    if (stop.get() || Thread.currentThread().isInterrupted()) {
                        summary.stopped = true;
                        return false;
                    }
                    Transaction tx;
                    try {
                        if (options.follow) {
                            tx = txs.next(target.pending() ? FOLLOW_PENDING_MILLIS : FOLLOW_IDLE_MILLIS);
                            if (tx == null) {
                                target.flush();   // the log paused: what was applied becomes visible in the target
                                if (txs.reachedLimit()) return true;
                                listener.waiting(summary);
                                continue;
                            }
                        } else {
                            tx = prefetch.next();
                            if (tx == null) return true;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        summary.stopped = true;
                        return false;
                    }
                    if (options.route != Route.ALL) tx = routed(tx, summary);
                    target.apply(tx, summary);
                    summary.lastCommitSeq = tx.commitSeq();
                    if (tx.sequencesOnly()) continue;   // a rolled-back transaction's sequence states: no transaction of its own
                    summary.transactions++;
                    listener.applied(tx, summary);
                }
            } finally {
                if (prefetch != null) prefetch.close();
                summary.records = txs.counts().records;
                summary.rolledBack = txs.counts().rolledBack;
                summary.inDoubtResolved = txs.counts().recovered;
                summary.notes.addAll(txs.counts().leftOutOfTheLog);
            }
        } catch (InDoubtException e) {
            throw new ReplayException(ReplayException.Kind.IN_DOUBT, e.getMessage(), e.commitSeq(), e);
        }
    }

    /** The transaction with only the statements the route takes; the others are counted as routed out. */
    private Transaction routed(Transaction tx, ReplaySummary summary) {
        java.util.List<Transaction.Step> steps = new java.util.ArrayList<>(tx.steps().size());
        for (Transaction.Step step : tx.steps()) {
            if (step instanceof Transaction.StatementStep st && !options.route.takes(st.statement())) summary.routedOut++;
            else steps.add(step);
        }
        if (steps.size() == tx.steps().size()) return tx;
        return tx.withSteps(steps);
    }

    /** The in-doubt rule after the log's own records: the source database, then the operator's policy. */
    private InDoubtResolver resolver() {
        return (txId, dbTxid, connection) -> {
            InDoubtResolver.Decision d = options.source.resolve(txId, dbTxid, connection);
            if (d != InDoubtResolver.Decision.UNKNOWN) return d;
            return switch (options.inDoubt) {
                case COMMIT -> InDoubtResolver.Decision.COMMITTED;
                case ROLLBACK -> InDoubtResolver.Decision.ROLLED_BACK;
                case FAIL -> InDoubtResolver.Decision.UNKNOWN;
            };
        };
    }
}
