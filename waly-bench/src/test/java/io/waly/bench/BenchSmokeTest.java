package io.waly.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Keeps the harness working (issue 10: its quick mode runs in CI): every workload, every variant and both replays,
 * at toy sizes, end to end. Figures from this run mean nothing; the run must only complete and report.
 */
class BenchSmokeTest {

    @Test
    void quickModeRunsEndToEnd() throws Exception {
        Bench.Options o = Bench.Options.parse(new String[] {"--quick", "--rounds", "1", "--fixed-rounds", "1", "--seconds", "0.2", "--branches", "2",
                "--accounts-per-branch", "200", "--batch-rows", "2000", "--literal-inserts", "40", "--replay-rows", "1000"});
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Bench.Results r = Bench.run(o, new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertEquals(Workloads.ALL_SPECS.size(), r.workloads.size());
        r.workloads.forEach((spec, byVariant) -> o.variantsOf(spec).forEach(v -> {   // waly-kafka only when named
            assertEquals(1, byVariant.get(v).size(), spec.name() + " " + v.label);
            assertTrue(byVariant.get(v).get(0).ops() > 0, spec.name() + " " + v.label);
        }));
        assertEquals(1, r.replay.postgres().size());
        assertEquals(1, r.replay.mongo().size());
        String md = Report.markdown(r);
        assertTrue(md.contains("Physical bound"), md);
        assertTrue(md.contains("| waly-fsync |"), md);
        assertFalse(md.contains("NaN"), md);
    }
}
