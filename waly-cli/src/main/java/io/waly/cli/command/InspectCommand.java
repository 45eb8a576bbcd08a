package io.waly.cli.command;

import picocli.CommandLine.Command;

@Command(name = "inspect", mixinStandardHelpOptions = true)
public final class InspectCommand extends WalyCommand {
    @Override
    protected int execute() {
        return 0;
    }
}
