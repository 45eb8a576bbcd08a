package io.waly.cli.command;

import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true)
public final class DemoCommand extends WalyCommand {
    @Override
    protected int execute() {
        return 0;
    }
}
