package io.waly.model;

import io.waly.command.Command;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code policies.record}: what the log leaves out. A table with {@code log: false} is not logged at all — its rows'
 * writes run as the application sends them, with no record (a cache, a session table); its DDL is logged, so a replay
 * creates it, empty. A table with {@code hash: [columns]} is logged with those columns' values replaced by their
 * SHA-256 (parameters, literals in the command and the SQL text, row images, COPY data), each as a value its column's
 * type holds ({@link HashPlan#hash(io.waly.command.Value, String)}); a replay writes the hashes.
 *
 * <pre>
 * policies:
 *   record:
 *     sessions: {log: false}
 *     users: {hash: [email, phone]}
 * </pre>
 */
public final class Recording {
    static final Recording NONE = new Recording(List.of(), Map.of(), Tables.NONE);

    private final List<TableName> unlogged;
    private final Map<TableName, Set<String>> hashed;
    private final Tables tables;

    private Recording(List<TableName> unlogged, Map<TableName, Set<String>> hashed, Tables tables) {
        this.unlogged = unlogged;
        this.hashed = hashed;
        this.tables = tables;
    }

    static Recording read(Node section, Tables tables) {
        List<TableName> unlogged = new ArrayList<>();
        Map<TableName, Set<String>> hashed = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : section.entries("record").entrySet()) {
            Tables.Table declared = tables.require(e.getValue(), e.getKey());
            Map<String, Node> spec = e.getValue().map("record of " + e.getKey(), Set.of("log", "hash"));
            if (spec.isEmpty()) throw e.getValue().error("say what " + e.getKey() + " leaves out: log: false, or hash: [columns]");
            boolean log = !spec.containsKey("log") || spec.get("log").bool("log");
            if (!log && spec.containsKey("hash")) throw spec.get("hash").error(e.getKey() + " is not logged: nothing to hash");
            TableName name = TableName.parse(e.getKey());
            if (!log) unlogged.add(name);
            if (spec.containsKey("hash")) {
                Set<String> cols = new LinkedHashSet<>();
                for (Node c : spec.get("hash").list("hash")) {
                    String col = TableName.parse(c.text("a column")).name();
                    if (declared.columns() != null && !declared.columns().contains(col)) {
                        throw c.error("table " + declared.name() + " declares no column " + col + " (columns: "
                                + String.join(", ", declared.columns()) + ")");
                    }
                    cols.add(col);
                }
                if (cols.isEmpty()) throw spec.get("hash").error("name the columns to hash");
                hashed.put(name, cols);
            }
        }
        return new Recording(List.copyOf(unlogged), hashed, tables);
    }

    public boolean isEmpty() {
        return unlogged.isEmpty() && hashed.isEmpty();
    }

    /**
     * False when the statement writes only tables that are not logged (at least one). DDL is always logged: a replay
     * then has the table, empty.
     */
    public boolean logs(Command c) {
        if (unlogged.isEmpty() || c instanceof Command.Ddl) return true;
        List<Command.Table> written = c.writtenTables();
        if (written.isEmpty()) return true;
        for (Command.Table t : written) if (!isUnlogged(t)) return true;
        return false;
    }

    private boolean isUnlogged(Command.Table t) {
        for (TableName n : unlogged) if (n.matches(t)) return true;
        return false;
    }

    /** Where the statement carries values of hashed columns; null when it carries none. */
    public HashPlan hashing(Command c) {
        if (hashed.isEmpty() || c instanceof Command.Ddl) return null;
        for (Command.Table t : c.writtenTables()) {
            for (Map.Entry<TableName, Set<String>> e : hashed.entrySet()) {
                if (!e.getKey().matches(t)) continue;
                List<String> declared = null;
                for (Tables.Table d : tables.all()) if (TableName.parse(d.name()).sameAs(e.getKey())) declared = d.columns();
                return HashPlan.of(c, e.getValue(), declared);
            }
        }
        return null;
    }

    /** The tables not logged, as the model names them. */
    public List<String> unloggedTables() {
        return unlogged.stream().map(TableName::toString).toList();
    }

    /** Table → columns logged as hashes. */
    public Map<String, List<String>> hashedColumns() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        hashed.forEach((t, c) -> out.put(t.toString(), List.copyOf(c)));
        return out;
    }
}
