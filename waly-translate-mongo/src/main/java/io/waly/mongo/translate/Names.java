package io.waly.mongo.translate;

import io.waly.command.Command;
import java.util.Locale;

/**
 * Names of tables and collections. The command model's names are already folded as PostgreSQL folds identifiers
 * (unquoted lower-cased, quoted kept without quotes) and are used as they are; the one name it keeps as written, an
 * ON CONFLICT ON CONSTRAINT's, is folded here ({@link #ident}). A table in the default schema ({@code public}, or
 * none given) becomes the collection of the same name; a table in another schema becomes {@code schema.table}.
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

    /** The collection of an already folded qualified name ({@code Command.Table.qualified()}, an effect's target). */
    public static String collectionOfFolded(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? qualified : collection(qualified.substring(0, dot), qualified.substring(dot + 1));
    }
}
