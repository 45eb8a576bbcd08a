package io.waly.jdbc.sql;

import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.List;

/**
 * The shape of a statement as the model's {@code recognise:} compares it: its tokens with plain literals made
 * placeholders (as the parse cache makes them, {@link SqlLexer#shape}), keywords and unquoted names in lower case, one
 * space between tokens, comments and trailing semicolons gone. Two statements that differ only in their literals,
 * spacing, comments and case have the same shape.
 */
public final class StatementShape {
    private StatementShape() {}

    /** The shape of {@code sql}, and where its placeholders' values come from ({@link SqlLexer.Shape#placeholders}). */
    public record Of(String key, SqlLexer.Shape shape) {}

    public static Of of(String sql) {
        SqlLexer.Shape shape = SqlLexer.shape(sql, SqlLexer.tokenize(sql));
        List<Token> tokens = SqlLexer.tokenize(shape.text());
        int end = tokens.size();
        while (end > 0 && tokens.get(end - 1).type() == Type.SEMICOLON) end--;
        StringBuilder sb = new StringBuilder(shape.text().length());
        for (int i = 0; i < end; i++) {
            Token t = tokens.get(i);
            if (i > 0) sb.append(' ');
            switch (t.type()) {
                case QUOTED_IDENT -> sb.append('"').append(t.text().replace("\"", "\"\"")).append('"');
                case STRING -> sb.append('\'').append(t.text().replace("'", "''")).append('\'');
                default -> sb.append(t.text());
            }
        }
        return new Of(sb.toString(), shape);
    }
}
