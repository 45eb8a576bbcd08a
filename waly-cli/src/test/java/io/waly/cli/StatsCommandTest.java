package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waly.cli.ShopLogs.ShopLog;
import io.waly.cli.demo.ShopWorkload;
import org.junit.jupiter.api.Test;

class StatsCommandTest {

    @Test
    void countsTransactionsTablesCommandsBytesAndTime() throws Exception {
        ShopLog shop = ShopLogs.shared();
        ShopWorkload.Result w = shop.result();
        Cli.Run run = Cli.run("stats", "--log", shop.log().toString(), "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode j = ReplayCommandTest.JSON.readTree(run.out());
        long ddl = 5, seed = 1;
        JsonNode tx = j.get("transactions");
        assertThat(tx.get("committed").asLong()).isEqualTo(ddl + seed + w.committed());
        // refused and cancelled transfers, orders out of stock, and the failing autocommit INSERT of each order thread
        assertThat(tx.get("rolledBack").asLong()).isEqualTo(w.rolledBack() + w.failedStatements.get());
        assertThat(tx.get("inDoubt").asLong()).isZero();
        assertThat(tx.get("unfinished").asLong()).isZero();
        assertThat(tx.get("committed").asLong()).isEqualTo(ReplayCommandTest.committedTransactions(shop.log()));
        assertThat(j.get("records").asLong()).isEqualTo(ReplayCommandTest.lastSeq(shop.log()));
        assertThat(j.get("lastSeq").asLong()).isEqualTo(j.get("records").asLong());
        assertThat(j.get("segments").asInt()).isEqualTo(1);
        assertThat(j.get("bytes").asLong()).isPositive();
        assertThat(j.get("spanSeconds").asDouble()).isPositive();
        assertThat(j.get("recordKinds").get("BEGIN").asLong())
                .isEqualTo(tx.get("committed").asLong() + tx.get("rolledBack").asLong());
        assertThat(j.get("recordKinds").get("ROLLBACK_TO").asLong()).isEqualTo(w.savepointsUndone.get());
        assertThat(j.get("commands").get("CREATE TABLE").asLong()).isEqualTo(5);
        assertThat(j.get("tables").get("transfer").get("statements").asLong()).isEqualTo(w.transfers.get() + 1);   // and CREATE TABLE
        assertThat(j.get("tables").get("transfer").get("rows").asLong()).isEqualTo(w.transfers.get());
        assertThat(j.get("tables").get("orders").get("statements").asLong())
                .isEqualTo(2 * w.orders.get() + w.shipped.get() + 1);   // INSERT + total UPDATE per order, shipments, CREATE TABLE

        Cli.Run text = Cli.run("stats", "--log", shop.log().toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("transactions  " + tx.get("committed").asLong() + " committed")
                .contains("records").contains("time span").contains("account").contains("CREATE TABLE 5");
    }
}
