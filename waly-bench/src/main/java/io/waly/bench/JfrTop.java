package io.waly.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time went, from a JFR recording of a harness run (async-profiler is not available here): CPU samples by
 * method, self and inclusive; and, for the benchmark's worker threads, the waits that CPU samples do not show —
 * file forces, socket reads (round trips to PostgreSQL) and parks (group commit, pool) — attributed to the first
 * WAL-y, pgjdbc or HikariCP frame on the stack.
 *
 * <pre>
 * java -XX:StartFlightRecording:filename=/tmp/w.jfr,settings=waly-bench/jfr/waits.jfc -jar waly-bench/target/waly-bench.jar \
 *      --only tpcb-8 --variants waly-fsync
 * java -cp waly-bench/target/waly-bench.jar io.waly.bench.JfrTop /tmp/w.jfr [top-N [thread-name-prefix]]
 * </pre>
 */
public final class JfrTop {
    private JfrTop() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String threads = args.length > 2 ? args[2] : "";   // CPU samples of threads whose name starts so
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        Map<String, long[]> waits = new HashMap<>();   // kind @ frame → {count, nanos}
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            RecordedStackTrace st = e.getStackTrace();
            if (type.equals("jdk.ExecutionSample")) {
                if (st == null || st.getFrames().isEmpty()) continue;
                RecordedThread t = e.getThread("sampledThread");
                if (!threads.isEmpty() && (t == null || t.getJavaName() == null || !t.getJavaName().startsWith(threads))) continue;
                samples++;
                self.merge(name(st.getFrames().get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : st.getFrames()) {
                    String n = name(f);
                    if (seen.add(n)) inclusive.merge(n, 1, Integer::sum);
                }
            } else if (type.equals("jdk.FileForce") || type.equals("jdk.SocketRead") || type.equals("jdk.ThreadPark")
                    || type.equals("jdk.JavaMonitorEnter") || type.equals("jdk.FileWrite")) {
                RecordedThread t = e.getThread();
                String thread = t == null || t.getJavaName() == null ? "?" : t.getJavaName();
                String who = thread.startsWith("bench-worker") ? "worker" : thread.replaceAll("[-0-9]+$", "");
                String key = String.format("%-20s %-12s %s", type.substring(4), who, firstOwnFrame(st));
                long[] a = waits.computeIfAbsent(key, k -> new long[2]);
                a[0]++;
                a[1] += e.getDuration().toNanos();
            }
        }
        System.out.printf(Locale.ROOT, "%,d CPU samples%n%nself:%n", samples);
        print(self, samples, top);
        System.out.printf("%ninclusive:%n");
        print(inclusive, samples, top * 2);
        System.out.printf("%nwaits (event, thread, first WAL-y/pgjdbc/Hikari frame): count, total ms, mean µs%n");
        waits.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "%,9d %10.1f %9.1f  %s%n", en.getValue()[0], en.getValue()[1] / 1e6,
                        en.getValue()[1] / 1e3 / en.getValue()[0], en.getKey()));
    }

    private static void print(Map<String, Integer> counts, int samples, int top) {
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * en.getValue() / samples, en.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** "first WAL-y frame / first pgjdbc API frame": who waited, and in which JDBC call. */
    private static String firstOwnFrame(RecordedStackTrace st) {
        if (st == null || st.getFrames().isEmpty()) return "?";
        String waly = null;
        String jdbc = null;
        for (RecordedFrame f : st.getFrames()) {
            String n = name(f);
            if (waly == null && n.startsWith("io.waly.") && !n.startsWith("io.waly.bench.")) waly = n;
            if (jdbc == null && (n.startsWith("org.postgresql.jdbc.") || n.startsWith("com.zaxxer.hikari.pool.HikariPool"))) jdbc = n;
        }
        if (waly == null && jdbc == null) return name(st.getFrames().get(0));
        return (waly == null ? "-" : waly) + " / " + (jdbc == null ? "-" : jdbc);
    }
}
