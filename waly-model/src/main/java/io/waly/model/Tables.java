package io.waly.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tables:} section: the tables the model names, each with its columns when they are given. Every name the
 * other sections use must be declared here, so that a misspelt table is refused when the model loads instead of never
 * matching; a table that declares its columns has its column names checked as well.
 *
 * <pre>
 * tables:
 *   accounts: {columns: [id, email, balance]}
 *   sessions: {}
 * </pre>
 */
public final class Tables {
    /** A declared table; {@code columns} null when not given (then column names are not checked). */
    public record Table(String name, List<String> columns, int line) {}

    static final Tables NONE = new Tables(Map.of());

    private final Map<TableName, Table> declared;

    private Tables(Map<TableName, Table> declared) {
        this.declared = declared;
    }

    static Tables read(Node section) {
        Map<TableName, Table> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : section.entries("tables").entrySet()) {
            Map<String, Node> t = e.getValue().map("table " + e.getKey(), Set.of("columns"));
            List<String> columns = null;
            if (t.containsKey("columns")) {
                columns = new ArrayList<>();
                for (String c : t.get("columns").texts("columns")) columns.add(TableName.parse(c).name());
            }
            out.put(TableName.parse(e.getKey()), new Table(e.getKey(), columns, e.getValue().line));
        }
        return new Tables(out);
    }

    /** The declared table {@code at} names; an error at {@code at} when none is declared. */
    Table require(Node at, String name) {
        TableName n = TableName.parse(name);
        for (Map.Entry<TableName, Table> e : declared.entrySet()) if (e.getKey().sameAs(n)) return e.getValue();
        throw at.error("unknown table " + name + (declared.isEmpty() ? " (the model declares no tables: list them under tables:)"
                : " (declared: " + String.join(", ", declared.values().stream().map(Table::name).toList()) + ")"));
    }

    /** Every declared table, in file order. */
    public List<Table> all() {
        return List.copyOf(declared.values());
    }
}
