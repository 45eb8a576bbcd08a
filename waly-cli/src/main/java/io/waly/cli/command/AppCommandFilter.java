package io.waly.cli.command;

import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code waly inspect --command NAME}: the COMMAND records of these application commands, the statements each stands
 * for (the next {@code statements} STATEMENT records of its transaction) and those statements' outcomes.
 */
final class AppCommandFilter {
    private final Set<String> names = new HashSet<>();
    /** Transaction → statements still to show of the command just shown. */
    private final Map<Long, Integer> covering = new HashMap<>();
    /** The stream sequence numbers of the statements shown, whose outcomes are shown too. */
    private final Set<Long> shownStatements = new HashSet<>();

    AppCommandFilter(List<String> names) {
        for (String n : names) this.names.add(n.trim().toLowerCase(Locale.ROOT));
    }

    boolean shows(LogRecord r) {
        if (r.kind() == RecordKind.COMMAND) {
            Payloads.AppCommand c = Payloads.AppCommand.decode(r.payload());
            if (!names.contains(c.name().toLowerCase(Locale.ROOT))) return false;
            covering.put(r.txId(), c.statements());
            return true;
        }
        if (r.kind() == RecordKind.STATEMENT) {
            Integer left = covering.get(r.txId());
            if (left == null) return false;
            if (left <= 1) covering.remove(r.txId());
            else covering.put(r.txId(), left - 1);
            shownStatements.add(r.streamSeq());
            return true;
        }
        if (r.kind() == RecordKind.OUTCOME) {
            return shownStatements.remove(Payloads.Outcome.decode(r.payload()).statementSeq());
        }
        if (r.kind().endsTransaction()) covering.remove(r.txId());
        return false;
    }
}
