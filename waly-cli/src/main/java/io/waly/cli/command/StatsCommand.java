package io.waly.cli.command;

import picocli.CommandLine.Command;

@Command(name = "stats", mixinStandardHelpOptions = true)
public final class StatsCommand extends WalyCommand {
    @Override
    protected int execute() {
        return 0;
    }
}
