package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.cli.ShopLogs.ShopLog;
import org.junit.jupiter.api.Test;

class ReplayCommandTest {

    @Test
    void replayReproducesTheSource() throws Exception {
        ShopLog shop = ShopLogs.shared();
        String target = ShopLogs.newDatabase("replay_full");
        Cli.Run run = Cli.run("replay", "--log", shop.log().toString(), "--target", target);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        System.out.println(run); assertThat(run.out()).contains("replayed").contains("transactions");
        assertThat(ShopLogs.checksums(target)).isEqualTo(shop.sourceChecksums());
    }
}
