package io.waly.log.payload;

import static io.waly.log.payload.Cbor.*;

import io.waly.command.Command.Ddl;
import io.waly.command.Command.Ddl.*;
import io.waly.command.Command.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one {@code ddl} command older writers wrote (FORMAT.md §3.7, "Older forms"), read onto the typed records where
 * it carries enough: CREATE TABLE with its definition, ALTER TABLE, DROP. Everything else, CREATE INDEX included (its
 * WHERE clause was not kept, so a partial index cannot be told from a full one), reads as {@link OtherDdl}. Never
 * written.
 */
final class LegacyDdl {
    private LegacyDdl() {}

    static Ddl read(Map<String, Object> m) {
        String kind = str(m.get("kind")) == null ? "" : str(m.get("kind")).trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        int space = kind.indexOf(' ');
        String verb = space < 0 ? kind : kind.substring(0, space);
        String object = space < 0 ? "" : kind.substring(space + 1);
        List<Table> names = new ArrayList<>();
        for (String o : strings(m.get("objects")) == null ? List.<String>of() : strings(m.get("objects"))) names.add(name(o));
        boolean ifExists = bool(m.get("ifExists"));   // IF EXISTS, or for CREATE: IF NOT EXISTS
        if (kind.equals("CREATE TABLE") && m.get("definition") != null && !names.isEmpty()) {
            return createTable(names.get(0), map(m.get("definition")), ifExists);
        }
        if (kind.equals("ALTER TABLE") && m.get("actions") != null && !names.isEmpty()) {
            List<AlterAction> actions = new ArrayList<>();
            for (Object a : list(m.get("actions"))) actions.add(action(map(a)));
            return new AlterTable(names.get(0), false, actions);
        }
        if (verb.equals("DROP")) return new Drop(object, names, ifExists, false);   // CASCADE was not kept
        return new OtherDdl(verb, object, names);
    }

    private static CreateTable createTable(Table table, Map<String, Object> def, boolean ifNotExists) {
        List<Constraint> constraints = new ArrayList<>();
        List<String> pk = strings(def.get("primaryKey"));
        if (pk != null && !pk.isEmpty()) constraints.add(new PrimaryKey(null, pk));
        for (Object u : list(def.get("unique"))) constraints.add(new Unique(null, strings(u)));
        return new CreateTable(table, DdlCodec.readColumnDefs(def.get("columns")), constraints, ifNotExists, null, null);
    }

    private static AlterAction action(Map<String, Object> a) {
        String column = str(a.get("column"));
        return switch (String.valueOf(a.get("action"))) {
            case "ADD_COLUMN" -> a.get("definition") != null
                    ? new AddColumn(DdlCodec.readColumnDef(a.get("definition")), List.of(), false)
                    : new OtherAction("ADD COLUMN", null);
            case "DROP_COLUMN" -> new DropColumn(column, false, false);
            case "RENAME_COLUMN" -> new RenameColumn(column, str(a.get("newName")));
            case "RENAME_TABLE" -> new RenameTable(str(a.get("newName")));
            default -> new OtherAction("OTHER", null);   // the older writer kept neither what it was nor its text
        };
    }

    /**
     * An object name as the older writer kept it — as written ("public.\"Item\"") — folded as PostgreSQL folds
     * identifiers: split at dots outside double quotes, quoted parts as written without their quotes, others lower-cased.
     */
    static Table name(String qualified) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false, wasQuoted = false;
        for (int i = 0; i < qualified.length(); i++) {
            char c = qualified.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < qualified.length() && qualified.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                    wasQuoted = true;
                }
            } else if (c == '.' && !quoted) {
                parts.add(wasQuoted ? part.toString() : part.toString().trim().toLowerCase(Locale.ROOT));
                part.setLength(0);
                wasQuoted = false;
            } else {
                part.append(c);
            }
        }
        parts.add(wasQuoted ? part.toString() : part.toString().trim().toLowerCase(Locale.ROOT));
        String n = parts.get(parts.size() - 1);
        return parts.size() == 1 ? new Table(null, n) : new Table(parts.get(parts.size() - 2), n);
    }
}
