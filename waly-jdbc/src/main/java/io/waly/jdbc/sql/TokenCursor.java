package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cursor over the tokens of one statement (or of a part of it), for the grammars WAL-y reads from tokens: DDL, SET,
 * sequence SELECTs, COPY. It reads names as PostgreSQL folds them, takes parenthesised groups and comma-separated
 * parts as cursors of their own, and hands expressions, by their source text, to {@link StatementConverter}. Reading
 * past the end yields nothing rather than throwing, so a truncated statement still becomes a command.
 */
final class TokenCursor {
    private final String sql;
    private final List<Token> tokens;
    private int pos;

    TokenCursor(String sql, List<Token> tokens) {
        this.sql = sql;
        this.tokens = tokens;
    }

    boolean atEnd() {
        return pos >= tokens.size();
    }

    Token peek() {
        return peek(0);
    }

    Token peek(int ahead) {
        return pos + ahead < tokens.size() ? tokens.get(pos + ahead) : null;
    }

    Token next() {
        return atEnd() ? null : tokens.get(pos++);
    }

    /** True when the next tokens are these words (lower-case); nothing is consumed. */
    boolean peekWords(String... words) {
        for (int i = 0; i < words.length; i++) {
            Token t = peek(i);
            if (t == null || !t.is(words[i])) return false;
        }
        return true;
    }

    /** Consumes the next tokens when they are these words. */
    boolean accept(String... words) {
        if (!peekWords(words)) return false;
        pos += words.length;
        return true;
    }

    /** Consumes the next token when it is this punctuation ({@code =}, {@code ,}, {@code *}, {@code (}, …). */
    boolean acceptSymbol(String symbol) {
        Token t = peek();
        if (t == null || t.type() == Type.WORD || t.type() == Type.QUOTED_IDENT || t.type() == Type.STRING || !t.text().equals(symbol)) {
            return false;
        }
        pos++;
        return true;
    }

    boolean peekType(Type type) {
        Token t = peek();
        return t != null && t.type() == type;
    }

    /** A name, folded as PostgreSQL folds identifiers (the lexer lower-cases words, keeps quoted ones); null if none. */
    String name() {
        Token t = peek();
        if (t == null || (t.type() != Type.WORD && t.type() != Type.QUOTED_IDENT)) return null;
        pos++;
        return t.text();
    }

    /** {@code a.b.c}: the folded parts of a dotted name; empty if there is no name here. */
    List<String> dottedName() {
        List<String> parts = new ArrayList<>();
        String n = name();
        if (n == null) return parts;
        parts.add(n);
        while (peekSymbol(".") && peek(1) != null && (peek(1).type() == Type.WORD || peek(1).type() == Type.QUOTED_IDENT)) {
            pos++;
            parts.add(name());
        }
        return parts;
    }

    /** {@code [schema.]name}; a longer name ({@code db.schema.name}) keeps its last two parts. Null if none. */
    Command.Table qualifiedName() {
        List<String> parts = dottedName();
        if (parts.isEmpty()) return null;
        int n = parts.size();
        return new Command.Table(n == 1 ? null : parts.get(n - 2), parts.get(n - 1));
    }

    /** An integer with its sign; null, and nothing consumed, when there is none here. */
    Long number() {
        int start = pos;
        boolean negative = acceptSymbol("-");
        if (!negative) acceptSymbol("+");
        Token t = peek();
        if (t != null && t.type() == Type.NUMBER) {
            try {
                long v = Long.parseLong((negative ? "-" : "") + t.text().replace("_", ""));
                pos++;
                return v;
            } catch (NumberFormatException e) {
                // not an integer of 64 bits
            }
        }
        pos = start;
        return null;
    }

    int mark() {
        return pos;
    }

    /** The tokens from {@code mark} to here as an expression of the command model. */
    Expr exprSince(int mark) {
        return new TokenCursor(sql, tokens.subList(mark, pos)).expr();
    }

    boolean peekSymbol(String symbol) {
        Token t = peek();
        return t != null && t.type() == Type.OTHER && t.text().equals(symbol);
    }

    /** At {@code (}: the tokens up to its matching {@code )} as a cursor, and this one moves past it; else null. */
    TokenCursor group() {
        if (!peekType(Type.OPEN_PAREN)) return null;
        int depth = 0;
        for (int i = pos; i < tokens.size(); i++) {
            Type type = tokens.get(i).type();
            if (type == Type.OPEN_PAREN) depth++;
            else if (type == Type.CLOSE_PAREN && --depth == 0) {
                TokenCursor inner = new TokenCursor(sql, tokens.subList(pos + 1, i));
                pos = i + 1;
                return inner;
            }
        }
        TokenCursor inner = new TokenCursor(sql, tokens.subList(pos + 1, tokens.size()));   // unclosed: to the end
        pos = tokens.size();
        return inner;
    }

    /** {@code (a, "B", c)}: the names of a parenthesised list; null when there is no list here. */
    List<String> nameList() {
        TokenCursor g = group();
        if (g == null) return null;
        List<String> out = new ArrayList<>();
        for (TokenCursor part : g.split()) {
            String n = part.name();
            if (n != null) out.add(n);
        }
        return out;
    }

    /** The rest, split at commas outside parentheses; this cursor moves to the end. */
    List<TokenCursor> split() {
        List<TokenCursor> out = new ArrayList<>();
        int depth = 0, start = pos;
        for (int i = pos; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.type() == Type.OPEN_PAREN) depth++;
            else if (t.type() == Type.CLOSE_PAREN) depth--;
            else if (depth == 0 && t.type() == Type.OTHER && t.text().equals(",")) {
                out.add(new TokenCursor(sql, tokens.subList(start, i)));
                start = i + 1;
            }
        }
        if (start < tokens.size() || !out.isEmpty()) out.add(new TokenCursor(sql, tokens.subList(start, tokens.size())));
        pos = tokens.size();
        return out;
    }

    /**
     * The tokens from here up to (not including) the first word of {@code stops} outside parentheses, as a cursor;
     * this one moves there. The first token is always taken, so that {@code DEFAULT NULL NOT NULL} reads {@code NULL}.
     */
    TokenCursor until(java.util.Set<String> stops) {
        int depth = 0, i = pos;
        for (; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.type() == Type.OPEN_PAREN) depth++;
            else if (t.type() == Type.CLOSE_PAREN) depth--;
            else if (depth == 0 && i > pos && t.type() == Type.WORD && stops.contains(t.text())
                    && !(t.is("not") && tokens.get(i - 1).is("is"))) {   // "x IS NOT NULL" goes on
                break;
            }
        }
        TokenCursor part = new TokenCursor(sql, tokens.subList(pos, i));
        pos = i;
        return part;
    }

    /** The rest without these trailing words, as a cursor; null when the rest does not end with them. */
    TokenCursor withoutSuffix(String... words) {
        int end = tokens.size() - words.length;
        if (end < pos) return null;
        for (int i = 0; i < words.length; i++) {
            if (!tokens.get(end + i).is(words[i])) return null;
        }
        return new TokenCursor(sql, tokens.subList(pos, end));
    }

    /** The rest as a cursor; this one moves to the end. */
    TokenCursor rest() {
        TokenCursor r = new TokenCursor(sql, tokens.subList(pos, tokens.size()));
        pos = tokens.size();
        return r;
    }

    /** The source text of the remaining tokens, as written (comments between them included); null when none. */
    String text() {
        if (atEnd()) return null;
        return sql.substring(tokens.get(pos).start(), tokens.get(tokens.size() - 1).end());
    }

    /** The remaining tokens as an expression of the command model ({@link Expr.Raw} when JSqlParser cannot read it). */
    Expr expr() {
        String text = text();
        return text == null ? null : StatementConverter.exprOf(text);
    }

    /** The leading words of the rest, upper-case, while they are in {@code words}; nothing is consumed. */
    String keywords(java.util.Set<String> words) {
        StringBuilder sb = new StringBuilder();
        for (int i = pos; i < tokens.size() && tokens.get(i).type() == Type.WORD && words.contains(tokens.get(i).text()); i++) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(tokens.get(i).text().toUpperCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** Skips tokens up to the first of these words outside parentheses (or to the end). */
    void skipTo(String... words) {
        int depth = 0;
        for (; pos < tokens.size(); pos++) {
            Token t = tokens.get(pos);
            if (t.type() == Type.OPEN_PAREN) depth++;
            else if (t.type() == Type.CLOSE_PAREN) depth--;
            else if (depth == 0 && t.type() == Type.WORD) {
                for (String w : words) if (t.text().equals(w)) return;
            }
        }
    }
}
