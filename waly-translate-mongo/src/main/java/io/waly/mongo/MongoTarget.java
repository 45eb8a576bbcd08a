package io.waly.mongo;

import io.waly.log.read.DirectoryLog;
import com.mongodb.ConnectionString;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.waly.log.format.RecordKind;
import io.waly.log.replay.LeftOut;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayListener;
import io.waly.log.replay.ReplayPosition;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.ReplayTarget;
import io.waly.log.tx.Transaction;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.CommandBodies;
import io.waly.mongo.translate.BodyTranslator;
import io.waly.mongo.translate.Catalog;
import io.waly.mongo.translate.CommandTranslator;
import io.waly.mongo.translate.MongoOp;
import io.waly.mongo.translate.UntranslatableException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Replay into a MongoDB database ({@code mongodb://host:port/dbname}): each committed transaction's statements, minus
 * those rolled back to a savepoint and those that failed, translated ({@link CommandTranslator}) and applied in
 * batches. With each batch the cursor in {@code waly_cursor} moves past its last transaction: in the same MongoDB
 * multi-document transaction when the server has them (replica set, sharded cluster), otherwise right after the
 * batch's writes, which are idempotent (markers, see {@link CommandTranslator#MARKER}), so that a re-run after a crash
 * converges to the same documents.
 *
 * <pre>{@code
 * ReplaySummary s = new Replayer(new DirectoryLog(dir), ReplayOptions.builder().build())
 *         .run(MongoTarget.builder().target("mongodb://127.0.0.1:27017/shop").build());
 * }</pre>
 */
public final class MongoTarget implements ReplayTarget {

    private static final System.Logger LOG = System.getLogger("io.waly.mongo");

    private final Builder b;
    private MongoClient client;
    private boolean ownClient;
    private MongoDatabase db;
    private boolean useTransactions;
    private CursorStore cursor;
    private CommandTranslator translator;
    private OpExecutor exec;
    private ReplayPosition last;
    private boolean unsaved;
    private long lastTxId;
    private final List<Pending> batch = new ArrayList<>();
    private long batchDocuments;
    private ReplaySummary summary;
    /** Application commands applied by their MongoDB body of their own. */
    private long byOwnBody;

    /** A translated log transaction waiting in the batch. */
    private record Pending(Transaction tx, List<MongoOp> ops, long documents) {}

    private MongoTarget(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String target;
        private MongoClient client;
        private OnUntranslatable onUntranslatable = OnUntranslatable.FAIL;
        private ReplayListener listener = ReplayListener.NONE;
        private Boolean transactions;
        private int batchTransactions = 256;
        private int batchDocuments = 10_000;
        private CommandBodies bodies = CommandBodies.NONE;

        /** {@code mongodb://host:port/dbname}: the connection string must name the database. */
        public Builder target(String connectionString) {
            this.target = connectionString;
            return this;
        }

        /** Use this client instead of creating one from the connection string (which still names the database). */
        public Builder client(MongoClient client) {
            this.client = client;
            return this;
        }

        public Builder onUntranslatable(OnUntranslatable policy) {
            this.onUntranslatable = Objects.requireNonNull(policy);
            return this;
        }

        /** Told of statements left out (the replay's own listener, for {@link OnUntranslatable#LOG}). */
        public Builder listener(ReplayListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * The MongoDB bodies of their own of application commands (the model's): a command that has one is applied by
         * it, in place of the translation of the statements it ran.
         */
        public Builder commandBodies(CommandBodies bodies) {
            this.bodies = Objects.requireNonNull(bodies);
            return this;
        }

        /** Force MongoDB transactions on or off; by default they are used when the server supports them. */
        public Builder transactions(boolean use) {
            this.transactions = use;
            return this;
        }

        /** Log transactions applied together (one MongoDB transaction and one cursor write per batch). */
        public Builder batch(int transactions, int documents) {
            if (transactions < 1 || documents < 1) throw new IllegalArgumentException("batch sizes must be positive");
            this.batchTransactions = transactions;
            this.batchDocuments = documents;
            return this;
        }

        public MongoTarget build() {
            Objects.requireNonNull(target, "target connection string");
            String db = new ConnectionString(target).getDatabase();
            if (db == null || db.isBlank()) {
                throw new IllegalArgumentException("the target must name a database: mongodb://host:port/dbname, not " + target);
            }
            return new MongoTarget(this);
        }
    }

    @Override
    public State open(String logId) throws ReplayException {
        try {
            ownClient = b.client == null;
            client = ownClient ? MongoClients.create(b.target) : b.client;
            db = client.getDatabase(new ConnectionString(b.target).getDatabase());
            Capabilities caps = Capabilities.probe(db);
            useTransactions = b.transactions == null ? caps.transactions : b.transactions;
            cursor = new CursorStore(db, logId);
            CursorStore.Position pos = cursor.load();
            Catalog catalog = pos == null ? new Catalog() : pos.catalog();
            translator = new CommandTranslator(catalog, ByteBuffer.wrap(HexFormat.of().parseHex(logId), 0, 4).getInt());
            exec = new OpExecutor(db, caps);
            boolean holdsData = false;
            for (String name : db.listCollectionNames()) holdsData |= !name.equals(CursorStore.COLLECTION);
            return new State(pos == null ? null : new ReplayPosition(pos.commitSeq(), pos.restartSeq()), holdsData);
        } catch (MongoException e) {
            throw new ReplayException(ReplayException.Kind.TARGET_FAILED, "MongoDB: " + e.getMessage(), 0, e);
        }
    }

    @Override
    public void start(ReplayPosition from) {
        last = from;
    }

    @Override
    public void apply(Transaction tx, ReplaySummary summary) throws ReplayException {
        this.summary = summary;
        Pending p = translate(tx, summary);
        batch.add(p);
        batchDocuments += p.documents;
        last = new ReplayPosition(tx.commitSeq(), tx.restartSeq());
        lastTxId = tx.txId();
        unsaved = true;
        if (batch.size() >= b.batchTransactions || batchDocuments >= b.batchDocuments) flush();
    }

    @Override
    public boolean pending() {
        return !batch.isEmpty();
    }

    /**
     * The operations of one transaction: its statements minus those rolled back to a savepoint and those that
     * failed, translated in order; the statements of an application command with a MongoDB body of its own are
     * replaced by that body, once. DDL changes the catalog: on a copy, kept only if the whole transaction translates.
     */
    private Pending translate(Transaction tx, ReplaySummary summary) throws ReplayException {
        Map<Payloads.AppCommand, List<CommandBodies.DocumentOp>> bodies = new IdentityHashMap<>();
        List<Transaction.StatementStep> effective = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        Deque<Object[]> savepoints = new ArrayDeque<>();   // {name, size of effective when it was set}
        List<Transaction.Step> steps = tx.steps();
        for (int i = 0; i < steps.size(); i++) {
            Transaction.Step step = steps.get(i);
            if (step instanceof Transaction.SavepointStep sp) {
                if (sp.kind() == RecordKind.SAVEPOINT) {
                    savepoints.push(new Object[] {sp.name(), effective.size()});
                } else {
                    while (!savepoints.isEmpty() && !savepoints.peek()[0].equals(sp.name())) savepoints.pop();
                    if (savepoints.isEmpty()) continue;
                    if (sp.kind() == RecordKind.ROLLBACK_TO) {
                        int size = (Integer) savepoints.peek()[1];   // the savepoint stays, emptied
                        while (effective.size() > size) {
                            effective.remove(effective.size() - 1);
                            index.remove(index.size() - 1);
                        }
                    } else {
                        savepoints.pop();   // RELEASE keeps the work
                    }
                }
            } else if (step instanceof Transaction.StatementStep st) {
                // no outcome in a committed transaction: the process died after sending it, and it did not fail
                // (a failed statement aborts the transaction unless rolled back to a savepoint, which we would see)
                if (st.outcome() != null && !st.outcome().ok()) {
                    summary.failedOnSource++;
                    continue;
                }
                if (st.command() != null && !bodies.containsKey(st.command())) {
                    bodies.put(st.command(), b.bodies.mongo(st.command(), tx));
                }
                boolean ownBody = st.command() != null && bodies.get(st.command()) != null;
                if (st.changedNoRow() && !ownBody) {   // run later, it could find rows its source run did not see
                    summary.statements++;
                    continue;
                }
                effective.add(st);
                index.add(i);
            }
        }
        boolean hasDdl = effective.stream().anyMatch(s -> s.statement().command() instanceof io.waly.command.Command.Ddl);
        Catalog saved = hasDdl ? translator.catalog().copy() : null;
        List<MongoOp> ops = new ArrayList<>();
        long docs = 0;
        Set<Payloads.AppCommand> applied = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        int slot = 0;   // the marker's statement index: a body of several operations takes as many (later ones move on)
        try {
            for (int k = 0; k < effective.size(); k++) {
                Transaction.StatementStep st = effective.get(k);
                List<CommandBodies.DocumentOp> body = st.command() == null ? null : bodies.get(st.command());
                int at = Math.max(slot, index.get(k));
                try {
                    List<MongoOp> out;
                    if (body == null) {
                        out = translator.translate(st.statement(), st.outcome(), st.seq(),
                                CommandTranslator.marker(tx.commitSeq(), at), translator.zone(tx.connection(), tx.session()));
                        slot = at + 1;
                    } else if (applied.add(st.command())) {
                        out = new ArrayList<>();
                        for (int j = 0; j < body.size(); j++) {
                            out.add(BodyTranslator.translate(body.get(j), translator, st.seq(), j, CommandTranslator.marker(tx.commitSeq(), at + j)));
                        }
                        slot = at + body.size();
                        byOwnBody++;
                    } else {
                        out = List.of();   // the command's other statements: its body stands for them all
                    }
                    for (MongoOp op : out) docs += op instanceof MongoOp.InsertDocs i ? i.docs().size() : 1;
                    ops.addAll(out);
                    summary.statements++;
                } catch (UntranslatableException e) {
                    String reason = e.getMessage() + (st.command() == null ? ""
                            : body != null ? " (in the MongoDB body of application command " + st.command().describe() + ")"
                            : " (a statement of application command " + st.command().describe()
                            + ", whose only MongoDB body is the translation of its PostgreSQL body)");
                    LeftOut u = new LeftOut(st.seq(), tx.txId(), st.statement().sql(), reason);
                    if (b.onUntranslatable == OnUntranslatable.FAIL) {
                        throw new ReplayException(ReplayException.Kind.UNTRANSLATABLE, "statement at sequence " + u.seq()
                                + " (transaction " + u.txId() + ") has no exact MongoDB translation: " + u.reason() + "\n  SQL: "
                                + u.sql() + "\n  Nothing of its transaction was applied; replay with --on-untranslatable=skip "
                                + "(or log) to go on without this statement.", u.seq(), e);
                    }
                    summary.leftOut.add(u);
                    if (b.onUntranslatable == OnUntranslatable.LOG) {
                        LOG.log(System.Logger.Level.WARNING, "skipped untranslatable statement: " + u);
                        b.listener.leftOut(u);
                    }
                }
            }
        } catch (ReplayException e) {
            if (saved != null) translator.catalog().restore(saved);
            flushQuietly();
            throw e;
        }
        return new Pending(tx, ops, docs);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (ReplayException ignored) {
            // the translation error is the one to report
        }
    }

    /** Applies the batch and moves the cursor past its last transaction. */
    @Override
    public void flush() throws ReplayException {
        if (batch.isEmpty() && !unsaved) return;
        List<MongoOp> ops = new ArrayList<>();
        for (Pending p : batch) ops.addAll(p.ops);
        ops = OpExecutor.coalesce(ops);
        boolean interrupted = Thread.interrupted();   // finish this batch; the interrupt ends the run after it
        long written = 0;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    written = useTransactions ? applyInTransaction(ops) : applyDirectly(ops);
                    break;
                } catch (MongoInterruptedException e) {
                    interrupted |= Thread.interrupted();
                    if (attempt >= 3) throw failed("interrupted while applying transactions up to commit " + last.commitSeq(), e);
                } catch (MongoException e) {
                    boolean transientError = e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL);
                    if (!transientError || attempt >= 5) {
                        throw failed("MongoDB refused the transactions up to commit " + last.commitSeq() + ": " + e.getMessage(), e);
                    }
                }
            }
        } catch (UntranslatableException e) {
            throw failed("a batch ending at commit " + last.commitSeq() + " could not be applied: " + e.getMessage(), e);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (summary != null) summary.documents += written;
        batch.clear();
        batchDocuments = 0;
        unsaved = false;
    }

    private static ReplayException failed(String message, Exception cause) {
        return new ReplayException(ReplayException.Kind.TARGET_FAILED, message, 0, cause);
    }

    private long applyDirectly(List<MongoOp> ops) {
        long written = 0;
        for (MongoOp op : ops) written += exec.execute(op, null);
        cursor.save(null, last.restartSeq(), last.commitSeq(), lastTxId, translator.catalog());
        return written;
    }

    /**
     * One MongoDB transaction for the batch and its cursor. MongoDB does not allow creating or dropping collections
     * and indexes inside one: a DDL operation commits what precedes it and runs outside; the markers keep a re-run of
     * the parts exact.
     */
    private long applyInTransaction(List<MongoOp> ops) {
        long written = 0;
        try (ClientSession s = client.startSession()) {
            s.startTransaction();
            try {
                for (MongoOp op : ops) {
                    if (isDdl(op)) {
                        s.commitTransaction();
                        exec.execute(op, null);
                        s.startTransaction();
                    } else {
                        written += exec.execute(op, s);
                    }
                }
                cursor.save(s, last.restartSeq(), last.commitSeq(), lastTxId, translator.catalog());
                commitWithRetry(s);
            } catch (RuntimeException e) {
                if (s.hasActiveTransaction()) {
                    try {
                        s.abortTransaction();
                    } catch (MongoException ignored) {
                        // the original error is what matters
                    }
                }
                throw e;
            }
        }
        return written;
    }

    @Override
    public void finish(ReplaySummary summary) throws ReplayException {
        flush();
        summary.notes.add(useTransactions ? "MongoDB transactions" : "idempotent writes (no MongoDB transactions)");
        if (byOwnBody > 0) summary.notes.add(byOwnBody + " application commands applied by their MongoDB body of their own");
    }

    @Override
    public void close() {
        if (ownClient && client != null) client.close();
    }

    private static boolean isDdl(MongoOp op) {
        return op instanceof MongoOp.CreateCollection || op instanceof MongoOp.CreateIndex || op instanceof MongoOp.DropIndex
                || op instanceof MongoOp.DropCollection || op instanceof MongoOp.RenameCollection;
    }

    private static void commitWithRetry(ClientSession s) {
        for (int attempt = 1; ; attempt++) {
            try {
                s.commitTransaction();
                return;
            } catch (MongoException e) {
                if (!e.hasErrorLabel(MongoException.UNKNOWN_TRANSACTION_COMMIT_RESULT_LABEL) || attempt >= 5) throw e;
            }
        }
    }
}
