package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.cli.support.Redactor;
import io.waly.cli.support.Times;
import io.waly.jdbc.replay.JdbcReplayer;
import io.waly.jdbc.replay.ReplayException;
import io.waly.jdbc.replay.ReplayListener;
import io.waly.jdbc.replay.ReplaySummary;
import io.waly.log.tx.InDoubtException;
import io.waly.log.tx.InDoubtResolver;
import io.waly.log.tx.Transaction;
import io.waly.log.tx.TransactionReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Applies the log's committed transactions to a database: restore, point in time, follow, cut-over.",
        description = {
            "Applies exactly the transactions the source committed, in commit order, with the values pinned at capture "
                + "time, so that the target's tables equal the source's; a source transaction is never half-applied. "
                + "Rolled-back transactions and failed statements are skipped.",
            "",
            "Resumable, exactly once: the target keeps a cursor (waly.replay_cursor), moved in the same transaction as each "
                + "replayed one; killed at any point and started again, replay continues where it stopped. A target that "
                + "holds tables but no cursor is refused unless --force.",
            "",
            "In doubt (COMMIT logged, outcome not: the writer died in between): decided by a later 'recovered' record, else "
                + "by the source's txid_status() (--source), else by --in-doubt; never guessed.",
            "",
            "Follow (--follow) keeps tailing a live log and applies each transaction within a second of its commit; SIGINT "
                + "(Ctrl-C) stops after the current transaction. With --to-seq N it ends once everything committed at or "
                + "before N is applied (a cut-over, see waly-cli/README.md).",
            "",
            "Examples:",
            "  waly replay --log /var/lib/shop/waly --target 'jdbc:postgresql://127.0.0.1/restore?user=postgres'",
            "  waly replay --log /var/lib/shop/waly --target 'jdbc:postgresql://127.0.0.1/pitr?user=postgres' --to-time 2026-11-24T10:00:00Z",
            "  PGPASSWORD=… waly replay --log /var/lib/shop/waly --target jdbc:postgresql://db2/shop --target-user app --follow"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:replayed (up to the end, the limit, or an interrupt)",
            "1:stopped: a statement failed on the target that succeeded on the source (sequence, SQL, both outcomes are "
                + "named; nothing of its transaction was applied), or a transaction is in doubt and nothing decides it",
            "2:usage or environment error: no log, target unreachable, target not empty without a cursor"})
public final class ReplayCommand extends WalyCommand {

    @Option(names = "--log", required = true, paramLabel = "DIR", description = "The log directory.")
    Path log;

    @Option(names = "--target", paramLabel = "URL",
            description = "Where to replay: a pgjdbc URL, query parameters included (jdbc:postgresql://127.0.0.1:5432/db?user=postgres), "
                    + "or a MongoDB connection string naming the database (mongodb://127.0.0.1:27017/shop).")
    String target;

    @Option(names = "--target-user", paramLabel = "USER", description = "Target user (else the URL's user=).")
    String targetUser;

    @Option(names = "--target-password", paramLabel = "PASSWORD",
            description = "Target password; default: the PGPASSWORD environment variable. Never printed.")
    String targetPassword;

    @Option(names = "--from-seq", paramLabel = "N",
            description = "The target already holds every transaction committed before N (a snapshot restored up to N-1): "
                    + "start with the first transaction committed at or after N. Sets the cursor to N-1 on a target "
                    + "without one; refused when the target's cursor is before N-1.")
    long fromSeq;

    @Option(names = "--to-seq", paramLabel = "N",
            description = "Stop after the last transaction whose COMMIT is at or before sequence N.")
    long toSeq;

    @Option(names = "--to-time", paramLabel = "ISO-8601", converter = Times.Converter.class,
            description = "Stop after the last transaction committed at or before this time (with a zone: 2026-11-24T10:00:00Z).")
    Instant toTime;

    @Option(names = "--follow", description = "Keep tailing the log and apply new transactions as they commit, until "
            + "interrupted (or, with --to-seq, until N).")
    boolean follow;

    @Option(names = "--dry-run", description = "Read and decide everything, write nothing: how many transactions would be applied.")
    boolean dryRun;

    @Option(names = "--force", description = "Replay into a target that holds tables but no cursor for this log.")
    boolean force;

    @Option(names = "--in-doubt", paramLabel = "fail|commit|rollback", defaultValue = "fail",
            description = "A transaction in doubt that neither the log nor --source decides: fail (default: stop and say "
                    + "which), commit, or rollback.")
    String inDoubt;

    @Option(names = "--source", paramLabel = "URL",
            description = "The source database (pgjdbc URL), asked txid_status() for transactions in doubt.")
    String source;

    @Option(names = "--source-user", paramLabel = "USER", description = "Source user (else the URL's user=).")
    String sourceUser;

    @Option(names = "--source-password", paramLabel = "PASSWORD", description = "Source password; default: PGPASSWORD.")
    String sourcePassword;

    @Option(names = "--on-untranslatable", paramLabel = "fail|skip|log", defaultValue = "fail",
            description = "MongoDB targets: a statement with no exact MongoDB translation stops replay (fail, default: "
                    + "sequence, SQL and reason named), is left out (skip), or left out and reported on stderr (log).")
    String onUntranslatable;

    /** Test hook (and a way to replay in slices): stop cleanly after this many applied transactions. */
    @Option(names = "--stop-after", hidden = true, paramLabel = "TRANSACTIONS")
    long stopAfter;

    private volatile JdbcReplayer running;
    private volatile Runnable mongoStop;
    private volatile boolean stopRequested;

    /** Stops a running replay after its current transaction (MongoDB: its current batch), as SIGINT does. */
    public void stop() {
        stopRequested = true;
        JdbcReplayer r = running;
        if (r != null) r.stop();
        Runnable m = mongoStop;
        if (m != null) m.run();
    }

    @Override
    protected int execute() throws Exception {
        LogOptions.requireLog(log);
        if (toSeq != 0 && toTime != null) throw CliException.usage("give --to-seq or --to-time, not both");
        if (fromSeq < 0 || toSeq < 0) throw CliException.usage("sequence numbers start at 1");
        if (fromSeq > 0 && toSeq > 0 && toSeq < fromSeq) throw CliException.usage("--to-seq " + toSeq + " is before --from-seq " + fromSeq);
        JdbcReplayer.InDoubtPolicy policy;
        try {
            policy = JdbcReplayer.InDoubtPolicy.valueOf(inDoubt.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--in-doubt must be fail, commit or rollback, but was: " + inDoubt);
        }
        if (target == null && !dryRun) throw CliException.usage("--target URL is required (or --dry-run)");
        if (source != null && !source.startsWith("jdbc:postgresql:")) {
            throw CliException.usage("--source must be a jdbc:postgresql://… URL, but was: " + Redactor.url(source));
        }
        if (dryRun && fromSeq > 1) return dryRunFrom(policy);
        if (target != null && Targets.kind(target) == Targets.Kind.MONGO) return replayMongo(policy);

        String password = Targets.password(targetPassword);
        Properties props = new Properties();
        if (targetUser != null) props.setProperty("user", targetUser);
        if (password != null) props.setProperty("password", password);
        if (fromSeq > 1 && !dryRun) FromSeq.prepare(log, target, props, fromSeq, force, err());


        ReplayProgress progress = !json && ReplayProgress.wanted()
                ? new ReplayProgress(err(), LogEnd.lastSeq(log), toSeq, follow) : null;
        FollowLimit followLimit = follow && toSeq > 0 ? new FollowLimit(log, toSeq) : null;
        long[] applied = {0};
        JdbcReplayer[] self = new JdbcReplayer[1];
        ReplayListener listener = new ReplayListener() {
            @Override
            public void applied(Transaction tx, ReplaySummary s) {
                applied[0]++;
                if (progress != null) progress.applied(tx, s);
                if (stopAfter > 0 && applied[0] >= stopAfter) self[0].stop();
            }

            @Override
            public void waiting(ReplaySummary s) {
                if (progress != null) progress.waiting(s);
                if (followLimit != null) {
                    long reach = followLimit.settledTarget();
                    if (reach >= 0 && s.lastCommitSeq >= reach) self[0].stop();
                }
            }
        };
        JdbcReplayer.Builder b = JdbcReplayer.builder().log(log).target(target).targetUser(targetUser).targetPassword(password)
                .follow(follow).dryRun(dryRun).force(force).inDoubt(policy).listener(listener);
        if (toSeq > 0) b.toSeq(toSeq);
        if (toTime != null) b.toTime(toTime);
        if (source != null) b.source(source, sourceUser, Targets.password(sourcePassword));
        JdbcReplayer replayer = b.build();
        self[0] = replayer;
        running = replayer;
        if (stopRequested) replayer.stop();

        try (StopOnSignal signal = new StopOnSignal(this::stop)) {
            ReplaySummary summary;
            try {
                summary = replayer.run();
            } catch (ReplayException e) {
                if (progress != null) progress.finish();
                return replayFailed(e, applied[0]);
            } finally {
                if (followLimit != null) followLimit.close();
            }
            if (progress != null) progress.finish();
            report(summary);
            return ExitCode.OK;
        } finally {
            running = null;
        }
    }

    private int replayFailed(ReplayException e, long applied) {
        int code;
        String hint = "";
        if (e.getCause() instanceof InDoubtException) {
            code = ExitCode.CHECK_FAILED;
        } else if (e.seq() > 0) {
            code = ExitCode.CHECK_FAILED;
            hint = "\n" + applied + " transactions were applied in this run; the cursor stands before the failing one, so the "
                    + "same command continues from there once the cause is fixed.";
        } else {
            code = ExitCode.USAGE;
        }
        return fail(code, e.getMessage() + hint, Json.map("seq", e.seq(), "transactionsApplied", applied));
    }

    private void report(ReplaySummary s) {
        String where = dryRun ? null : Redactor.url(target);
        if (json) {
            Json.print(out(), Json.map("ok", true, "dryRun", dryRun, "target", where, "transactions", s.transactions,
                    "statements", s.statements, "skippedStatements", s.skippedStatements, "rowsFromEffects", s.rowsFromEffects,
                    "lastCommitSeq", s.lastCommitSeq, "records", s.records, "rolledBack", s.rolledBack,
                    "inDoubtResolved", s.inDoubtResolved, "resumed", s.resumed, "stopped", stopRequested,
                    "seconds", Math.round(s.seconds() * 1000) / 1000.0));
            return;
        }
        double secs = s.seconds();
        String rate = secs > 0 && s.transactions > 0 ? ", " + Numbers.rate(s.transactions / secs) + " tx/s" : "";
        String limit = toSeq > 0 ? " (limit --to-seq " + toSeq + ")" : toTime != null ? " (limit --to-time " + Times.format(toTime) + ")" : "";
        if (dryRun) {
            out().printf(Locale.ROOT, "dry run: would replay %s transactions (%s statements) up to sequence %d%s; nothing written%n",
                    Numbers.count(s.transactions), Numbers.count(s.statements), s.lastCommitSeq, limit);
            return;
        }
        out().printf(Locale.ROOT, "replayed %s transactions (%s statements, %s skipped as failed on the source, %s rows from "
                        + "recorded effects) into %s up to sequence %d%s in %.1f s%s%s%s%n",
                Numbers.count(s.transactions), Numbers.count(s.statements), Numbers.count(s.skippedStatements),
                Numbers.count(s.rowsFromEffects), where, s.lastCommitSeq, limit, secs, rate,
                s.resumed ? "; resumed from the target's cursor" : "", stopRequested ? "; stopped on request" : "");
    }

    /**
     * A {@code mongodb://host:port/db} target: {@code io.waly.mongo.MongoReplayer} (module waly-translate-mongo) with
     * the same options, the same exit codes and the same kind of summary. Its cursor lives in the target
     * ({@code waly_cursor}); {@code --from-seq} is its read start on a target without a cursor (a transaction boundary).
     */
    private int replayMongo(JdbcReplayer.InDoubtPolicy policy) throws Exception {
        if (dryRun) throw CliException.usage("--dry-run is for PostgreSQL targets; for MongoDB, waly stats tells what would be replayed");
        io.waly.mongo.OnUntranslatable untranslatable;
        try {
            untranslatable = io.waly.mongo.OnUntranslatable.valueOf(onUntranslatable.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--on-untranslatable must be fail, skip or log, but was: " + onUntranslatable);
        }
        ReplayProgress progress = !json && ReplayProgress.wanted()
                ? new ReplayProgress(err(), LogEnd.lastSeq(log), toSeq, follow) : null;
        ReplaySummary soFar = new ReplaySummary();
        io.waly.mongo.MongoReplayer[] self = new io.waly.mongo.MongoReplayer[1];
        io.waly.mongo.ReplayListener listener = new io.waly.mongo.ReplayListener() {
            @Override
            public void applied(long txId, long commitSeq, int statements) {
                soFar.transactions++;
                soFar.statements += statements;
                soFar.lastCommitSeq = commitSeq;
                if (progress != null) progress.applied(null, soFar);
                if (stopAfter > 0 && soFar.transactions >= stopAfter) self[0].stop();
            }

            @Override
            public void untranslatable(io.waly.mongo.Untranslatable u) {
                if (untranslatable == io.waly.mongo.OnUntranslatable.LOG) {
                    err().println("waly replay: left out statement " + u.seq() + " (no exact MongoDB translation: " + u.reason() + ")");
                }
            }
        };
        try (SourceResolver resolver = new SourceResolver(source, sourceUser, Targets.password(sourcePassword), policy)) {
            io.waly.mongo.MongoReplayer.Builder b = io.waly.mongo.MongoReplayer.builder().log(log).target(target).follow(follow)
                    .onUntranslatable(untranslatable).inDoubtResolver(resolver).listener(listener);
            if (fromSeq > 0) b.fromSeq(fromSeq);
            if (toSeq > 0) b.toSeq(toSeq);
            if (toTime != null) b.toTime(toTime);
            io.waly.mongo.MongoReplayer replayer;
            try {
                replayer = b.build();
            } catch (IllegalArgumentException e) {
                throw CliException.usage(Redactor.url(e.getMessage()));
            }
            self[0] = replayer;
            Runnable stopper = replayer::stop;
            mongoStop = stopper;
            if (stopRequested) replayer.stop();
            try (StopOnSignal signal = new StopOnSignal(this::stop)) {
                io.waly.mongo.ReplaySummary s;
                try {
                    s = replayer.run();
                } catch (io.waly.mongo.ReplayException e) {
                    if (progress != null) progress.finish();
                    return fail(ExitCode.CHECK_FAILED, e.getMessage(), Json.map("seq",
                            e.untranslatable() != null ? e.untranslatable().seq() : 0, "transactionsApplied", soFar.transactions));
                } catch (com.mongodb.MongoException e) {
                    if (progress != null) progress.finish();
                    return fail(ExitCode.USAGE, "MongoDB error: " + Redactor.url(e.getMessage()), Map.of());
                }
                if (progress != null) progress.finish();
                String where = Redactor.url(target);
                if (json) {
                    Json.print(out(), Json.map("ok", true, "target", where, "transactions", s.transactions(), "statements", s.statements(),
                            "documents", s.documents(), "skippedStatements", s.skipped().size(), "lastCommitSeq", s.commitSeq(),
                            "transactional", s.transactional(), "stopped", s.stopped() || stopRequested,
                            "seconds", s.elapsed().toMillis() / 1000.0));
                } else {
                    double secs = s.elapsed().toMillis() / 1000.0;
                    out().printf(Locale.ROOT, "replayed %s transactions (%s statements, %s documents written%s) into %s up to "
                                    + "sequence %d in %.1f s%s%s%n", Numbers.count(s.transactions()), Numbers.count(s.statements()),
                            Numbers.count(s.documents()), s.skipped().isEmpty() ? "" : ", " + s.skipped().size() + " statements left out as untranslatable",
                            where, s.commitSeq(), secs, s.transactional() ? "; MongoDB transactions" : "; idempotent writes (no MongoDB transactions)",
                            s.stopped() || stopRequested ? "; stopped on request" : "");
                }
                return ExitCode.OK;
            } finally {
                mongoStop = null;
            }
        }
    }

    /** {@code --dry-run --from-seq N}: counts what a replay from N would apply, without a target. */
    private int dryRunFrom(JdbcReplayer.InDoubtPolicy policy) {
        InDoubtResolver resolver = (txId, dbTxid, conn) -> switch (policy) {
            case COMMIT -> InDoubtResolver.Decision.COMMITTED;
            case ROLLBACK -> InDoubtResolver.Decision.ROLLED_BACK;
            case FAIL -> InDoubtResolver.Decision.UNKNOWN;
        };
        ReplaySummary s = new ReplaySummary();
        try (TransactionReader txs = TransactionReader.open(log, 1, fromSeq - 1, resolver)) {
            if (toSeq > 0) txs.toSeq(toSeq);
            if (toTime != null) txs.toMicros(Times.toMicros(toTime));
            Transaction tx;
            while ((tx = txs.next()) != null) {
                s.transactions++;
                s.statements += tx.statementCount();
                s.lastCommitSeq = tx.commitSeq();
            }
            s.records = txs.counts().records;
        } catch (InDoubtException e) {
            return fail(ExitCode.CHECK_FAILED, e.getMessage(), Map.of("seq", e.commitSeq()));
        }
        report(s);
        return ExitCode.OK;
    }
}
