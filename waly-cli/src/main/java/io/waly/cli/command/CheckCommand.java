package io.waly.cli.command;

import picocli.CommandLine.Command;

@Command(name = "check", mixinStandardHelpOptions = true)
public final class CheckCommand extends WalyCommand {
    @Override
    protected int execute() {
        return 0;
    }
}
