package io.waly.jdbc.sql;

import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.List;

/** The text of a {@code CREATE TABLE … AS query [WITH [NO] DATA]} as replay needs it when it brings the rows itself. */
public final class CreateTableAs {
    private CreateTableAs() {}

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
