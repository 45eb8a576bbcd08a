package io.waly.model;

import io.waly.command.Command;
import java.util.Locale;

/**
 * A table as the model names it: {@code accounts} (any schema) or {@code public.accounts}, folded as PostgreSQL folds
 * unquoted identifiers (lower case; a name in double quotes keeps its case).
 */
record TableName(String schema, String name) {

    static TableName parse(String text) {
        String t = text.trim();
        int dot = dotOutsideQuotes(t);
        return dot < 0 ? new TableName(null, fold(t)) : new TableName(fold(t.substring(0, dot)), fold(t.substring(dot + 1)));
    }

    private static int dotOutsideQuotes(String t) {
        boolean quoted = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"') quoted = !quoted;
            else if (c == '.' && !quoted) return i;
        }
        return -1;
    }

    private static String fold(String s) {
        String t = s.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) return t.substring(1, t.length() - 1).replace("\"\"", "\"");
        return t.toLowerCase(Locale.ROOT);
    }

    /** True when the command's table is this one: a name without a schema, on either side, matches any schema. */
    boolean matches(Command.Table t) {
        if (!name.equals(t.name())) return false;
        return schema == null || t.schema() == null || schema.equals(t.schema());
    }

    /** Same table for the model's own checks (a bare name matches a qualified one). */
    boolean sameAs(TableName o) {
        return name.equals(o.name) && (schema == null || o.schema == null || schema.equals(o.schema));
    }

    @Override
    public String toString() {
        return schema == null ? name : schema + "." + name;
    }
}
