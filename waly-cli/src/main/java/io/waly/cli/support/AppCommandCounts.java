package io.waly.cli.support;

import io.waly.log.LogRecord;
import io.waly.log.payload.Payloads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code waly stats}' count of application commands (COMMAND records): per name, those of committed transactions, called
 * and recognised; and how many were in transactions that rolled back. Fed every record in log order.
 */
public final class AppCommandCounts {
    /** A command's committed count: called by the application, recognised from a statement's shape. */
    public record Count(long called, long recognised) {
        public long total() {
            return called + recognised;
        }
    }

    private final Map<Long, List<Payloads.AppCommand>> open = new HashMap<>();
    private final Map<String, long[]> committed = new TreeMap<>();
    private long rolledBack;

    public void accept(LogRecord r) {
        switch (r.kind()) {
            case COMMAND -> open.computeIfAbsent(r.txId(), k -> new ArrayList<>()).add(Payloads.AppCommand.decode(r.payload()));
            case COMMITTED -> {
                List<Payloads.AppCommand> done = open.remove(r.txId());
                if (done == null) return;
                for (Payloads.AppCommand c : done) {
                    long[] n = committed.computeIfAbsent(c.name(), k -> new long[2]);
                    n[Payloads.AppCommand.RECOGNISED.equals(c.via()) ? 1 : 0]++;
                }
            }
            case ROLLBACK -> {
                List<Payloads.AppCommand> undone = open.remove(r.txId());
                if (undone != null) rolledBack += undone.size();
            }
            default -> { }
        }
    }

    /** Per command name (sorted), the commands of committed transactions. */
    public Map<String, Count> committed() {
        Map<String, Count> out = new TreeMap<>();
        committed.forEach((k, n) -> out.put(k, new Count(n[0], n[1])));
        return out;
    }

    /** Commands whose transaction rolled back (or whose commit failed): not in the database, not replayed. */
    public long rolledBack() {
        return rolledBack;
    }

    /** {@code CREATE_ACCOUNT 3 (2 called, 1 recognised), DEPOSIT 2}; null when the log has no command. */
    public String line() {
        if (committed.isEmpty() && rolledBack == 0) return null;
        List<String> parts = new ArrayList<>();
        committed().forEach((k, c) -> parts.add(k + " " + Numbers.count(c.total())
                + (c.called() > 0 && c.recognised() > 0 ? " (" + c.called() + " called, " + c.recognised() + " recognised)"
                : c.recognised() > 0 ? " (recognised)" : "")));
        if (rolledBack > 0) parts.add(Numbers.count(rolledBack) + " more rolled back");
        return String.join(", ", parts);
    }
}
