package io.waly.jdbc.commands;

import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import io.waly.log.tx.Transaction;
import io.waly.model.Commands;
import io.waly.model.DeclaredCommand;
import io.waly.model.Versions;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replay into a schema version ({@code waly replay --schema-version N}) of application commands whose body differs
 * between versions: a command written under another version than the target's runs the target's body with the
 * arguments its record holds, instead of having the statements it ran mapped row by row. The rest of the transaction is
 * mapped as always ({@code VersionShift}); the body's statements take the place of the command's. Driver-internal.
 */
public final class BodiesInVersion {
    private final Commands commands;
    private long replaced;

    public BodiesInVersion(Commands commands) {
        this.commands = commands;
    }

    /** A transaction with some commands' statements taken out, and what goes back in their place. */
    public record Split(Transaction rest, List<Integer> positions, Map<Integer, List<Transaction.Step>> bodies) {}

    /**
     * Takes out of {@code tx}, written under {@code written}, the statements of each command whose body at {@code at}
     * differs from the one it ran, when all of them succeeded; null when there is none.
     */
    public Split split(Transaction tx, Versions.Version written, Versions.Version at) {
        if (written == null || at == null || written.index() == at.index()) return null;
        Map<Payloads.AppCommand, Boolean> swap = new IdentityHashMap<>();
        for (Transaction.Step step : tx.steps()) {
            if (!(step instanceof Transaction.StatementStep st) || st.command() == null) continue;
            boolean ok = swap.getOrDefault(st.command(), Boolean.TRUE) && st.succeeded();
            swap.put(st.command(), ok && differs(st.command(), written, at));
        }
        if (!swap.containsValue(Boolean.TRUE)) return null;
        List<Transaction.Step> rest = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        Map<Integer, List<Transaction.Step>> bodies = new java.util.HashMap<>();
        Map<Payloads.AppCommand, Boolean> placed = new IdentityHashMap<>();
        List<Transaction.Step> steps = tx.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Transaction.StatementStep st && st.command() != null && swap.get(st.command())) {
                if (placed.put(st.command(), Boolean.TRUE) == null) bodies.put(i, body(st, at));
                continue;
            }
            rest.add(steps.get(i));
            positions.add(i);
        }
        return new Split(tx.withSteps(rest), positions, bodies);
    }

    /** {@code shifted} (the rest, mapped step for step) with the bodies back in their place. */
    public Transaction merge(Split split, Transaction original, Transaction shifted) {
        List<Transaction.Step> out = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < original.steps().size(); i++) {
            List<Transaction.Step> body = split.bodies().get(i);
            if (body != null) {
                out.addAll(body);
                replaced++;
            } else if (k < split.positions().size() && split.positions().get(k) == i) {
                out.add(shifted.steps().get(k++));
            }
        }
        return shifted.withSteps(out);
    }

    /** What the summary says: commands run by the target version's body. */
    public String note() {
        return replaced == 0 ? null : replaced + " application commands run by the body of the target's schema version";
    }

    private boolean differs(Payloads.AppCommand record, Versions.Version written, Versions.Version at) {
        DeclaredCommand c = commands.named(record.name());
        return c != null && commands.inVersion(c, written).body() != commands.inVersion(c, at).body();
    }

    /** The body at {@code at} as statements with the record's arguments, each as its argument's type. */
    private List<Transaction.Step> body(Transaction.StatementStep first, Versions.Version at) {
        DeclaredCommand c = commands.inVersion(commands.named(first.command().name()), at);
        Map<String, Value> args = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        args.putAll(first.command().args());
        List<Transaction.Step> out = new ArrayList<>();
        for (DeclaredCommand.Statement st : c.body()) {
            List<Value> params = new ArrayList<>();
            for (String name : st.params()) params.add(c.arg(name).type().canonical(args.getOrDefault(name, Value.NULL)));
            Payloads.Statement s = first.statement();
            Payloads.Statement sent = new Payloads.Statement(st.sql(), params, null, st.command(), s.autocommit(), -1, null,
                    s.connection(), true);
            out.add(new Transaction.StatementStep(first.seq(), sent, Payloads.Outcome.ok(first.seq(), null, List.of()), first.command()));
        }
        return out;
    }
}
