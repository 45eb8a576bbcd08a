package io.waly.jdbc.sql;

import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import io.waly.model.SqlSupport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The model's statements ({@code commands:}) read by the driver's parser: named parameters ({@code :email}) become
 * {@code ?} placeholders, the statement is parsed ({@link CommandParser}) and its shape taken ({@link StatementShape}).
 * Found by the model through {@link java.util.ServiceLoader}. Driver-internal.
 */
public final class ModelSql implements SqlSupport {
    private final CommandParser parser = new CommandParser();

    @Override
    public Compiled compile(String text) {
        List<Token> tokens = SqlLexer.tokenize(text);
        if (SqlLexer.statements(tokens).size() != 1) throw new IllegalArgumentException("one SQL statement is expected here");
        StringBuilder sql = new StringBuilder(text.length());
        List<String> names = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.type() == Type.PARAM) {
                names.add(null);
            } else if (isNamedParameter(tokens, i)) {
                Token name = tokens.get(i + 1);
                sql.append(text, pos, t.start()).append('?');
                pos = name.end();
                names.add(text.substring(name.start(), name.end()));
                i++;
            }
        }
        sql.append(text, pos, text.length());
        String positional = sql.toString().trim();
        io.waly.command.Command command = parser.parse(positional);
        StatementShape.Of shape = StatementShape.of(positional);
        List<String> shapeNames = new ArrayList<>();
        List<io.waly.command.Value> shapeLiterals = new ArrayList<>();
        for (int p : shape.shape().placeholders()) {
            shapeNames.add(p > 0 ? names.get(p - 1) : null);
            shapeLiterals.add(p > 0 ? null : shape.shape().literals().get(-p - 1));
        }
        return new Compiled(positional, Collections.unmodifiableList(names), command, shape.key(),
                Collections.unmodifiableList(shapeNames), Collections.unmodifiableList(shapeLiterals));
    }

    /** {@code :name}: a colon right before a name, and not part of a {@code ::} cast. */
    private static boolean isNamedParameter(List<Token> tokens, int i) {
        Token t = tokens.get(i);
        if (t.type() != Type.OTHER || !t.text().equals(":") || i + 1 >= tokens.size()) return false;
        Token next = tokens.get(i + 1);
        if (next.type() != Type.WORD || next.start() != t.end()) return false;
        Token prev = i > 0 ? tokens.get(i - 1) : null;
        return prev == null || !(prev.type() == Type.OTHER && prev.text().equals(":") && prev.end() == t.start());
    }
}
