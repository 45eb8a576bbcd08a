package io.waly.compat.regress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The runner's two outputs: a markdown table, one row per file (for the README), and a details file with every
 * mismatch (statement, A's outcome, B's outcome), every table and catalog difference and every replay failure.
 */
final class RegressReport {

    /** Outcomes longer than this are cut in the details file; the counts still cover them. */
    private static final int OUTCOME_CHARS = 1500;
    private static final int MISMATCHES_PER_FILE = 40;
    private static final int CATALOG_LINES_PER_FILE = 60;

    private RegressReport() {}

    static void write(String title, List<FileResult> results, Path table, Path details) {
        try {
            if (table.getParent() != null) Files.createDirectories(table.getParent());
            if (details.getParent() != null) Files.createDirectories(details.getParent());
            Files.writeString(table, table(title, results));
            Files.writeString(details, details(title, results));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String table(String title, List<FileResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| file | statements | meta-commands skipped | outcome mismatches A≠B | tables A≠B | catalog A≠B | replay B→C | tables B≠C | catalog B≠C | seconds |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
        int statements = 0, skipped = 0, mismatches = 0, tablesAB = 0, catalogAB = 0, replayOk = 0, tablesBC = 0, catalogBC = 0;
        double seconds = 0;
        for (FileResult r : results) {
            out.append("| ").append(r.file)
                    .append(" | ").append(r.statements)
                    .append(" | ").append(r.skippedMeta)
                    .append(" | ").append(r.mismatches.size())
                    .append(" | ").append(r.tablesPlainVsWaly.size())
                    .append(" | ").append(r.catalogPlainVsWaly.size())
                    .append(" | ").append(cell(replayCell(r)))
                    .append(" | ").append(r.tablesWalyVsReplay.size())
                    .append(" | ").append(r.catalogWalyVsReplay.size())
                    .append(" | ").append(String.format("%.1f", r.seconds)).append(" |\n");
            statements += r.statements;
            skipped += r.skippedMeta;
            mismatches += r.mismatches.size();
            tablesAB += r.tablesPlainVsWaly.size();
            catalogAB += r.catalogPlainVsWaly.size();
            if (!r.replayFailed && r.harnessError == null) replayOk++;
            tablesBC += r.tablesWalyVsReplay.size();
            catalogBC += r.catalogWalyVsReplay.size();
            seconds += r.seconds;
        }
        out.append("| **").append(results.size()).append(" files** | ").append(statements).append(" | ").append(skipped)
                .append(" | ").append(mismatches).append(" in ").append(count(results, r -> !r.mismatches.isEmpty())).append(" files")
                .append(" | ").append(tablesAB).append(" in ").append(count(results, r -> !r.tablesPlainVsWaly.isEmpty())).append(" files")
                .append(" | ").append(catalogAB).append(" in ").append(count(results, r -> !r.catalogPlainVsWaly.isEmpty())).append(" files")
                .append(" | ").append(replayOk).append(" ok, ").append(count(results, r -> r.replayFailed)).append(" failed")
                .append(harnessErrors(results))
                .append(" | ").append(tablesBC).append(" in ").append(count(results, r -> !r.tablesWalyVsReplay.isEmpty())).append(" files")
                .append(" | ").append(catalogBC).append(" in ").append(count(results, r -> !r.catalogWalyVsReplay.isEmpty())).append(" files")
                .append(" | ").append(String.format("%.0f", seconds)).append(" |\n");
        FileResult prelude = results.stream().filter(r -> !r.preludeMismatches.isEmpty()).findFirst().orElse(null);
        if (prelude != null) {
            out.append("\nThe prelude itself has ").append(prelude.preludeMismatches.size())
                    .append(" outcome mismatches (not counted above; see the details).\n");
        }
        return out.toString();
    }

    private static String replayCell(FileResult r) {
        if (r.harnessError != null) return "**harness error** (see details)";
        String cell = r.replay.lines().findFirst().orElse("");
        return cell.length() > 90 ? cell.substring(0, 90) + "…" : cell;
    }

    private static String harnessErrors(List<FileResult> results) {
        int n = count(results, r -> r.harnessError != null);
        return n == 0 ? "" : ", " + n + " harness errors";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static int count(List<FileResult> results, java.util.function.Predicate<FileResult> p) {
        return (int) results.stream().filter(p).count();
    }

    static String details(String title, List<FileResult> results) {
        StringBuilder out = new StringBuilder("# ").append(title).append(" — details\n\n");
        results.stream().filter(r -> !r.preludeMismatches.isEmpty()).findFirst().ifPresent(r -> {
            out.append("## prelude (as run before ").append(r.file).append(")\n\n");
            mismatches(out, r.preludeMismatches);
        });
        for (FileResult r : results) {
            boolean clean = r.mismatches.isEmpty() && r.tablesPlainVsWaly.isEmpty() && r.catalogPlainVsWaly.isEmpty()
                    && !r.replayFailed && r.tablesWalyVsReplay.isEmpty() && r.catalogWalyVsReplay.isEmpty()
                    && r.stopped == null && r.harnessError == null;
            if (clean) continue;
            out.append("## ").append(r.file).append("\n\n");
            if (r.harnessError != null) out.append("**harness error:** ").append(r.harnessError).append("\n\n");
            if (r.stopped != null) out.append("**stopped:** ").append(r.stopped).append("\n\n");
            mismatches(out, r.mismatches);
            lines(out, "tables A≠B", r.tablesPlainVsWaly, Integer.MAX_VALUE);
            lines(out, "catalog A≠B", r.catalogPlainVsWaly, CATALOG_LINES_PER_FILE);
            if (r.replayFailed) out.append("**replay B→C failed:**\n\n```\n").append(r.replay).append("\n```\n\n");
            lines(out, "tables B≠C", r.tablesWalyVsReplay, Integer.MAX_VALUE);
            lines(out, "catalog B≠C", r.catalogWalyVsReplay, CATALOG_LINES_PER_FILE);
        }
        return out.toString();
    }

    private static void mismatches(StringBuilder out, List<FileResult.Mismatch> mismatches) {
        if (mismatches.isEmpty()) return;
        out.append("**").append(mismatches.size()).append(" outcome mismatches**\n\n");
        for (FileResult.Mismatch m : mismatches.subList(0, Math.min(MISMATCHES_PER_FILE, mismatches.size()))) {
            out.append("- ").append(m.file()).append(" line ").append(m.line()).append(":\n\n```sql\n").append(cut(m.sql()))
                    .append("\n```\nA (pgjdbc):\n```\n").append(cut(m.plain())).append("\n```\nB (WAL-y):\n```\n")
                    .append(cut(m.waly())).append("\n```\n\n");
        }
        if (mismatches.size() > MISMATCHES_PER_FILE) out.append("- … and ").append(mismatches.size() - MISMATCHES_PER_FILE).append(" more\n\n");
    }

    private static void lines(StringBuilder out, String heading, List<String> lines, int max) {
        if (lines.isEmpty()) return;
        out.append("**").append(heading).append("** (").append(lines.size()).append(")\n\n```\n");
        lines.stream().limit(max).forEach(l -> out.append(cut(l)).append('\n'));
        if (lines.size() > max) out.append("… and ").append(lines.size() - max).append(" more\n");
        out.append("```\n\n");
    }

    private static String cut(String text) {
        if (text == null) return "(nothing: not run)";
        String t = text.replace("```", "'''");
        return t.length() > OUTCOME_CHARS ? t.substring(0, OUTCOME_CHARS) + "… (" + t.length() + " chars)" : t;
    }
}
