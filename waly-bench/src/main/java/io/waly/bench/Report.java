package io.waly.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The run's results as Markdown: one table per workload, the physical bound, replay, and the targets. */
final class Report {
    private Report() {}

    static String markdown(Bench.Results r) {
        StringBuilder sb = new StringBuilder();
        Bench.Options o = r.options;
        sb.append(String.format(Locale.ROOT, "Run: %s, %d counted timed rounds of %s s per variant, %d rounds of fixed work (+1 warm-up each), "
                        + "%d cores, %s %s, %s; %.0f s in all.%n",
                o.quick() ? "--quick" : "full", o.rounds(), trim(o.seconds()), o.fixedRounds(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                r.postgresVersion == null ? "PostgreSQL" : r.postgresVersion.replaceAll(" on .*", ""), r.totalSeconds));
        sb.append(String.format(Locale.ROOT, "pgbench scale: %d branches × %,d accounts; batch %,d rows; %,d literal INSERTs; replay %,d rows.%n%n",
                o.branches(), o.accountsPerBranch(), o.batchRows(), o.literalInserts(), o.replayRows()));

        for (Map.Entry<Workloads.Spec, Map<Variant, List<Measurement>>> e : r.workloads.entrySet()) {
            Workloads.Spec spec = e.getKey();
            Map<Variant, List<Measurement>> m = e.getValue();
            sb.append("#### ").append(spec.title()).append("\n\n");
            sb.append("| variant | ").append(spec.unit()).append("/s (median) | min–max | ratio to raw: median (min–max of rounds) | CPU µs/")
                    .append(unitSingular(spec)).append(" | alloc B/").append(unitSingular(spec)).append(" | log B/")
                    .append(unitSingular(spec)).append(" | p50 µs | p99 µs |\n");
            sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Variant v : spec.variants()) {
                List<Measurement> ms = m.get(v);
                if (ms == null || ms.isEmpty()) continue;
                List<Double> tput = values(ms, Measurement::opsPerSecond);
                List<Double> ratios = ratios(m, v);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s–%s | %s | %.1f | %s | %s | %s | %s |%n", v.label,
                        num(Stats.median(tput)), num(Stats.min(tput)), num(Stats.max(tput)),
                        v == Variant.RAW ? "1" : String.format(Locale.ROOT, "**%.3f** (%.3f–%.3f)", Stats.median(ratios), Stats.min(ratios),
                                Stats.max(ratios)),
                        Stats.median(values(ms, Measurement::cpuMicrosPerOp)),
                        num(Stats.median(values(ms, Measurement::allocatedBytesPerOp))),
                        v == Variant.RAW ? "—" : num(Stats.median(values(ms, Measurement::logBytesPerOp))),
                        num(Stats.median(values(ms, x -> x.p50Nanos() / 1e3))), num(Stats.median(values(ms, x -> x.p99Nanos() / 1e3)))));
            }
            sb.append("\nLatency ").append(spec.latencyNote()).append(".\n\n");
        }

        Bound bound = bound(r);
        if (bound != null) {
            sb.append("#### Physical bound, 1 thread\n\n");
            sb.append(String.format(Locale.ROOT, "t_fsync (200 B write + fdatasync, median of 200, per round): %s µs (%s–%s); raw 1-thread t_tx = %s µs; "
                            + "bound = 1 / (1 + t_fsync / t_tx) = **%.3f**; waly-fsync 1 thread = %.3f × raw = **%.3f × the bound** "
                            + "(per round: %s).%n%n",
                    num(Stats.median(r.fsyncMicros)), num(Stats.min(r.fsyncMicros)), num(Stats.max(r.fsyncMicros)), num(bound.txMicros),
                    bound.bound, bound.fsyncRatio, bound.ofBound, fmtList(bound.perRound)));
        }

        if (r.replay != null) {
            ReplayBench.Result rp = r.replay;
            sb.append("#### Replay\n\n");
            sb.append(String.format(Locale.ROOT, "%,d rows captured through WAL-y (%,d bytes of log, %.0f B/row); rows/s, median of rounds.%n%n",
                    rp.rows(), rp.logBytes(), (double) rp.logBytes() / rp.rows()));
            sb.append("| target | replay rows/s | loader rows/s | replay / loader: median (min–max) |\n| --- | ---: | ---: | ---: |\n");
            replayRow(sb, "PostgreSQL: JdbcReplayer vs plain JDBC batch loader", rp.postgres());
            replayRow(sb, "MongoDB (" + rp.mongoKind() + "): MongoTarget vs insertMany", rp.mongo());
            sb.append('\n');
        }

        sb.append("#### Targets (issue 10)\n\n| target | measured | |\n| --- | --- | --- |\n");
        Map<Variant, List<Measurement>> t8 = find(r, Workloads.TPCB_8);
        if (t8 != null) {
            double f = Stats.median(ratios(t8, Variant.WALY_FSYNC));
            double p6 = Stats.median(ratios(t8, Variant.P6SPY));
            double dp = Stats.median(ratios(t8, Variant.DSPROXY));
            target(sb, "TPC-B 8 threads, waly-fsync ≥ 0.90× raw", f, f >= 0.90);
            target(sb, "… and ahead of p6spy and datasource-proxy", String.format(Locale.ROOT, "%.3f vs %.3f and %.3f", f, p6, dp),
                    f > p6 && f > dp);
            double a = Stats.median(ratios(t8, Variant.WALY_ASYNC));
            target(sb, "TPC-B 8 threads, waly-async ≥ 0.97× raw", a, a >= 0.97);
        }
        Map<Variant, List<Measurement>> t1 = find(r, Workloads.TPCB_1);
        if (t1 != null) {
            double a = Stats.median(ratios(t1, Variant.WALY_ASYNC));
            target(sb, "TPC-B 1 thread, waly-async ≥ 0.97× raw", a, a >= 0.97);
        }
        Map<Variant, List<Measurement>> sel = find(r, Workloads.SELECT_8);
        if (sel != null) {
            double s = Stats.median(ratios(sel, Variant.WALY_FSYNC));
            target(sb, "SELECT-only 8 threads, waly ≥ 0.99× raw", s, s >= 0.99);
        }
        if (bound != null) target(sb, "1 thread waly-fsync ≥ 0.9× the physical bound", bound.ofBound, bound.ofBound >= 0.9);
        if (r.replay != null) {
            double p = Stats.median(r.replay.postgres().stream().map(ReplayBench.Round::ratio).toList());
            double mg = Stats.median(r.replay.mongo().stream().map(ReplayBench.Round::ratio).toList());
            target(sb, "replay → PostgreSQL ≥ 0.8× the JDBC loader", p, p >= 0.8);
            target(sb, "replay → MongoDB ≥ 0.8× insertMany", mg, mg >= 0.8);
        }
        sb.append("| async append ≥ 1 M records/s | log-format JMH (`AppendBench`), not this harness | see log-format |\n");
        return sb.toString();
    }

    record Bound(double txMicros, double bound, double fsyncRatio, double ofBound, List<Double> perRound) {}

    /** Per round: bound_r = 1 / (1 + t_fsync_r / t_tx_r), and waly-fsync's paired ratio over it; the medians. */
    static Bound bound(Bench.Results r) {
        Map<Variant, List<Measurement>> t1 = find(r, Workloads.TPCB_1);
        if (t1 == null || r.fsyncMicros.isEmpty() || t1.get(Variant.WALY_FSYNC) == null) return null;
        List<Measurement> raw = t1.get(Variant.RAW);
        List<Double> ratios = ratios(t1, Variant.WALY_FSYNC);
        List<Double> bounds = new ArrayList<>();
        List<Double> ofBound = new ArrayList<>();
        for (int i = 0; i < Math.min(raw.size(), r.fsyncMicros.size()); i++) {
            double txMicros = 1e6 / raw.get(i).opsPerSecond();
            double b = 1 / (1 + r.fsyncMicros.get(i) / txMicros);
            bounds.add(b);
            ofBound.add(ratios.get(i) / b);
        }
        double tx = 1e6 / Stats.median(values(raw, Measurement::opsPerSecond));
        return new Bound(tx, Stats.median(bounds), Stats.median(ratios), Stats.median(ofBound), ofBound);
    }

    static List<Double> ratios(Map<Variant, List<Measurement>> m, Variant v) {
        List<Measurement> raw = m.get(Variant.RAW);
        List<Measurement> mine = m.get(v);
        List<Double> out = new ArrayList<>();
        if (raw == null || mine == null) return out;
        for (int i = 0; i < Math.min(raw.size(), mine.size()); i++) out.add(mine.get(i).opsPerSecond() / raw.get(i).opsPerSecond());
        return out;
    }

    private static Map<Variant, List<Measurement>> find(Bench.Results r, Workloads.Spec spec) {
        return r.workloads.get(spec);
    }

    private static void replayRow(StringBuilder sb, String what, List<ReplayBench.Round> rounds) {
        List<Double> replay = rounds.stream().map(ReplayBench.Round::replayRowsPerSecond).toList();
        List<Double> loader = rounds.stream().map(ReplayBench.Round::loaderRowsPerSecond).toList();
        List<Double> ratio = rounds.stream().map(ReplayBench.Round::ratio).toList();
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | **%.2f** (%.2f–%.2f) |%n", what, num(Stats.median(replay)), num(Stats.median(loader)),
                Stats.median(ratio), Stats.min(ratio), Stats.max(ratio)));
    }

    private static void target(StringBuilder sb, String what, double value, boolean met) {
        target(sb, what, String.format(Locale.ROOT, "%.3f", value), met);
    }

    private static void target(StringBuilder sb, String what, String value, boolean met) {
        sb.append("| ").append(what).append(" | ").append(value).append(" | ").append(met ? "met" : "**missed**").append(" |\n");
    }

    private static List<Double> values(List<Measurement> ms, ToDoubleFunction<Measurement> f) {
        List<Double> out = new ArrayList<>(ms.size());
        for (Measurement m : ms) out.add(f.applyAsDouble(m));
        return out;
    }

    private static String unitSingular(Workloads.Spec spec) {
        return switch (spec.unit()) {
            case "updates" -> "update";
            case "selects" -> "select";
            case "rows" -> "row";
            case "inserts" -> "insert";
            default -> spec.unit();
        };
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "—";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmtList(List<Double> v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", d));
        return sb.toString();
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
