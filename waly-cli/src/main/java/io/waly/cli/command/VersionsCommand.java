package io.waly.cli.command;

import io.waly.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code waly versions …}: the model's schema versions. */
@Command(name = "versions", mixinStandardHelpOptions = true,
        header = "The model's schema versions: check the up/down pairs on the log's rows; create, list, retire versioned views.",
        description = {"Subcommands work on the versions: section of a model file (waly-model/README.md, \"Versions\")."},
        subcommands = {VersionsCheckCommand.class, VersionsViewsCommand.Create.class, VersionsViewsCommand.ListViews.class,
            VersionsViewsCommand.Retire.class})
public final class VersionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: the usage, and a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
