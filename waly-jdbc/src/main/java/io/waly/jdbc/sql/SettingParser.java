package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code SET} and {@code RESET} as a {@link Command.Setting}: the setting's canonical name and the value PostgreSQL
 * reads, so that a backend knows a session's time zone or search path without the SQL. {@code SET TRANSACTION},
 * {@code SET CONSTRAINTS} and {@code SET SESSION CHARACTERISTICS} change no setting and stay {@code Sql("SET")}.
 */
final class SettingParser {
    private SettingParser() {}

    static Command parse(String sql, List<Token> tokens) {
        TokenCursor c = new TokenCursor(sql, tokens);
        String verb = c.next().text();
        Command.Setting s = verb.equals("reset") ? reset(c) : set(c);
        return s != null ? s : new Command.Sql(verb.toUpperCase(Locale.ROOT));
    }

    private static Command.Setting reset(TokenCursor c) {
        String name = specialName(c);
        if (name == null) name = String.join(".", c.dottedName());
        return name.isEmpty() || !c.atEnd() ? null : new Command.Setting(name, null, false);
    }

    private static Command.Setting set(TokenCursor c) {
        boolean local = c.accept("local");
        if (!local && !c.peekWords("session", "authorization")) c.accept("session");
        if (c.peekWords("transaction") || c.peekWords("constraints") || c.peekWords("characteristics")) return null;
        String name = specialName(c);
        if (name == null) {
            name = String.join(".", c.dottedName());
            if (name.isEmpty() || !(c.accept("to") || c.acceptSymbol("="))) return null;
        }
        if (c.atEnd()) return null;
        String value = value(c, name);
        return new Command.Setting(name, value, local);
    }

    /** The settings SQL spells with keywords of their own: TIME ZONE, ROLE, SESSION AUTHORIZATION, SCHEMA, NAMES, ALL. */
    private static String specialName(TokenCursor c) {
        if (c.accept("time", "zone")) return "timezone";
        if (c.accept("session", "authorization")) return "session_authorization";
        if (c.accept("role")) return "role";
        if (c.accept("schema")) return "search_path";
        if (c.accept("names")) return "client_encoding";
        if (c.accept("xml", "option")) return "xmloption";
        if (c.accept("all")) return "all";
        return null;
    }

    /**
     * The value as PostgreSQL reads it: a string's text, a number as written, a word lower-case, a quoted identifier
     * in its quotes, the items of a list joined by ", "; null for DEFAULT (and for TIME ZONE LOCAL, ROLE NONE), which
     * reset the setting. Anything else ({@code TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE}) is kept as written.
     */
    private static String value(TokenCursor c, String name) {
        if (c.peekWords("default") && c.peek(1) == null) return null;
        if (name.equals("timezone") && c.peekWords("local") && c.peek(1) == null) return null;
        if (name.equals("role") && c.peekWords("none") && c.peek(1) == null) return null;
        String written = c.text();
        List<String> items = new ArrayList<>();
        for (TokenCursor item : c.split()) {
            Long n = item.number();
            Token t = item.peek();
            String v;
            if (n != null) v = n.toString();
            else if (t == null || item.peek(1) != null) return written;
            else if (t.type() == Type.STRING || t.type() == Type.WORD || t.type() == Type.NUMBER) v = t.text();
            else if (t.type() == Type.QUOTED_IDENT) v = '"' + t.text().replace("\"", "\"\"") + '"';
            else return written;
            if (n == null) item.next();
            if (!item.atEnd()) return written;
            items.add(v);
        }
        return String.join(", ", items);
    }
}
