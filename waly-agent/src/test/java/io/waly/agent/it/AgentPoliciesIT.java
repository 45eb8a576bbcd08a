package io.waly.agent.it;

import static io.waly.agent.it.TestClassPath.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import io.waly.log.read.LogReader;
import io.waly.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's mutation policies under the agent (walyModel in the agent's arguments): an unmodified application's
 * unbounded DELETE, TRUNCATE of a protected table, mass UPDATE and DROP TABLE are refused in enforce mode and let
 * through with a warning in warn mode; the log shows each.
 */
class AgentPoliciesIT {

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"enforce", "warn"})
    void guardRailsOnAnUnmodifiedApplication(String mode) throws Exception {
        Path model = work.resolve("model.yaml");
        Files.writeString(model, """
                tables:
                  accounts: {}
                policies:
                  rules:
                    - {name: no-unbounded-delete, match: {kind: DELETE, where: unbounded}, action: deny, mode: %1$s}
                    - {name: protect-accounts, match: {kind: [TRUNCATE, DROP TABLE], tables: [accounts]}, action: deny, mode: %1$s}
                    - {name: mass-update, match: {kind: UPDATE}, action: limit, rows: 5, mode: %1$s}
                """.formatted(mode));
        String url = EmbeddedPostgresServer.shared().newDatabase("agent_policies_" + mode);
        Path pgjdbc = TestClassPath.pgjdbc();
        Path app = TestApps.build("guarded", work, pgjdbc.toString());
        Path log = work.resolve("log");

        ChildJvm.Result r = ChildJvm.run(ChildJvm.java(), work, AgentApplicationsIT.agent(log, "walyModel=" + model),
                join(app, pgjdbc), "app.GuardedApp", url);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        assertThat(r.out()).isEqualTo(mode.equals("enforce")
                ? "UPDATE WY002\nDELETE WY001\nTRUNCATE WY001\nDROP WY001\n"
                : "UPDATE ok\nDELETE ok\nTRUNCATE ok\nDROP ok\n");
        List<Payloads.Policy> decisions = new ArrayList<>();
        try (LogReader reader = LogReader.open(log)) {
            LogRecord rec;
            while ((rec = reader.next()) != null) {
                if (rec.kind() == RecordKind.POLICY) decisions.add(Payloads.Policy.decode(rec.payload()));
            }
        }
        assertThat(decisions).extracting(Payloads.Policy::rule)
                .containsExactly("mass-update", "no-unbounded-delete", "protect-accounts", "protect-accounts");
        assertThat(decisions).extracting(Payloads.Policy::event)
                .containsOnly(mode.equals("enforce") ? Payloads.Policy.REFUSED : Payloads.Policy.WARNED);
        assertThat(decisions.get(0).rows()).isEqualTo(10);
        assertThat(decisions.get(1).sql()).isEqualTo("DELETE FROM accounts WHERE 1 = 1");
    }
}
