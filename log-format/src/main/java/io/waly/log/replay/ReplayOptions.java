package io.waly.log.replay;

import io.waly.log.tx.InDoubtResolver;
import java.time.Instant;
import java.util.Objects;

/**
 * What a replay is asked to do, whatever its target: where to start and stop, whether to follow, and how to decide a
 * transaction the log leaves in doubt. Build with {@link #builder()}.
 */
public final class ReplayOptions {

    /** What to do with a transaction in doubt that neither the log nor the source database decides. */
    public enum InDoubtPolicy { FAIL, COMMIT, ROLLBACK }

    final long fromSeq;
    final long toSeq;
    final Instant toTime;
    final boolean follow;
    final boolean force;
    final InDoubtPolicy inDoubt;
    final InDoubtResolver source;
    final ReplayListener listener;
    final Route route;

    private ReplayOptions(Builder b) {
        this.fromSeq = b.fromSeq;
        this.toSeq = b.toSeq;
        this.toTime = b.toTime;
        this.follow = b.follow;
        this.force = b.force;
        this.inDoubt = b.inDoubt;
        this.source = b.source;
        this.listener = b.listener;
        this.route = b.route;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private long fromSeq;
        private long toSeq;
        private Instant toTime;
        private boolean follow;
        private boolean force;
        private InDoubtPolicy inDoubt = InDoubtPolicy.FAIL;
        private InDoubtResolver source = InDoubtResolver.NONE;
        private ReplayListener listener = ReplayListener.NONE;
        private Route route = Route.ALL;

        /**
         * The target already holds every transaction committed before {@code seq} (it was restored from a snapshot taken
         * at {@code seq - 1}): on a target without a cursor, start after it; on a target whose cursor is before it,
         * refuse (the transactions in between would be skipped); at or past it, resume from the cursor.
         */
        public Builder fromSeq(long seq) {
            if (seq < 0) throw new IllegalArgumentException("sequence numbers start at 1, not " + seq);
            this.fromSeq = seq;
            return this;
        }

        /** Stop after the last transaction whose COMMIT is at or before sequence {@code seq}. */
        public Builder toSeq(long seq) {
            if (seq < 0) throw new IllegalArgumentException("sequence numbers start at 1, not " + seq);
            this.toSeq = seq;
            return this;
        }

        /** Stop after the last transaction committed at or before this time. */
        public Builder toTime(Instant time) {
            this.toTime = time;
            return this;
        }

        /** Keep reading a live log and apply each transaction as it commits, until stopped (or a limit). */
        public Builder follow(boolean follow) {
            this.follow = follow;
            return this;
        }

        /** Replay into a target that holds data but no cursor for this log. */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        public Builder inDoubt(InDoubtPolicy policy) {
            this.inDoubt = Objects.requireNonNull(policy);
            return this;
        }

        /** Asked about transactions in doubt before the policy: the source database ({@code txid_status}). */
        public Builder inDoubtSource(InDoubtResolver source) {
            this.source = Objects.requireNonNull(source);
            return this;
        }

        public Builder listener(ReplayListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** The part of the log the target takes ({@link Route}); everything by default. */
        public Builder route(Route route) {
            this.route = Objects.requireNonNull(route);
            return this;
        }

        public ReplayOptions build() {
            if (toSeq > 0 && toTime != null) throw new IllegalArgumentException("give a sequence or a time to stop at, not both");
            if (fromSeq > 1 && toSeq > 0 && toSeq < fromSeq) {
                throw new IllegalArgumentException("the last sequence " + toSeq + " is before the first " + fromSeq);
            }
            return new ReplayOptions(this);
        }
    }
}
