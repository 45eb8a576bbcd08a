package io.waly.log.tx;

import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A committed transaction as replay applies it: its steps in log order, where it committed, and the session of the
 * connection it ran on. {@code restartSeq} is where a consumer that has applied this transaction must start reading
 * again to miss nothing (the first record of any transaction still unfinished at this point). {@code sequenceStates}
 * are where the sequences it may have drawn from stood at its end, when its rows do not tell (FORMAT.md, End);
 * a transaction that rolled back is handed on with no steps for its sequence states alone ({@link #sequencesOnly}),
 * because sequences are not transactional. {@code appVersion} and {@code dbVersion} are the versions its BEGIN says it
 * was written under (FORMAT.md, Begin), null when the log does not say.
 */
public record Transaction(long txId, long commitSeq, Instant commitTime, int connection, long dbTxid, boolean autocommit,
                          List<Step> steps, Map<String, String> session, boolean recovered, long restartSeq,
                          List<Payloads.Effect> sequenceStates, String appVersion, String dbVersion, String migration) {

    /**
     * {@code migration}: the migration version WAL-y's own marker ({@code CALL waly.schema_version('2')}) says the
     * transaction brought the database to (FORMAT.md, Commit), null when it said none.
     */
    public Transaction(long txId, long commitSeq, Instant commitTime, int connection, long dbTxid, boolean autocommit,
                       List<Step> steps, Map<String, String> session, boolean recovered, long restartSeq,
                       List<Payloads.Effect> sequenceStates, String appVersion, String dbVersion) {
        this(txId, commitSeq, commitTime, connection, dbTxid, autocommit, steps, session, recovered, restartSeq,
                sequenceStates, appVersion, dbVersion, null);
    }

    /** A transaction whose BEGIN names no versions (a log written before versions were recorded). */
    public Transaction(long txId, long commitSeq, Instant commitTime, int connection, long dbTxid, boolean autocommit,
                       List<Step> steps, Map<String, String> session, boolean recovered, long restartSeq,
                       List<Payloads.Effect> sequenceStates) {
        this(txId, commitSeq, commitTime, connection, dbTxid, autocommit, steps, session, recovered, restartSeq,
                sequenceStates, null, null);
    }

    /** The same transaction with other steps (a route took some, a version transform rewrote some). */
    public Transaction withSteps(List<Step> other) {
        return new Transaction(txId, commitSeq, commitTime, connection, dbTxid, autocommit, other, session, recovered,
                restartSeq, sequenceStates, appVersion, dbVersion, migration);
    }

    /** A rolled-back transaction, handed on only for where it left its sequences. */
    public boolean sequencesOnly() {
        return steps.isEmpty() && !sequenceStates.isEmpty();
    }

    /** One thing the transaction did, in log order. */
    public sealed interface Step permits StatementStep, SavepointStep {}

    /**
     * A statement with its outcome ({@code null} if the log has none: the process died while it ran), and the
     * application command it is part of ({@code null}: none; FORMAT.md §3.5 AppCommand), which a target names when it
     * cannot apply the statement. {@code mapped}: the application's statement when the driver mapped it to the
     * database's schema version before sending ({@code statement} is what was sent; FORMAT.md §3.5 Mapped), else null.
     */
    public record StatementStep(long seq, Payloads.Statement statement, Payloads.Outcome outcome, Payloads.AppCommand command,
                                Payloads.Mapped mapped) implements Step {
        public StatementStep(long seq, Payloads.Statement statement, Payloads.Outcome outcome) {
            this(seq, statement, outcome, null, null);
        }

        public StatementStep(long seq, Payloads.Statement statement, Payloads.Outcome outcome, Payloads.AppCommand command) {
            this(seq, statement, outcome, command, null);
        }

        /** The same statement with another outcome (what the database answered; a version transform's images). */
        public StatementStep withOutcome(Payloads.Outcome other) {
            return new StatementStep(seq, statement, other, command, mapped);
        }

        public boolean succeeded() {
            return outcome != null && outcome.ok();
        }

        /**
         * An UPDATE or DELETE that changed no row on the source: its update counts are all 0. Run later it could find
         * a row another transaction inserted after its snapshot (and committed before it), so replays do not run it.
         */
        public boolean changedNoRow() {
            io.waly.command.Command c = statement.command();
            if (!(c instanceof io.waly.command.Command.Update || c instanceof io.waly.command.Command.Delete)) return false;
            if (outcome == null || outcome.counts() == null || outcome.counts().length == 0) return false;
            for (long n : outcome.counts()) if (n != 0) return false;
            return true;
        }
    }

    /** SAVEPOINT, RELEASE or ROLLBACK_TO with the savepoint's name. */
    public record SavepointStep(long seq, RecordKind kind, String name) implements Step {}

    public int statementCount() {
        int n = 0;
        for (Step s : steps) if (s instanceof StatementStep) n++;
        return n;
    }
}
