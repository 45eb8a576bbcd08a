package io.waly.cli.command;

import io.waly.cli.support.Numbers;
import io.waly.cli.support.Times;
import io.waly.log.replay.ReplayListener;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.tx.Transaction;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress line of a replay, redrawn in place on stderr at most four times a second: position in the log,
 * transactions, rate and ETA (estimated from the sequence numbers still to read). Only when stderr is a terminal;
 * scripts and logs get the one-line summary alone.
 */
final class ReplayProgress implements ReplayListener {
    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final long endSeq;
    private final long limitSeq;
    private final boolean follow;
    private final long startNanos = System.nanoTime();
    private long firstSeq = -1;
    private long lastDraw;
    private boolean drawn;

    ReplayProgress(PrintWriter err, long endSeq, long limitSeq, boolean follow) {
        this.err = err;
        this.endSeq = endSeq;
        this.limitSeq = limitSeq;
        this.follow = follow;
    }

    static boolean wanted() {
        return System.console() != null;
    }

    @Override
    public void applied(Transaction tx, ReplaySummary s) {
        if (firstSeq < 0) firstSeq = s.lastCommitSeq;
        draw(s, false);
    }

    @Override
    public void waiting(ReplaySummary s) {
        draw(s, true);
    }

    private void draw(ReplaySummary s, boolean waiting) {
        long now = System.nanoTime();
        if (now - lastDraw < INTERVAL_NANOS) return;
        lastDraw = now;
        double secs = Math.max(1e-3, (now - startNanos) / 1e9);
        double txRate = s.transactions / secs;
        long end = limitSeq > 0 ? Math.min(limitSeq, endSeq) : endSeq;
        StringBuilder b = new StringBuilder("\r\033[K");
        b.append(String.format(Locale.ROOT, "replay: seq %s", Numbers.count(s.lastCommitSeq)));
        if (!follow && end > 0) {
            b.append(String.format(Locale.ROOT, " / %s (%d%%)", Numbers.count(end), Math.min(100, s.lastCommitSeq * 100 / end)));
        }
        b.append(String.format(Locale.ROOT, "  %s tx  %s statements  %s tx/s", Numbers.count(s.transactions),
                Numbers.count(s.statements), Numbers.rate(txRate)));
        if (waiting) {
            b.append("  following, waiting for new commits…");
        } else if (!follow && end > 0 && firstSeq >= 0 && s.lastCommitSeq > firstSeq) {
            double seqRate = (s.lastCommitSeq - firstSeq) / secs;
            long left = Math.max(0, end - s.lastCommitSeq);
            if (seqRate > 0) b.append("  ETA ").append(Times.human(Duration.ofMillis((long) (left / seqRate * 1000))));
        }
        err.print(b);
        err.flush();
        drawn = true;
    }

    /** Clears the line before the summary is printed. */
    void finish() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
