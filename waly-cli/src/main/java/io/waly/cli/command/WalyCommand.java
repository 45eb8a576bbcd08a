package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.cli.ExitCode;
import io.waly.cli.support.Json;
import io.waly.log.LogCorruptException;
import io.waly.log.LogException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: {@code --json}, stdout for the command's output only, stderr for progress and
 * diagnostics, and one place where failures become a message and an exit code ({@link ExitCode}). The mapping lives
 * here rather than in a picocli handler, so that a command returns the right code however its {@code CommandLine}
 * was built (tests build their own).
 */
public abstract class WalyCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Option(names = "--json", description = "Machine-readable output: one JSON document on stdout (for jq).")
    protected boolean json;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Runs the command; returns its exit code. Throw {@link CliException} to end with a message and a code. */
    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (CliException e) {
            return fail(e.exitCode(), e.getMessage(), Map.of());
        } catch (LogCorruptException e) {
            return fail(ExitCode.CHECK_FAILED, "the log is damaged: " + e.getMessage() + " (run waly verify for details)",
                    Map.of("problemSeq", e.seq(), "problemSegment", String.valueOf(e.segment()), "problemOffset", e.offset()));
        } catch (LogException e) {
            return fail(ExitCode.USAGE, e.getMessage(), Map.of());
        } catch (SQLException e) {
            return fail(ExitCode.USAGE, "database error: " + e.getMessage()
                    + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]"), Map.of());
        } catch (UncheckedIOException e) {
            return fail(ExitCode.USAGE, e.getMessage(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(ExitCode.USAGE, "interrupted", Map.of());
        } catch (Exception e) {
            e.printStackTrace(err());
            return fail(ExitCode.USAGE, "unexpected error: " + e, Map.of());
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** Reports a failure: the message on stderr, and with {@code --json} a JSON document on stdout as well. */
    protected int fail(int code, String message, Map<String, Object> details) {
        err().println("waly " + spec.name() + ": " + message);
        if (json) {
            Map<String, Object> doc = Json.map("ok", false, "exitCode", code, "error", message);
            doc.putAll(details);
            Json.print(out(), doc);
        }
        return code;
    }
}
