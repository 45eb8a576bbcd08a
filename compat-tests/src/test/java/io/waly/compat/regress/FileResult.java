package io.waly.compat.regress;

import java.util.ArrayList;
import java.util.List;

/** What the runner found for one script: A (pgjdbc) vs B (WAL-y), then B vs C (B's log replayed). */
final class FileResult {

    /** A statement whose outcome differs between A and B (or that only one of them ran). */
    record Mismatch(String file, int line, String sql, String plain, String waly) {}

    final String file;
    int statements;
    int skippedMeta;
    final List<Mismatch> mismatches = new ArrayList<>();
    /** Mismatches in the prelude's statements, reported apart: the prelude is the same for every file. */
    final List<Mismatch> preludeMismatches = new ArrayList<>();
    List<String> tablesPlainVsWaly = List.of();
    List<String> catalogPlainVsWaly = List.of();
    /** "ok (N transactions)", or why replay failed. */
    String replay = "not run";
    boolean replayFailed;
    List<String> tablesWalyVsReplay = List.of();
    List<String> catalogWalyVsReplay = List.of();
    /** Why A or B stopped before the end of the file (time limit, {@code \q}), or null. */
    String stopped;
    /** A failure of the harness itself (a server that could not be reset, …), or null. */
    String harnessError;
    double seconds;

    FileResult(String file) {
        this.file = file;
    }
}
