package io.waly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waly.cli.ShopLogs.ShopLog;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class CheckCommandTest {

    @Test
    void aFaithfulLogPassesAndAChangeBehindWalysBackIsNamed() throws Exception {
        ShopLog shop = ShopLogs.write("check", 2, 15, 1, 10, 21, "");
        String log = shop.log().toString();

        // the default scratch: a private embedded PostgreSQL
        Cli.Run ok = Cli.run("check", "--log", log, "--source", shop.sourceUrl());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("ok: all 5 tables and the catalog of the replay equal the source")
                .contains("owners and grants not compared").contains("compared at log position");

        // a write that did not go through WAL-y
        try (Connection c = DriverManager.getConnection(shop.sourceUrl()); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE product SET stock = stock + 1 WHERE id = 3");
        }
        Cli.Run bad = Cli.run("check", "--log", log, "--source", shop.sourceUrl(), "--scratch", ShopLogs.newDatabase("check_scratch"));
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).containsPattern("public\\.product\\s+DIFFERS").contains("FAILED: 1 of 5 tables differ: public.product");

        Cli.Run json = Cli.run("check", "--log", log, "--source", shop.sourceUrl(), "--scratch", ShopLogs.newDatabase("check_scratch"), "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode j = ReplayCommandTest.JSON.readTree(json.out());
        assertThat(j.get("ok").asBoolean()).isFalse();
        assertThat(j.get("differ").toString()).isEqualTo("[\"public.product\"]");
        assertThat(j.get("quiescent").asBoolean()).isTrue();
    }

    @Test
    void aSchemaChangeBehindWalysBackIsNamedEvenWhenEveryRowIsEqual() throws Exception {
        ShopLog shop = ShopLogs.write("check_catalog", 1, 10, 1, 5, 22, "");
        try (Connection c = DriverManager.getConnection(shop.sourceUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX product_stock ON product (stock)");
            s.execute("COMMENT ON TABLE product IS 'not through WAL-y'");
        }
        Cli.Run bad = Cli.run("check", "--log", shop.log().toString(), "--source", shop.sourceUrl(), "--json");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
        JsonNode j = ReplayCommandTest.JSON.readTree(bad.out());
        assertThat(j.get("differ")).isEmpty();
        assertThat(j.get("catalogDiffers").toString()).contains("product_stock").contains("not through WAL-y");
        assertThat(j.get("ownersAndGrantsCompared").asBoolean()).isFalse();

        Cli.Run text = Cli.run("check", "--log", shop.log().toString(), "--source", shop.sourceUrl());
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out()).contains("catalog  DIFFERS").contains("FAILED: the catalog differs in 2 places");
    }

    @Test
    void unreachableSourceOrBadScratchIsAnEnvironmentError() throws Exception {
        ShopLog shop = ShopLogs.shared();
        assertThat(Cli.run("check", "--log", shop.log().toString(), "--source", "jdbc:postgresql://127.0.0.1:1/x?user=x").exitCode()).isEqualTo(2);
        // a scratch that is not empty: replay refuses it
        Cli.Run notEmpty = Cli.run("check", "--log", shop.log().toString(), "--source", shop.sourceUrl(), "--scratch", shop.sourceUrl());
        assertThat(notEmpty.exitCode()).as(notEmpty.toString()).isEqualTo(2);
    }
}
