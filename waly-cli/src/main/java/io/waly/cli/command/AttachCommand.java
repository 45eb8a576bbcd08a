package io.waly.cli.command;

import io.waly.agent.Attach;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attach", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Loads WAL-y's agent into a running JVM: its PostgreSQL connections are logged from then on.",
        description = {
            "Uses the JDK's Attach API, so waly must run on a JDK (not a JRE), as the same user as the target JVM. "
                + "Options are the agent's, as key=value (walyLogDir=/var/lib/app/waly walyDurability=async …); "
                + "pgjdbc classes already loaded in the target are retransformed, connections already open stay as "
                + "they are. Java 21+ targets need -XX:+EnableDynamicAgentLoading to attach without a warning.",
            "",
            "Example:  waly attach --pid 4242 walyLogDir=/var/lib/shop/waly"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:attached",
            "1:the attach failed (no such JVM, refused, the agent could not start)",
            "2:usage error"})
public final class AttachCommand extends WalyCommand {

    @Option(names = "--pid", required = true, paramLabel = "PID", description = "The process id of the running JVM.")
    String pid;

    @Option(names = "--agent-jar", paramLabel = "PATH",
            description = "waly-agent.jar (default: the one built beside this CLI, waly-agent/target/waly-agent.jar).")
    Path agentJar;

    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*", description = "Agent settings, as for -javaagent:waly-agent.jar=….")
    List<String> options = new ArrayList<>();

    @Override
    protected int execute() {
        List<String> args = new ArrayList<>(List.of("--pid", pid));
        Path jar = agentJar != null ? agentJar : besideThisCli();
        if (jar != null) {
            args.add("--agent-jar");
            args.add(jar.toString());
        }
        args.addAll(options);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Attach.run(args.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out().print(o.toString(StandardCharsets.UTF_8));
        err().print(e.toString(StandardCharsets.UTF_8));
        return code;
    }

    /** {@code …/waly-cli/target/waly.jar} → {@code …/waly-agent/target/waly-agent.jar}, when it exists. */
    private static Path besideThisCli() {
        try {
            Path self = Path.of(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = self.getParent().getParent().getParent().resolve("waly-agent").resolve("target").resolve("waly-agent.jar");
            return Files.isRegularFile(candidate) ? candidate : null;
        } catch (Exception notFound) {
            return null;
        }
    }
}
