package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code COPY table [(columns)] FROM STDIN [WITH (…)]}: JSqlParser does not parse COPY, and its data travels beside
 * the statement, so WAL-y reads the few parts it needs from the tokens. {@code COPY … TO} and {@code COPY (query)}
 * read; they never reach here as writes with data.
 */
final class CopyParser {
    private CopyParser() {}

    static Command parse(List<Token> tokens) {
        int i = 1;
        if (i < tokens.size() && tokens.get(i).type() == Type.OPEN_PAREN) return new Command.Sql("COPY");
        String name = CommandParser.qualifiedName(tokens, i);
        if (name == null) return new Command.Sql("COPY");
        while (i < tokens.size() && tokens.get(i).type() != Type.OPEN_PAREN && !tokens.get(i).is("from") && !tokens.get(i).is("to")) i++;
        List<String> columns = null;
        if (i < tokens.size() && tokens.get(i).type() == Type.OPEN_PAREN) {
            columns = new ArrayList<>();
            i++;
            while (i < tokens.size() && tokens.get(i).type() != Type.CLOSE_PAREN) {
                Token t = tokens.get(i);
                if (t.type() == Type.WORD || t.type() == Type.QUOTED_IDENT) columns.add(t.text());
                i++;
            }
        }
        String format = "text";
        StringBuilder options = new StringBuilder();
        for (int j = i; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            if (t.is("csv")) format = "csv";
            if (t.is("binary")) format = "binary";
            if (t.is("format") && j + 1 < tokens.size()) format = tokens.get(j + 1).text().toLowerCase(Locale.ROOT);
        }
        int optStart = i;
        while (optStart < tokens.size() && !tokens.get(optStart).is("stdin") && !tokens.get(optStart).is("stdout")) optStart++;
        for (int j = optStart + 1; j < tokens.size(); j++) {
            if (options.length() > 0) options.append(' ');
            options.append(tokens.get(j).type() == Type.STRING ? "'" + tokens.get(j).text().replace("'", "''") + "'" : tokens.get(j).text());
        }
        int dot = name.lastIndexOf('.');
        Command.Table table = dot < 0 ? new Command.Table(null, name) : new Command.Table(name.substring(0, dot), name.substring(dot + 1));
        return new Command.Copy(table, columns, format, options.length() == 0 ? null : options.toString());
    }
}
