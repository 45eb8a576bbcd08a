package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

/**
 * SQL → {@link Command}: the one entry point ({@link #parse}) of parsing in WAL-y. Never returns null and never
 * throws. DML goes to JSqlParser ({@link StatementConverter}); DDL, SET/RESET, sequence SELECTs and COPY are read from
 * their tokens ({@link DdlParser}, {@link SettingParser}, {@link SequenceSelectParser}, {@link CopyParser}); what
 * JSqlParser cannot parse becomes {@code Sql(kind)}.
 *
 * <p>Parsing costs tens of microseconds (more than a single-row write costs the database), so it is done once per
 * <em>shape</em>: the statement with its string and number literals replaced by placeholders. Statements that differ
 * only in their literals (ORMs that inline values, scripts, dumps) share one parse; the literals are put back into a
 * copy of the cached command. JSqlParser is called through {@code newParser(sql).Statement()} directly, not through
 * {@code CCJSqlParserUtil.parse}, whose per-call executor (for its timeout) costs several times the parse itself.
 */
public final class CommandParser {

    /** Statements longer than this are not handed to JSqlParser (a 10 MB statement would cost seconds). */
    static final int MAX_PARSE_LENGTH = 64 * 1024;
    private static final int MAX_SHAPES = 10_000;

    private final ConcurrentHashMap<String, Optional<Command>> shapes = new ConcurrentHashMap<>();

    public Command parse(String sql) {
        return parse(sql, SqlLexer.tokenize(sql));
    }

    public Command parse(String sql, List<Token> tokens) {
        tokens = withoutTrailingSemicolons(tokens);
        if (tokens.isEmpty()) return new Command.Sql("EMPTY");
        String first = tokens.get(0).type() == Type.WORD ? tokens.get(0).text() : "";
        try {
            Command read = fromTokens(first, sql, tokens);
            if (read != null) return read;
        } catch (RuntimeException e) {   // a grammar corner not foreseen: the statement still gets its command
            return fallback(tokens);
        }
        if (sql.length() > MAX_PARSE_LENGTH) return fallback(tokens);
        SqlLexer.Shape shape = SqlLexer.shape(sql, tokens);
        Optional<Command> template = shapes.get(shape.text());
        if (template == null) {
            template = Optional.ofNullable(parseWithJSqlParser(shape.text()));
            if (shapes.size() >= MAX_SHAPES) shapes.clear();
            shapes.put(shape.text(), template);
        }
        if (template.isPresent()) return Instantiator.instantiate(template.get(), shape);
        // The shape may fail where the original parses (a placeholder where the grammar wants a literal).
        Command direct = shape.literals().isEmpty() ? null : parseWithJSqlParser(sql);
        if (direct != null) return direct;
        String withoutOnly = withoutOnly(sql, tokens);
        if (withoutOnly != null) {
            Command c = parse(withoutOnly);
            if (c instanceof Command.Update || c instanceof Command.Delete) return c;
        }
        Command positioned = byCursorPosition(sql, tokens);
        return positioned != null ? positioned : fallback(tokens);
    }

    /** Whether {@code sql} is an {@code UPDATE ONLY} or {@code DELETE FROM ONLY}: its rows are all in the table itself. */
    public static boolean writesTableOnly(String sql) {
        // replay asks this for every UPDATE or DELETE it applies rows of: tokenize only a text that has the word
        for (int i = 0; i + 4 <= sql.length(); i++) {
            if (sql.regionMatches(true, i, "only", 0, 4)) return withoutOnly(sql, SqlLexer.tokenize(sql)) != null;
        }
        return false;
    }

    /**
     * {@code UPDATE ONLY t …} / {@code DELETE FROM ONLY t …}, which JSqlParser does not parse, without the {@code ONLY}
     * (blanked, so that positions stay): the command names its table, so that the model's rules judge it and its rows
     * can be logged. {@code ONLY} leaves out inheritance children, which changes which rows it touches, not what a row
     * of the table becomes: the rows it changed are logged and replay applies them to the table {@code ONLY}
     * ({@link #writesTableOnly}); a statement re-run at replay runs as sent. Null for anything else.
     */
    private static String withoutOnly(String sql, List<Token> tokens) {
        int at = tokens.size() > 2 && tokens.get(0).is("update") ? 1
                : tokens.size() > 3 && tokens.get(0).is("delete") && tokens.get(1).is("from") ? 2 : -1;
        if (at < 0 || !tokens.get(at).is("only")) return null;
        Token only = tokens.get(at);
        return sql.substring(0, only.start()) + " ".repeat(only.end() - only.start()) + sql.substring(only.end());
    }

    /**
     * {@code UPDATE … WHERE CURRENT OF c} / {@code DELETE … WHERE CURRENT OF c}, which JSqlParser does not parse: the
     * statement without its {@code WHERE}, with the position kept as a raw condition. The row it changes depends on a
     * cursor replay does not have, so the command is never provably safe to re-run and its changed row is logged.
     */
    private static Command byCursorPosition(String sql, List<Token> tokens) {
        int n = tokens.size();
        if (n < 4 || !(tokens.get(0).is("update") || tokens.get(0).is("delete"))) return null;
        for (int i = n - 4; i > 0; i--) {
            if (tokens.get(i).is("where") && tokens.get(i + 1).is("current") && tokens.get(i + 2).is("of")) {
                Token cursor = tokens.get(i + 3);
                if (cursor.type() != Type.WORD && cursor.type() != Type.QUOTED_IDENT) return null;
                String without = sql.substring(0, tokens.get(i).start()) + sql.substring(cursor.end());
                Expr where = new Expr.Raw(sql.substring(tokens.get(i + 1).start(), cursor.end()));
                Command c = parseWithJSqlParser(without);
                if (c instanceof Command.Update u && u.where() == null) {
                    return new Command.Update(u.table(), u.set(), where, u.from(), u.returning());
                }
                if (c instanceof Command.Delete d && d.where() == null) {
                    return new Command.Delete(d.table(), where, d.using(), d.returning());
                }
                return null;
            }
        }
        return null;
    }

    /**
     * Statements JSqlParser does not know (or not as PostgreSQL does), or that carry data rather than syntax, are read
     * from their tokens; null for the statements JSqlParser reads.
     */
    private static Command fromTokens(String first, String sql, List<Token> tokens) {
        return switch (first) {
            case "copy" -> CopyParser.parse(sql, tokens);
            case "set", "reset" -> SettingParser.parse(sql, tokens);
            case "select" -> SequenceSelectParser.parse(tokens);
            case "create", "alter", "drop" -> DdlParser.parse(sql, tokens);
            case "do", "grant", "revoke", "comment", "lock", "vacuum", "analyze", "analyse", "cluster",
                 "reindex", "discard", "prepare", "execute", "deallocate", "security", "refresh", "import", "load",
                 "notify", "checkpoint", "values", "table", "declare", "begin", "start", "commit", "end",
                 "rollback", "abort", "savepoint", "release", "explain", "show", "listen", "unlisten" ->
                    new Command.Sql(first.toUpperCase(Locale.ROOT));
            default -> null;
        };
    }

    private static List<Token> withoutTrailingSemicolons(List<Token> tokens) {
        int end = tokens.size();
        while (end > 0 && tokens.get(end - 1).type() == Type.SEMICOLON) end--;
        return end == tokens.size() ? tokens : tokens.subList(0, end);
    }

    private static Command parseWithJSqlParser(String sql) {
        try {
            Statement st = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false).Statement();
            return st == null ? null : StatementConverter.convert(st);
        } catch (Throwable e) {   // ParseException, TokenMgrError, and anything JSqlParser trips over
            return null;
        }
    }

    /** What the tokens alone can say of a statement JSqlParser cannot parse: its verb. */
    private static Command fallback(List<Token> tokens) {
        Token t0 = tokens.get(0);
        return new Command.Sql(t0.type() == Type.WORD ? t0.text().toUpperCase(Locale.ROOT) : "UNPARSED");
    }

    /** Values a literal of the statement becomes in the command: used by {@link Instantiator}. */
    static Expr literalOrParam(SqlLexer.Shape shape, int placeholderIndex) {
        if (placeholderIndex < 1 || placeholderIndex > shape.placeholders().length) return new Expr.Param(placeholderIndex);
        int p = shape.placeholders()[placeholderIndex - 1];
        if (p > 0) return new Expr.Param(p);
        Value v = shape.literals().get(-p - 1);
        return new Expr.Literal(v);
    }
}
