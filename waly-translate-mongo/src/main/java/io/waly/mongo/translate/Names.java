package io.waly.mongo.translate;

import io.waly.command.Command;
import java.util.Locale;

/**
 * Names of tables and collections. The command model's names are already folded as PostgreSQL folds identifiers
 * (unquoted lower-cased, quoted kept without quotes) and are used as they are; names that arrive as SQL text (DDL
 * objects, index names) are folded here. A table in the default schema ({@code public}, or none given) becomes the
 * collection of the same name; a table in another schema becomes {@code schema.table}.
 */
public final class Names {
    private Names() {}

    public static String ident(String name) {
        if (name == null) return null;
        String n = name.trim();
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) return n.substring(1, n.length() - 1).replace("\"\"", "\"");
        return n.toLowerCase(Locale.ROOT);
    }

    /** The collection of a table of the command model (names already folded). */
    public static String collection(Command.Table t) {
        return collection(t.schema(), t.name());
    }

    private static String collection(String schema, String name) {
        return schema == null || schema.equals("public") ? name : schema + "." + name;
    }

    /** The collection of a qualified name as SQL text ("schema.table", "table", quoted parts allowed). */
    public static String collection(String qualified) {
        String q = qualified.trim();
        int dot = splitDot(q);
        if (dot < 0) return ident(q);
        return collection(ident(q.substring(0, dot)), ident(q.substring(dot + 1)));
    }

    /** The collection of an already folded qualified name ({@code Command.Table.qualified()}, an effect's target). */
    public static String collectionOfFolded(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? qualified : collection(qualified.substring(0, dot), qualified.substring(dot + 1));
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
