package io.waly.mongo.translate;

import io.waly.command.Command;
import java.util.Locale;

/**
 * SQL identifiers as PostgreSQL folds them: unquoted names are lower-cased, quoted names keep their case without the
 * quotes. A table in the default schema ({@code public}, or none given) becomes the collection of the same name; a
 * table in another schema becomes {@code schema.table}.
 */
public final class Names {
    private Names() {}

    public static String ident(String name) {
        if (name == null) return null;
        String n = name.trim();
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) return n.substring(1, n.length() - 1).replace("\"\"", "\"");
        return n.toLowerCase(Locale.ROOT);
    }

    /** The collection of a table of the command model. */
    public static String collection(Command.Table t) {
        String schema = ident(t.schema());
        String name = ident(t.name());
        return schema == null || schema.equals("public") ? name : schema + "." + name;
    }

    /** The collection of a qualified name as text ("schema.table", "table", quoted parts allowed). */
    public static String collection(String qualified) {
        String q = qualified.trim();
        int dot = splitDot(q);
        if (dot < 0) return ident(q);
        return collection(new Command.Table(q.substring(0, dot), q.substring(dot + 1)));
    }

    private static int splitDot(String q) {
        boolean quoted = false;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (c == '"') quoted = !quoted;
            else if (c == '.' && !quoted) return i;
        }
        return -1;
    }
}
