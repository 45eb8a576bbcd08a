package io.waly.cli.command;

import io.waly.log.replay.Replayer;
import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.cli.support.Numbers;
import io.waly.cli.support.Redactor;
import io.waly.cli.support.Times;
import io.waly.jdbc.TxidStatus;
import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.LogSource;
import io.waly.log.replay.DryRunTarget;
import io.waly.log.replay.LeftOut;
import io.waly.log.replay.ReplayException;
import io.waly.log.replay.ReplayListener;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.replay.ReplayTarget;
import io.waly.log.tx.Transaction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
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
            "Resumable, exactly once: the target keeps a cursor (PostgreSQL: in replication origins, so the restored database "
                + "holds nothing of WAL-y's; MongoDB: the waly_cursor collection), moved in the same transaction as each "
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
            "  PGPASSWORD=… waly replay --log /var/lib/shop/waly --target jdbc:postgresql://db2/shop --target-user app --follow",
            "  waly replay --log /var/lib/shop/waly --target mongodb://127.0.0.1/reads --model waly-model.yaml --route read-model --follow"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:replayed (up to the end, the limit, or an interrupt)",
            "1:stopped: a statement failed on the target that succeeded on the source (sequence, SQL, both outcomes are "
                + "named; nothing of its transaction was applied), or a transaction is in doubt and nothing decides it",
            "2:usage or environment error: no log, target unreachable, target not empty without a cursor"})
public final class ReplayCommand extends WalyCommand {

    @Option(names = "--log", required = true, paramLabel = LogOptions.LABEL, description = LogOptions.DESCRIPTION)
    String location;

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

    @Option(names = "--model", paramLabel = "FILE",
            description = "The model file (YAML): the routes --route names, the versions --schema-version names, and the MongoDB bodies of its application commands (commands:, mongo:); checked when it loads (errors name the line).")
    Path model;

    @Option(names = "--route", paramLabel = "NAME",
            description = "Replay only the part of the log the model's route NAME takes (policies.routes: tables, kinds): "
                    + "a mirror or a read model that receives a subset; --follow honours it. Needs --model.")
    String route;

    @Option(names = "--schema-version", paramLabel = "N",
            description = "Replay into the model's schema version N (versions:): migrations past N are left out, and rows "
                    + "written under other versions are mapped by the model's up/down expressions before they are applied; "
                    + "a statement that cannot be mapped stops replay, naming it. MongoDB targets: a private embedded PostgreSQL evaluates the mappings. Needs --model.")
    String schemaVersion;

    /** Test hook (and a way to replay in slices): stop cleanly after this many applied transactions. */
    @Option(names = "--stop-after", hidden = true, paramLabel = "TRANSACTIONS")
    long stopAfter;

    private volatile Replayer running;
    private volatile boolean stopRequested;

    /** Stops a running replay after its current transaction (MongoDB: its current batch), as SIGINT does. */
    public void stop() {
        stopRequested = true;
        Replayer r = running;
        if (r != null) r.stop();
    }

    @Override
    protected int execute() throws Exception {
        LogSource logSource = LogOptions.source(location);
        ReplayOptions.InDoubtPolicy policy;
        try {
            policy = ReplayOptions.InDoubtPolicy.valueOf(inDoubt.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--in-doubt must be fail, commit or rollback, but was: " + inDoubt);
        }
        if (target == null && !dryRun) throw CliException.usage("--target URL is required (or --dry-run)");
        if (source != null && !source.startsWith("jdbc:postgresql:")) {
            throw CliException.usage("--source must be a jdbc:postgresql://… URL, but was: " + Redactor.url(source));
        }
        ReplayProgress progress = !json && ReplayProgress.wanted()
                ? new ReplayProgress(err(), logSource.lastSeq(), toSeq, follow) : null;
        long[] applied = {0};
        ReplayListener listener = new ReplayListener() {
            @Override
            public void applied(Transaction tx, ReplaySummary s) {
                applied[0]++;
                if (progress != null) progress.applied(tx, s);
                if (stopAfter > 0 && applied[0] >= stopAfter) stop();
            }

            @Override
            public void waiting(ReplaySummary s) {
                if (progress != null) progress.waiting(s);
            }

            @Override
            public void leftOut(LeftOut statement) {
                err().println("waly replay: left out statement " + statement.seq() + " (no exact MongoDB translation: "
                        + statement.reason() + ")");
            }
        };
        ReplayOptions.Builder options = ReplayOptions.builder().follow(follow).force(force || dryRun).inDoubt(policy).listener(listener);
        if (route != null) {
            if (model == null) throw CliException.usage("--route needs --model FILE: the model declares the routes");
            try {
                options.route(io.waly.model.Model.load(model).policies().route(route));
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        } else if (model != null) {
            try {
                io.waly.model.Model.load(model);   // checked all the same: a bad model is an error, never ignored
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        if (schemaVersion != null) {
            if (model == null) throw CliException.usage("--schema-version needs --model FILE: the model declares the versions");
            try {
                io.waly.model.Model.load(model).versions().version(schemaVersion);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        try {
            options.fromSeq(fromSeq).toSeq(toSeq).toTime(toTime).build();   // checked before anything is contacted
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        try (TxidStatus sourceDb = source == null ? null : TxidStatus.of(source, sourceUser, Targets.password(sourcePassword))) {
            if (sourceDb != null) options.inDoubtSource(sourceDb);
            Replayer replayer = new Replayer(logSource, options.build());
            running = replayer;
            if (stopRequested) replayer.stop();
            try (StopOnSignal signal = new StopOnSignal(this::stop)) {
                ReplaySummary summary;
                try {
                    summary = replayer.run(target(listener));
                } catch (ReplayException e) {
                    if (progress != null) progress.finish();
                    return replayFailed(e, applied[0]);
                }
                if (progress != null) progress.finish();
                report(summary);
                return ExitCode.OK;
            } finally {
                running = null;
            }
        }
    }

    /** The target the URL names: PostgreSQL, MongoDB, or none for a dry run. */
    private ReplayTarget target(ReplayListener listener) {
        if (dryRun) return new DryRunTarget();
        if (Targets.kind(target) == Targets.Kind.MONGO) {
            io.waly.mongo.OnUntranslatable untranslatable;
            try {
                untranslatable = io.waly.mongo.OnUntranslatable.valueOf(onUntranslatable.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--on-untranslatable must be fail, skip or log, but was: " + onUntranslatable);
            }
            ReplayTarget mongo;
            try {
                io.waly.mongo.MongoTarget.Builder builder = io.waly.mongo.MongoTarget.builder().target(target)
                        .onUntranslatable(untranslatable).listener(listener);
                if (model != null) builder.commandBodies(io.waly.model.Model.load(model).commands().bodies(schemaVersion));
                mongo = builder.build();
            } catch (IllegalArgumentException e) {
                throw CliException.usage(Redactor.url(e.getMessage()));
            }
            return schemaVersion == null ? mongo : versioned(mongo);
        }
        Properties props = new Properties();
        if (targetUser != null) props.setProperty("user", targetUser);
        String password = Targets.password(targetPassword);
        if (password != null) props.setProperty("password", password);
        PostgresTarget pg = new PostgresTarget(target, props);
        if (schemaVersion != null) {
            io.waly.model.Model m = io.waly.model.Model.load(model);
            pg.intoVersion(m.versions(), schemaVersion).commandBodies(m.commands());
        }
        return pg;
    }

    /**
     * A MongoDB target in the model's version {@code --schema-version}: the mappings are SQL, so a private embedded
     * PostgreSQL evaluates them (nothing is stored there), closed with the target.
     */
    private ReplayTarget versioned(ReplayTarget mongo) {
        err().println("waly replay: starting a private PostgreSQL to evaluate the model's mappings…");
        err().flush();
        io.waly.embedded.PostgresServer server = io.waly.embedded.PostgresServer.start(io.waly.embedded.PostgresServer.Durability.SCRATCH);
        try {
            java.sql.Connection eval = java.sql.DriverManager.getConnection(server.newDatabase("waly_versions"));
            io.waly.model.Model m = io.waly.model.Model.load(model);
            return new io.waly.jdbc.replay.VersionedTarget(mongo, m.versions(), schemaVersion, eval, () -> {
                try {
                    eval.close();
                } finally {
                    server.close();
                }
            }).commandBodies(m.commands());
        } catch (java.sql.SQLException e) {
            server.close();
            throw new IllegalStateException("the embedded PostgreSQL did not answer: " + e.getMessage(), e);
        }
    }

    private int replayFailed(ReplayException e, long applied) {
        String hint = "";
        String what = e.kind() == ReplayException.Kind.TARGET_FAILED ? "database error: " : "";
        int code = switch (e.kind()) {
            case REFUSED, TARGET_FAILED -> ExitCode.USAGE;
            case IN_DOUBT, UNTRANSLATABLE -> ExitCode.CHECK_FAILED;
            case STATEMENT_FAILED -> {
                hint = "\n" + applied + " transactions were applied in this run; the cursor stands before the failing one, so "
                        + "the same command continues from there once the cause is fixed.";
                yield ExitCode.CHECK_FAILED;
            }
        };
        return fail(code, what + Redactor.url(e.getMessage()) + hint, Json.map("seq", e.seq(), "transactionsApplied", applied));
    }

    private void report(ReplaySummary s) {
        String where = dryRun ? null : Redactor.url(target);
        if (json) {
            Json.print(out(), Json.map("ok", true, "dryRun", dryRun, "target", where, "transactions", s.transactions,
                    "statements", s.statements, "skippedStatements", s.failedOnSource, "routedOut", s.routedOut, "rowsFromEffects", s.rowsFromImages,
                    "documents", s.documents, "leftOut", s.leftOut.size(), "lastCommitSeq", s.lastCommitSeq,
                    "records", s.records, "rolledBack", s.rolledBack, "inDoubtResolved", s.inDoubtResolved, "resumed", s.resumed,
                    "stopped", s.stopped || stopRequested, "notes", s.notes, "seconds", Math.round(s.seconds() * 1000) / 1000.0));
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
        String written = s.documents > 0 ? Numbers.count(s.documents) + " documents written"
                : Numbers.count(s.rowsFromImages) + " rows from recorded effects";
        out().printf(Locale.ROOT, "replayed %s transactions (%s statements, %s skipped as failed on the source, %s%s) into %s up to "
                        + "sequence %d%s in %.1f s%s%s%s%s%n",
                Numbers.count(s.transactions), Numbers.count(s.statements), Numbers.count(s.failedOnSource), written,
                (s.leftOut.isEmpty() ? "" : ", " + s.leftOut.size() + " statements left out as untranslatable")
                        + (s.routedOut == 0 ? "" : ", " + Numbers.count(s.routedOut) + " statements not on the route"),
                where, s.lastCommitSeq, limit, secs, rate, s.resumed ? "; resumed from the target's cursor" : "",
                s.stopped || stopRequested ? "; stopped on request" : "",
                s.notes.isEmpty() ? "" : "; " + String.join("; ", s.notes));
    }
}
