package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Cli.Run run = Cli.run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("demo", "verify", "inspect", "stats", "replay", "check")
                .contains("Exit codes").contains("0   ok").contains("1   a check failed").contains("2   usage or environment error");
        for (String cmd : new String[] {"demo", "verify", "inspect", "stats", "replay", "check"}) {
            Cli.Run help = Cli.run(cmd, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).as(cmd).contains("Usage: waly " + cmd).contains("--json").contains("Exit codes:");
        }
    }

    @Test
    void versionAndUsageErrors() {
        Cli.Run version = Cli.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("waly ").contains("log format 1");
        Cli.Run none = Cli.run();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).contains("Usage: waly");
        assertThat(Cli.run("nonsense").exitCode()).isEqualTo(2);
        assertThat(Cli.run("stats", "--bogus").exitCode()).isEqualTo(2);
    }
}
