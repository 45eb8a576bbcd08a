package io.waly.log.tx;

import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.LogSource;
import io.waly.log.RecordReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the record stream into committed transactions, in the order of their COMMIT records — which for conflicting
 * transactions is the database's own commit order, because a COMMIT record is appended before COMMIT is sent and a
 * conflicting transaction cannot reach its own COMMIT before the first one's commit released its locks.
 *
 * <p>Transactions are buffered until their outcome is known; the head of the commit queue is released (applied or
 * dropped) as soon as its outcome is read, so that a transaction waiting on its outcome holds back only the ones
 * that committed after it. Rolled-back transactions, and transactions that never reached COMMIT, are dropped. An
 * OPENED or CLOSED record ends its writer's stream: that writer's transactions without COMMIT are dropped. A directory
 * is one stream; a log that several writers append to at once (a Kafka topic, FORMAT.md §11) has one per writer, and
 * one writer's OPENED says nothing of another's open transactions.
 *
 * <p>Connection numbers are a writer's own, so in a log of several streams they are told apart by stream: a
 * {@link Transaction#connection()} is then a number this reader gives each (stream, connection) in the order it meets
 * them, the same for all of one source connection's transactions.
 */
public final class TransactionReader implements AutoCloseable {

    private final RecordReader reader;
    private final InDoubtResolver resolver;
    private final Map<Long, Pending> open = new HashMap<>();
    private final ArrayDeque<Pending> commitQueue = new ArrayDeque<>();
    private final Map<Integer, Map<String, String>> sessions = new HashMap<>();
    /** (stream, connection) → the connection number transactions carry, for streams other than 0. */
    private final Map<StreamConnection, Integer> connections = new HashMap<>();
    private record StreamConnection(long stream, int connection) {}
    private final TreeMap<Long, Integer> unfinishedBegins = new TreeMap<>();  // begin seq -> count
    private long skipThroughCommitSeq;
    private long toSeq = Long.MAX_VALUE;
    private long toMicros = Long.MAX_VALUE;
    private boolean reachedLimit;
    private boolean follow;
    private final Counts counts = new Counts();
    private final Payloads.Statement.Decoder decoder = new Payloads.Statement.Decoder();

    /** What was seen so far; for stats and summaries. */
    public static final class Counts {
        public long records, committed, rolledBack, neverCommitted, recovered, statements;
        /**
         * What the log leaves out, from its writers' recording policies (POLICY records): "table sessions is not in this
         * log …", "column accounts.email is logged as hashes …"; each said once.
         */
        public final java.util.Set<String> leftOutOfTheLog = new java.util.LinkedHashSet<>();
    }

    private static final class Pending {
        final long txId;
        final long stream;
        final int connection;
        final Payloads.Begin begin;
        final List<Transaction.Step> steps = new ArrayList<>();
        final Map<Long, Integer> statementIndex = new HashMap<>();
        long commitSeq = -1;
        long commitMicros;
        long dbTxid;
        Boolean outcome;   // null until known
        boolean recovered;
        List<Payloads.Effect> sequenceStates = List.of();
        boolean sequencesOnly;
        /** The application command the next {@code commandLeft} statements are part of. */
        Payloads.AppCommand command;
        int commandLeft;
        /** The migration version WAL-y's marker set in the transaction (its COMMIT says), or null. */
        String migration;
        /** The application's statement that the next STATEMENT was mapped from (a MAPPED record), or null. */
        Payloads.Mapped mapped;

        Pending(long txId, long stream, int connection, Payloads.Begin begin) {
            this.txId = txId;
            this.stream = stream;
            this.connection = connection;
            this.begin = begin;
            this.dbTxid = begin.dbTxid();
        }
    }

    private TransactionReader(RecordReader reader, InDoubtResolver resolver) {
        this.reader = reader;
        this.resolver = resolver;
    }

    /**
     * Reads the committed transactions of a log.
     *
     * @param restartSeq          where to start reading (1, or a cursor's restart point)
     * @param skipThroughCommitSeq transactions whose COMMIT is at or before this were applied already (a cursor)
     */
    public static TransactionReader open(LogSource log, long restartSeq, long skipThroughCommitSeq, InDoubtResolver resolver) {
        TransactionReader t = new TransactionReader(log.open(), resolver);
        t.skipThroughCommitSeq = skipThroughCommitSeq;
        if (restartSeq > 1) t.loadSessionsBefore(log, restartSeq);
        t.reader.fromSeq(restartSeq);
        return t;
    }

    /** Stop after the last transaction whose COMMIT is at or before {@code seq}. */
    public TransactionReader toSeq(long seq) {
        this.toSeq = seq;
        return this;
    }

    /** Stop after the last transaction whose COMMIT was written at or before {@code micros} since the epoch. */
    public TransactionReader toMicros(long micros) {
        this.toMicros = micros;
        return this;
    }

    public Counts counts() {
        return counts;
    }

    /**
     * True when a --to-seq / --to-time limit was reached: nothing more will come. A sequence limit is reached as soon
     * as the log holds it and every transaction committed at or before it has its outcome, even if the log then stops
     * growing (the old application of a cut-over stopped writing there).
     */
    public boolean reachedLimit() {
        return (reachedLimit || reader.nextSeq() > toSeq) && commitQueue.isEmpty();
    }

    /** The next committed transaction, or null when the log holds no more (yet). In-doubt ones are resolved here. */
    public Transaction next() {
        follow = false;
        return nextInternal(0);
    }

    /** Follow mode: waits up to {@code timeoutMillis} for the next committed transaction. */
    public Transaction next(long timeoutMillis) throws InterruptedException {
        follow = true;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            Transaction t = nextInternal(Math.max(1, deadline - System.currentTimeMillis()));
            if (t != null || reachedLimit() || System.currentTimeMillis() >= deadline) return t;
        }
    }

    private Transaction nextInternal(long waitMillis) {
        while (true) {
            Transaction ready = releaseHead(false);
            if (ready != null) return ready;
            // past a --to limit, read on only for the outcomes of transactions committed before it
            if (reachedLimit()) return null;
            LogRecord r;
            if (follow) {
                try {
                    r = reader.next(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            } else {
                r = reader.next();
            }
            if (r == null) {
                return follow ? null : releaseHead(true);
            }
            accept(r);
        }
    }

    private void accept(LogRecord r) {
        counts.records++;
        switch (r.kind()) {
            case SESSION -> {
                Payloads.Session s = Payloads.Session.decode(r.payload());
                sessions.put(connection(r.stream(), s.connection()), Map.copyOf(s.settings()));
            }
            case POLICY -> {
                Payloads.Policy p = Payloads.Policy.decode(r.payload());
                if (!Payloads.Policy.RECORDING.equals(p.event())) return;
                for (String t : p.unlogged()) {
                    counts.leftOutOfTheLog.add("table " + t + " is not in this log (recording policy of model " + p.model()
                            + "): its rows' writes were not logged, so a replay has the table as its DDL made it, without them");
                }
                p.hashed().forEach((t, cols) -> {
                    for (String c : cols) {
                        counts.leftOutOfTheLog.add("column " + t + "." + c + " is logged as SHA-256 hashes (recording policy of "
                                + "model " + p.model() + "): a replay writes the hashes, not the values (NULL where the column's "
                                + "type holds no hash)");
                    }
                });
            }
            case OPENED, CLOSED -> {
                // the stream's writer came or went: what it left open without COMMIT can never commit
                open.values().removeIf(p -> {
                    if (p.stream == r.stream() && p.commitSeq < 0) {
                        counts.neverCommitted++;
                        unfinished(p.txId, -1);
                        return true;
                    }
                    return false;
                });
            }
            case BEGIN -> {
                Payloads.Begin b = Payloads.Begin.decode(r.payload());
                open.put(r.txId(), new Pending(r.txId(), r.stream(), connection(r.stream(), b.connection()), b));
                unfinished(r.txId(), +1);
            }
            case STATEMENT -> {
                Pending p = open.get(r.txId());
                if (p == null) return;
                counts.statements++;
                p.statementIndex.put(r.streamSeq(), p.steps.size());   // what an OUTCOME's stmt names
                Payloads.AppCommand command = null;
                if (p.commandLeft > 0) {
                    command = p.command;
                    p.commandLeft--;
                }
                p.steps.add(new Transaction.StatementStep(r.seq(), decoder.decode(r.payload()), null, command, p.mapped));
                p.mapped = null;
            }
            case OUTCOME -> {
                Pending p = open.get(r.txId());
                if (p == null) return;
                Payloads.Outcome o = Payloads.Outcome.decode(r.payload());
                Integer idx = p.statementIndex.get(o.statementSeq());
                if (idx != null) {
                    Transaction.StatementStep s = (Transaction.StatementStep) p.steps.get(idx);
                    p.steps.set(idx, s.withOutcome(o));
                }
            }
            case COMMAND -> {
                Pending p = open.get(r.txId());
                if (p == null) return;
                p.command = Payloads.AppCommand.decode(r.payload());
                p.commandLeft = p.command.statements();
            }
            case MAPPED -> {
                Pending p = open.get(r.txId());
                if (p != null) p.mapped = Payloads.Mapped.decode(r.payload());
            }
            case SAVEPOINT, RELEASE, ROLLBACK_TO -> {
                Pending p = open.get(r.txId());
                if (p != null) p.steps.add(new Transaction.SavepointStep(r.seq(), r.kind(), Payloads.Savepoint.decode(r.payload()).name()));
            }
            case COMMIT -> {
                Pending p = open.get(r.txId());
                if (p == null) return;
                if (reachedLimit || r.seq() > toSeq || r.timestampMicros() > toMicros) {
                    reachedLimit = true;
                    return;
                }
                p.commitSeq = r.seq();
                p.commitMicros = r.timestampMicros();
                Payloads.Commit commit = Payloads.Commit.decode(r.payload());
                if (commit.dbTxid() >= 0) p.dbTxid = commit.dbTxid();
                p.migration = commit.migration();
                commitQueue.add(p);
            }
            case COMMITTED, ROLLBACK -> {
                Pending p = open.get(r.txId());
                if (p == null) return;
                Payloads.End end = Payloads.End.decode(r.payload());
                p.outcome = r.kind() == RecordKind.COMMITTED;
                p.recovered = "recovered".equals(end.reason());
                p.sequenceStates = end.sequences();
                boolean pastLimit = reachedLimit || r.seq() > toSeq || r.timestampMicros() > toMicros;
                if (!p.outcome && !p.sequenceStates.isEmpty() && (p.commitSeq >= 0 || !pastLimit)) {
                    // rolled back, but what it drew from its sequences stays drawn: handed on for that alone, in the
                    // place of its end record (of its COMMIT, when it reached one)
                    p.steps.clear();
                    if (p.commitSeq < 0) {
                        p.commitSeq = r.seq();
                        p.commitMicros = r.timestampMicros();
                        commitQueue.add(p);
                    }
                    p.sequencesOnly = true;
                    p.outcome = true;
                } else if (p.commitSeq < 0) {  // rolled back without reaching COMMIT
                    open.remove(p.txId);
                    unfinished(p.txId, -1);
                    counts.rolledBack++;
                }
            }
            default -> { /* unknown kinds: nothing to apply */ }
        }
    }

    /** Releases the head of the commit queue if its outcome is known (or, at the end of the log, resolvable). */
    private Transaction releaseHead(boolean atEnd) {
        while (!commitQueue.isEmpty()) {
            Pending head = commitQueue.peek();
            if (head.outcome == null) {
                if (!atEnd) return null;
                InDoubtResolver.Decision d = resolver.resolve(head.txId, head.dbTxid, head.connection);
                if (d == InDoubtResolver.Decision.UNKNOWN) throw new InDoubtException(head.txId, head.commitSeq, head.dbTxid);
                head.outcome = d == InDoubtResolver.Decision.COMMITTED;
                head.recovered = true;
            }
            commitQueue.poll();
            open.remove(head.txId);
            unfinished(head.txId, -1);
            if (head.recovered) counts.recovered++;
            if (!head.outcome || head.sequencesOnly) counts.rolledBack++;
            if (!head.outcome) continue;
            if (!head.sequencesOnly) counts.committed++;
            if (head.commitSeq <= skipThroughCommitSeq) continue;
            long restart = unfinishedBegins.isEmpty() ? reader.nextSeq() : unfinishedBegins.firstKey();
            return new Transaction(head.txId, head.commitSeq, micros(head.commitMicros), head.connection, head.dbTxid,
                    head.begin.autocommit(), List.copyOf(head.steps), sessions.getOrDefault(head.connection, Map.of()),
                    head.recovered, restart, List.copyOf(head.sequenceStates), head.begin.appVersion(), head.begin.dbVersion(),
                    head.migration);
        }
        return null;
    }

    /** The connection number of a stream's connection: its own in a directory (stream 0), the reader's otherwise. */
    private int connection(long stream, int connection) {
        if (stream == 0) return connection;
        return connections.computeIfAbsent(new StreamConnection(stream, connection), k -> connections.size() + 1);
    }

    private void unfinished(long beginSeq, int delta) {
        unfinishedBegins.merge(beginSeq, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Sessions are written once per connection, possibly long before a restart point: collect them first. */
    private void loadSessionsBefore(LogSource log, long restartSeq) {
        try (RecordReader r = log.open()) {
            LogRecord rec;
            while ((rec = r.next()) != null && rec.seq() < restartSeq) {
                if (rec.kind() == RecordKind.SESSION) {
                    Payloads.Session s = Payloads.Session.decode(rec.payload());
                    sessions.put(connection(rec.stream(), s.connection()), Map.copyOf(s.settings()));
                }
            }
        }
    }

    /** Transactions seen with a COMMIT but no outcome yet, by txId → commit seq (for stats and diagnostics). */
    public Map<Long, Long> pendingCommits() {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (Pending p : commitQueue) out.put(p.txId, p.commitSeq);
        return out;
    }

    public long nextSeq() {
        return reader.nextSeq();
    }

    private static java.time.Instant micros(long m) {
        return java.time.Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
    }

    @Override
    public void close() {
        reader.close();
    }
}
