package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.List;

/**
 * The text of a statement that creates a table from a query — {@code CREATE TABLE … AS query [WITH [NO] DATA]} and
 * {@code SELECT … INTO [TEMP|UNLOGGED] [TABLE] name …} — as replay needs it when it brings the rows itself.
 */
public final class CreateTableAs {
    private CreateTableAs() {}

    /**
     * A {@code SELECT … INTO}: the table it creates, and the {@code CREATE [TEMP|UNLOGGED] TABLE name AS … WITH NO DATA}
     * that creates the same table empty.
     */
    public record SelectInto(Command.Table table, String createEmpty) {}

    /** The {@code SELECT … INTO} {@code sql} is (its {@code INTO} at the top level of the first query); null if none. */
    public static SelectInto selectInto(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        int end = tokens.size();
        while (end > 0 && tokens.get(end - 1).type() == Type.SEMICOLON) end--;
        if (end == 0 || !(tokens.get(0).is("select") || tokens.get(0).is("with"))) return null;
        int depth = 0;
        for (int i = 0; i < end; i++) {
            Token t = tokens.get(i);
            if (t.type() == Type.OPEN_PAREN) depth++;
            else if (t.type() == Type.CLOSE_PAREN) depth--;
            else if (t.type() == Type.SEMICOLON) return null;   // several statements
            else if (depth == 0 && t.is("into")) {
                if (i > 0 && (tokens.get(i - 1).is("insert") || tokens.get(i - 1).is("merge"))) return null;
                return selectInto(sql, tokens.subList(0, end), i);
            }
        }
        return null;
    }

    private static SelectInto selectInto(String sql, List<Token> tokens, int into) {
        TokenCursor c = new TokenCursor(sql, tokens.subList(into + 1, tokens.size()));
        StringBuilder kind = new StringBuilder();
        for (String w : new String[] {"global", "local", "temporary", "temp", "unlogged"}) {
            if (c.accept(w)) kind.append(w.toUpperCase(java.util.Locale.ROOT)).append(' ');
        }
        c.accept("table");
        int nameStart = c.mark();
        Command.Table table = c.qualifiedName();
        if (table == null) return null;
        List<Token> rest = tokens.subList(into + 1, tokens.size());
        String name = sql.substring(rest.get(nameStart).start(), rest.get(c.mark() - 1).end());
        String query = sql.substring(0, tokens.get(into).start()).stripTrailing()
                + (c.atEnd() ? "" : " " + sql.substring(rest.get(c.mark()).start(), tokens.get(tokens.size() - 1).end()));
        return new SelectInto(table, "CREATE " + kind + "TABLE " + name + " AS " + query.strip() + " WITH NO DATA");
    }

    /** {@code sql} creating the table empty: its {@code WITH DATA} made {@code WITH NO DATA}, or that clause added. */
    public static String withNoData(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        int last = tokens.size() - 1;
        while (last >= 0 && tokens.get(last).type() == Type.SEMICOLON) last--;
        if (last < 0) return sql;
        if (last >= 2 && tokens.get(last).is("data") && tokens.get(last - 1).is("no") && tokens.get(last - 2).is("with")) {
            return sql.substring(0, tokens.get(last).end());
        }
        if (last >= 1 && tokens.get(last).is("data") && tokens.get(last - 1).is("with")) {
            return sql.substring(0, tokens.get(last - 1).start()) + "WITH NO DATA";
        }
        return sql.substring(0, tokens.get(last).end()) + " WITH NO DATA";
    }
}
