package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

/**
 * SQL → {@link Command}: the one entry point ({@link #parse}) of parsing in WAL-y. Never returns null and never
 * throws: what JSqlParser cannot parse becomes a DDL command derived from the tokens, or {@code Sql(kind)}.
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
        if (tokens.isEmpty()) return new Command.Sql("EMPTY");
        String first = tokens.get(0).type() == Type.WORD ? tokens.get(0).text() : "";
        // Statements JSqlParser does not know, or that carry data rather than syntax, take WAL-y's own path.
        switch (first) {
            case "copy" -> {
                return CopyParser.parse(tokens);
            }
            case "do", "set", "reset", "grant", "revoke", "comment", "lock", "vacuum", "analyze", "analyse", "cluster",
                 "reindex", "discard", "prepare", "execute", "deallocate", "security", "refresh", "import", "load",
                 "notify", "checkpoint", "select", "values", "table", "declare", "begin", "start", "commit", "end",
                 "rollback", "abort", "savepoint", "release", "explain", "show", "listen", "unlisten" -> {
                return new Command.Sql(first.toUpperCase(Locale.ROOT));
            }
            default -> { /* parse below */ }
        }
        if (sql.length() > MAX_PARSE_LENGTH) return fallback(tokens);
        if (first.equals("create") || first.equals("alter") || first.equals("drop")) {
            // DDL is rare and its literals are definitions (defaults, checks): parse it as written, uncached
            Command ddl = parseWithJSqlParser(sql);
            return ddl != null ? ddl : fallback(tokens);
        }
        SqlLexer.Shape shape = SqlLexer.shape(sql, tokens);
        Optional<Command> template = shapes.get(shape.text());
        if (template == null) {
            template = Optional.ofNullable(parseWithJSqlParser(shape.text()));
            if (shapes.size() >= MAX_SHAPES) shapes.clear();
            shapes.put(shape.text(), template);
        }
        if (template.isPresent()) return Instantiator.instantiate(template.get(), shape);
        // The shape may fail where the original parses (a placeholder where the grammar wants a literal).
        if (shape.literals().isEmpty()) return fallback(tokens);
        Command direct = parseWithJSqlParser(sql);
        return direct != null ? direct : fallback(tokens);
    }

    private static Command parseWithJSqlParser(String sql) {
        try {
            Statement st = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false).Statement();
            return st == null ? null : StatementConverter.convert(st);
        } catch (Throwable e) {   // ParseException, TokenMgrError, and anything JSqlParser trips over
            return null;
        }
    }

    /** What the tokens alone can say: the verb and object of a DDL statement, or just the verb. */
    static Command fallback(List<Token> tokens) {
        Token t0 = tokens.get(0);
        String verb = t0.type() == Type.WORD ? t0.text().toUpperCase(Locale.ROOT) : "UNPARSED";
        switch (verb) {
            case "CREATE", "ALTER", "DROP" -> {
                List<String> words = new ArrayList<>();
                int i = 1;
                // skip modifiers to reach the object type: CREATE OR REPLACE TEMP UNIQUE … TABLE
                while (i < tokens.size() && tokens.get(i).type() == Type.WORD && MODIFIERS.contains(tokens.get(i).text())) i++;
                String objectType = i < tokens.size() && tokens.get(i).type() == Type.WORD ? tokens.get(i).text() : "";
                if (objectType.equals("materialized") || objectType.equals("foreign") || objectType.equals("event")
                        || objectType.equals("access") || objectType.equals("text") || objectType.equals("operator")) {
                    if (i + 1 < tokens.size() && tokens.get(i + 1).type() == Type.WORD) objectType += " " + tokens.get(++i).text();
                }
                i++;
                boolean ifExists = false;
                while (i < tokens.size() && (tokens.get(i).is("if") || tokens.get(i).is("not") || tokens.get(i).is("exists")
                        || tokens.get(i).is("concurrently"))) {
                    if (tokens.get(i).is("exists")) ifExists = true;
                    i++;
                }
                String name = qualifiedName(tokens, i);
                if (name != null) words.add(name);
                return new Command.Ddl(verb + " " + objectType.toUpperCase(Locale.ROOT), words, null, null, null, false, ifExists);
            }
            case "TRUNCATE" -> {
                return new Command.Sql("TRUNCATE");
            }
            default -> {
                return new Command.Sql(t0.type() == Type.WORD ? verb : "UNPARSED");
            }
        }
    }

    private static final java.util.Set<String> MODIFIERS = java.util.Set.of("or", "replace", "temp", "temporary",
            "unlogged", "unique", "global", "local", "recursive", "trusted", "procedural", "default", "constraint");

    /** {@code a.b.c} or {@code "A"."b"} starting at token i, as written (quoted parts keep their case). */
    static String qualifiedName(List<Token> tokens, int i) {
        StringBuilder sb = new StringBuilder();
        while (i < tokens.size()) {
            Token t = tokens.get(i);
            if (t.type() == Type.WORD || t.type() == Type.QUOTED_IDENT) {
                sb.append(t.text());
                if (i + 1 < tokens.size() && tokens.get(i + 1).type() == Type.OTHER && tokens.get(i + 1).text().equals(".")) {
                    sb.append('.');
                    i += 2;
                    continue;
                }
                return sb.toString();
            }
            return sb.length() == 0 ? null : sb.toString();
        }
        return sb.length() == 0 ? null : sb.toString();
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
