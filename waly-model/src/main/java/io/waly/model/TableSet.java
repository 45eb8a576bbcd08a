package io.waly.model;

import io.waly.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Tables a rule or a route names: declared names ({@code accounts}, {@code public.accounts}) and patterns between
 * slashes ({@code /audit_.*&#47;}, a Java regular expression matched, case aside, against the whole table name, and
 * against {@code schema.name} when the statement names a schema). Empty: every table.
 */
final class TableSet {
    static final TableSet ANY = new TableSet(List.of(), List.of(), List.of());

    private final List<TableName> names;
    private final List<Pattern> patterns;
    private final List<String> written;

    private TableSet(List<TableName> names, List<Pattern> patterns, List<String> written) {
        this.names = names;
        this.patterns = patterns;
        this.written = written;
    }

    static TableSet read(Node node, Tables tables) {
        List<TableName> names = new ArrayList<>();
        List<Pattern> patterns = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (Node n : node.list("tables")) {
            String t = n.text("a table").trim();
            written.add(t);
            if (t.length() >= 2 && t.startsWith("/") && t.endsWith("/")) {
                try {
                    patterns.add(Pattern.compile(t.substring(1, t.length() - 1), Pattern.CASE_INSENSITIVE));
                } catch (PatternSyntaxException e) {
                    throw n.error("the pattern " + t + " does not compile: " + e.getDescription() + " near index " + e.getIndex());
                }
            } else {
                tables.require(n, t);
                names.add(TableName.parse(t));
            }
        }
        return new TableSet(names, patterns, written);
    }

    boolean isAny() {
        return names.isEmpty() && patterns.isEmpty();
    }

    /** True when the set names one of these tables (false for none: a statement that names no table). */
    boolean matchesAny(List<Command.Table> tables) {
        for (Command.Table t : tables) if (matches(t)) return true;
        return false;
    }

    boolean matches(Command.Table t) {
        for (TableName n : names) if (n.matches(t)) return true;
        for (Pattern p : patterns) {
            if (p.matcher(t.name()).matches() || (t.schema() != null && p.matcher(t.qualified()).matches())) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(", ", written);
    }
}
