package io.waly.model;

import io.waly.command.Command;
import io.waly.log.payload.Payloads;
import io.waly.log.replay.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route of {@code policies.routes}: the part of the log a replay target takes ({@code waly replay --route NAME}).
 * A statement is taken when its kind is among {@code kinds} (none given: every kind) and it writes one of
 * {@code tables} (none given: every table); a statement that names no table (SET, a sequence function, DO) is taken
 * whenever its kind is. For CREATE INDEX the table indexed counts.
 *
 * <pre>
 * policies:
 *   routes:
 *     read-model:
 *       tables: [accounts, /order_.*&#47;]
 *       kinds: [INSERT, UPDATE, DELETE, CREATE TABLE]
 * </pre>
 */
public final class ModelRoute implements Route {
    private final String name;
    private final TableSet tables;
    private final KindSet kinds;

    private ModelRoute(String name, TableSet tables, KindSet kinds) {
        this.name = name;
        this.tables = tables;
        this.kinds = kinds;
    }

    static ModelRoute read(String name, Node node, Tables declared) {
        Map<String, Node> m = node.map("route " + name, Set.of("tables", "kinds"));
        TableSet tables = m.containsKey("tables") ? TableSet.read(m.get("tables"), declared) : TableSet.ANY;
        KindSet kinds = m.containsKey("kinds") ? KindSet.read(m.get("kinds")) : KindSet.ANY;
        return new ModelRoute(name, tables, kinds);
    }

    @Override
    public boolean takes(Payloads.Statement statement) {
        Command c = statement.command();
        if (!kinds.matches(c)) return false;
        if (tables.isAny()) return true;
        List<Command.Table> named = new ArrayList<>(c.writtenTables());
        if (c instanceof Command.Ddl.CreateIndex i) named.add(i.table());
        return named.isEmpty() || tables.matchesAny(named);
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!tables.isAny()) parts.add("tables " + tables);
        if (!kinds.isAny()) parts.add("kinds " + kinds);
        return "route " + name + (parts.isEmpty() ? " (everything)" : " (" + String.join("; ", parts) + ")");
    }
}
