package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code COPY table [(columns)] FROM source [[WITH] options] [WHERE condition]}: JSqlParser does not parse COPY, and
 * its data travels beside the statement, so WAL-y reads it from the tokens, options typed in both syntaxes — the
 * current {@code (FORMAT csv, HEADER true, …)} and the old {@code CSV HEADER DELIMITER ';' …}. {@code COPY … TO} and
 * {@code COPY (query)} read; they never reach here as writes with data.
 */
final class CopyParser {
    private CopyParser() {}

    static Command parse(String sql, List<Token> tokens) {
        TokenCursor c = new TokenCursor(sql, tokens);
        c.next();
        Command.Table table = c.qualifiedName();
        if (table == null) return new Command.Sql("COPY");
        List<String> columns = c.peekType(Type.OPEN_PAREN) ? c.nameList() : null;
        if (!c.accept("from")) return new Command.Sql("COPY");
        if (!c.accept("stdin")) {
            if (!c.accept("program")) c.accept("stdout");   // COPY … FROM 'file' / PROGRAM '…': the data is the server's
            c.next();
        }
        Options o = new Options();
        c.accept("with");
        TokenCursor list = c.group();
        if (list != null) {
            for (TokenCursor option : list.split()) o.option(option);
        } else {
            o.oldSyntax(c);
        }
        Expr where = c.accept("where") ? c.expr() : null;
        return new Command.Copy(table, columns, o.build(), where);
    }

    /** The options as they are read; {@link #build} makes the record. */
    private static final class Options {
        String format = "text", delimiter, nullString, quote, escape, encoding;
        boolean header;
        List<String> forceNotNull, forceNull;
        final Map<String, String> other = new LinkedHashMap<>();

        /** {@code name [value]} of the parenthesised list. */
        void option(TokenCursor o) {
            Token name = o.next();
            if (name == null) return;
            String n = name.text().toLowerCase(Locale.ROOT);
            switch (n) {
                case "format" -> {
                    String f = word(o);
                    if (f != null) format = f;
                }
                case "header" -> {
                    String v = word(o);
                    header = v == null || !(v.equals("false") || v.equals("off") || v.equals("0"));   // true, on, 1, match
                }
                case "delimiter" -> delimiter = word(o);
                case "null" -> nullString = word(o);
                case "quote" -> quote = word(o);
                case "escape" -> escape = word(o);
                case "encoding" -> encoding = word(o);
                case "force_not_null", "force_null" -> {
                    if (!o.peekType(Type.OPEN_PAREN)) other.put(n, o.text());   // * (every column)
                    else if (n.equals("force_null")) forceNull = o.nameList();
                    else forceNotNull = o.nameList();
                }
                default -> {
                    String v = o.text();
                    other.put(n, v == null ? "true" : o.peekType(Type.STRING) ? o.next().text() : v);
                }
            }
        }

        /** {@code BINARY}, {@code DELIMITER [AS] 'd'}, {@code NULL [AS] 'n'}, {@code CSV}, {@code HEADER}, … up to WHERE. */
        void oldSyntax(TokenCursor c) {
            while (!c.atEnd() && !c.peekWords("where")) {
                if (c.accept("binary")) format = "binary";
                else if (c.accept("csv")) format = "csv";
                else if (c.accept("header")) header = true;
                else if (c.accept("delimiter")) delimiter = asValue(c);
                else if (c.accept("null")) nullString = asValue(c);
                else if (c.accept("quote")) quote = asValue(c);
                else if (c.accept("escape")) escape = asValue(c);
                else if (c.accept("encoding")) encoding = asValue(c);
                else if (c.accept("force", "not", "null")) forceNotNull = names(c);
                else if (c.accept("force", "null")) forceNull = names(c);
                else if (c.accept("force", "quote")) other.put("force_quote", c.acceptSymbol("*") ? "*" : String.join(", ", names(c)));
                else other.put(c.next().text().toLowerCase(Locale.ROOT), "true");   // OIDS, FREEZE, …
            }
        }

        private static String asValue(TokenCursor c) {
            c.accept("as");
            return word(c);
        }

        /** An option's value: a string's text, or a word or number as written; null when there is none. */
        private static String word(TokenCursor c) {
            Token t = c.peek();
            if (t == null || t.type() == Type.OPEN_PAREN || t.type() == Type.CLOSE_PAREN) return null;
            c.next();
            return t.text();
        }

        /** {@code a, b, c} of the old syntax: names up to the next option. */
        private static List<String> names(TokenCursor c) {
            List<String> out = new java.util.ArrayList<>();
            do {
                String n = c.name();
                if (n == null) break;
                out.add(n);
            } while (c.acceptSymbol(","));
            return out;
        }

        Command.CopyOptions build() {
            return new Command.CopyOptions(format.toLowerCase(Locale.ROOT), header, delimiter, nullString, quote, escape,
                    encoding, forceNotNull, forceNull, other);
        }
    }
}
