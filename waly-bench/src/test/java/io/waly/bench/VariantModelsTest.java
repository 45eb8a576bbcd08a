package io.waly.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.waly.jdbc.sql.StatementShape;
import io.waly.model.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The models the benchmark's variants run with load, and waly-commands recognises every write TPC-B sends. */
class VariantModelsTest {

    @Test
    void theCommandsModelRecognisesEachTpcbWrite() {
        Model.parse(Variant.RULES, "waly-policies");
        Model m = Model.parse(Variant.COMMANDS, "waly-commands");
        for (String sql : List.of(Workloads.UPDATE_ACCOUNT, Workloads.UPDATE_TELLER, Workloads.UPDATE_BRANCH, Workloads.INSERT_HISTORY)) {
            assertNotNull(m.commands().recognise(StatementShape.of(sql).key()), sql);
        }
        assertEquals("RECORD_HISTORY", m.commands().recognise(StatementShape.of(Workloads.INSERT_HISTORY).key()).command().name());
    }
}
