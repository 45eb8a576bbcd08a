package io.waly.cli;

import io.waly.cli.command.AttachCommand;
import io.waly.cli.command.CheckCommand;
import io.waly.cli.command.CopyCommand;
import io.waly.cli.command.DemoCommand;
import io.waly.cli.command.InspectCommand;
import io.waly.cli.command.ReplayCommand;
import io.waly.cli.command.StatsCommand;
import io.waly.cli.command.VerifyCommand;
import io.waly.cli.command.VersionsCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code waly}: the command line of WAL-y. Each subcommand is a class of its own in {@code io.waly.cli.command};
 * stdout carries only a command's output (text, or JSON with {@code --json}), stderr carries progress and diagnostics.
 */
@Command(name = "waly", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "WAL-y: a write-ahead log above PostgreSQL. Verify, inspect and replay the log your application writes",
            "through jdbc:waly:postgresql://…",
            ""},
        subcommands = {DemoCommand.class, VerifyCommand.class, InspectCommand.class, StatsCommand.class,
            ReplayCommand.class, CheckCommand.class, CopyCommand.class, AttachCommand.class, VersionsCommand.class,
            CommandLine.HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes (every command):%n", exitCodeList = {
            "0:ok",
            "1:a check failed: the log is damaged (verify), a table differs (check), replay stopped on a failing statement",
            "2:usage or environment error: bad option, no log, database unreachable, target refused"},
        footer = {"", "Every command takes --json for machine-readable output (jq) and --help for its options.",
            "Start with: waly demo"})
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** {@code waly} without a command: the usage, on stderr, and exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
