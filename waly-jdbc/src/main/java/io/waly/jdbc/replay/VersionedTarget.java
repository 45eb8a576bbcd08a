package io.waly.jdbc.replay;

import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayPosition;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.ReplayTarget;
import io.waly.log.tx.Transaction;
import io.waly.model.Versions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Replay into a schema version for a target that is not PostgreSQL (MongoDB): the transactions are shifted as
 * {@link PostgresTarget#intoVersion} shifts them ({@link VersionShift}), with the mappings evaluated by a PostgreSQL
 * connection of their own (nothing is written there), and handed to the target. A migration left out reaches the
 * target without its statements, so that its cursor moves past it.
 */
public final class VersionedTarget implements ReplayTarget {
    private final ReplayTarget target;
    private final VersionShift shift;
    private final Connection eval;
    private final AutoCloseable resources;
    private io.waly.jdbc.commands.BodiesInVersion commandBodies;   // null: commands' statements mapped as any

    /**
     * @param eval      a PostgreSQL connection the mappings run on
     * @param resources closed with the target after it (the evaluating connection, its server); may be null
     * @throws IllegalArgumentException when the model has no such version
     */
    public VersionedTarget(ReplayTarget target, Versions versions, String version, Connection eval, AutoCloseable resources) {
        this.target = target;
        this.shift = new VersionShift(versions, versions.version(version));
        this.eval = eval;
        this.resources = resources;
    }

    /** As {@link PostgresTarget#commandBodies}: commands whose body differs at the target's version run that body. */
    public VersionedTarget commandBodies(io.waly.model.Commands commands) {
        this.commandBodies = commands.hasBodiesPerVersion() ? new io.waly.jdbc.commands.BodiesInVersion(commands) : null;
        return this;
    }

    @Override
    public State open(String logId) throws ReplayException {
        State s = target.open(logId);
        try {
            eval.setAutoCommit(false);
            shift.check(eval);
            eval.commit();
            eval.setAutoCommit(true);
        } catch (SQLException e) {
            throw new ReplayException(ReplayException.Kind.TARGET_FAILED, "the database evaluating the model's mappings failed: "
                    + e.getMessage(), 0, e);
        }
        return s;
    }

    @Override
    public void start(ReplayPosition from) throws ReplayException {
        target.start(from);
    }

    @Override
    public void apply(Transaction tx, ReplaySummary summary) throws ReplayException {
        Transaction shifted;
        try {
            io.waly.jdbc.commands.BodiesInVersion.Split split = commandBodies == null ? null
                    : commandBodies.split(tx, shift.writtenUnder(tx), shift.current());
            shifted = shift.shift(split == null ? tx : split.rest(), eval, null);
            if (shifted != null && split != null) shifted = commandBodies.merge(split, tx, shifted);
        } catch (SQLException e) {
            throw new ReplayException(ReplayException.Kind.TARGET_FAILED, "the database evaluating the model's mappings failed on "
                    + "transaction " + tx.txId() + ": " + e.getMessage(), 0, e);
        }
        target.apply(shifted != null ? shifted : tx.withSteps(List.of()), summary);
    }

    @Override
    public boolean pending() {
        return target.pending();
    }

    @Override
    public void flush() throws ReplayException {
        target.flush();
    }

    @Override
    public void finish(ReplaySummary summary) throws ReplayException {
        target.finish(summary);
        summary.notes.addAll(shift.notes());
        if (commandBodies != null && commandBodies.note() != null) summary.notes.add(commandBodies.note());
    }

    @Override
    public void close() {
        try {
            target.close();
        } finally {
            if (resources != null) {
                try {
                    resources.close();
                } catch (Exception ignored) {
                    // the replay's outcome stands; the evaluating database holds nothing
                }
            }
        }
    }
}
