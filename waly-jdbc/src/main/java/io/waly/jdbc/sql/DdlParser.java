package io.waly.jdbc.sql;

import io.waly.command.Command.Ddl;
import io.waly.command.Command.Ddl.*;
import io.waly.command.Command.Table;
import io.waly.command.Expr;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CREATE, ALTER and DROP into the typed records of {@link Ddl}, read from the statement's tokens. JSqlParser's DDL
 * grammar is not PostgreSQL's — it keeps column constraints as strings and refuses {@code ALTER TABLE IF EXISTS},
 * {@code SET DATA TYPE} and more — so WAL-y reads DDL with its own small grammar and hands JSqlParser only the
 * expressions inside (defaults, checks, predicates, USING), through {@link StatementConverter}. What no record models
 * is {@link OtherDdl} with its verb, object kind and name; never null, never an exception.
 */
final class DdlParser {
    private DdlParser() {}

    /** Words between the verb and the object kind: CREATE OR REPLACE TEMP UNIQUE … INDEX. */
    private static final Set<String> MODIFIERS = Set.of("or", "replace", "temp", "temporary", "unlogged", "unique", "global",
            "local", "recursive", "trusted", "procedural", "default", "constraint", "materialized");

    /** Object kinds of more than one word: the words that may follow each. */
    private static final Map<String, Set<String>> OBJECT_WORDS = Map.of("materialized", Set.of("view"),
            "foreign", Set.of("table", "data"), "data", Set.of("wrapper"), "event", Set.of("trigger"),
            "access", Set.of("method"), "text", Set.of("search"), "search", Set.of("configuration", "dictionary", "parser", "template"),
            "operator", Set.of("class", "family"), "user", Set.of("mapping"));

    /** {@code tokens}: one statement, beginning with CREATE, ALTER or DROP, without its trailing semicolon. */
    static Ddl parse(String sql, List<Token> tokens) {
        try {
            TokenCursor c = new TokenCursor(sql, tokens);
            Ddl d = switch (c.next().text()) {
                case "create" -> create(c);
                case "alter" -> alter(c);
                case "drop" -> drop(c);
                default -> null;
            };
            return d != null ? d : other(tokens);
        } catch (RuntimeException e) {   // a grammar corner not foreseen: the statement still gets its command
            return other(tokens);
        }
    }

    private static Ddl create(TokenCursor c) {
        boolean orReplace = c.accept("or", "replace");
        boolean unique = false, materialized = false;
        while (c.peek() != null && c.peek().type() == Type.WORD && MODIFIERS.contains(c.peek().text())) {
            String w = c.next().text();
            unique |= w.equals("unique");
            materialized |= w.equals("materialized");
        }
        if (c.accept("table")) return TableDdlParser.createTable(c);
        if (c.accept("index")) return createIndex(c, unique);
        if (c.accept("sequence")) return createSequence(c);
        if (c.accept("view")) return createView(c, orReplace, materialized);
        if (c.accept("type")) return createType(c);
        if (c.accept("schema")) return createSchema(c);
        return null;
    }

    private static Ddl alter(TokenCursor c) {
        if (c.accept("table")) return TableDdlParser.alterTable(c);
        if (c.accept("sequence")) return alterSequence(c);
        return null;
    }

    private static Drop drop(TokenCursor c) {
        String object = objectKind(c);
        if (object.isEmpty()) return null;
        c.accept("concurrently");
        boolean ifExists = c.accept("if", "exists");
        List<Table> names = new ArrayList<>();
        boolean cascade = false;
        for (TokenCursor part : c.split()) {   // DROP FUNCTION f(int, text): the arguments are one group
            Table name = part.qualifiedName();
            if (name != null) names.add(name);
            part.skipTo("cascade");
            cascade |= part.accept("cascade");
        }
        return names.isEmpty() ? null : new Drop(object, names, ifExists, cascade);
    }

    /** The object kind at the cursor, upper-case: "TABLE", "MATERIALIZED VIEW", "FOREIGN DATA WRAPPER", …; "" if none. */
    private static String objectKind(TokenCursor c) {
        if (!c.peekType(Type.WORD)) return "";
        StringBuilder kind = new StringBuilder(c.next().text());
        String last = kind.toString();
        while (OBJECT_WORDS.containsKey(last) && c.peekType(Type.WORD) && OBJECT_WORDS.get(last).contains(c.peek().text())) {
            last = c.next().text();
            kind.append(' ').append(last);
        }
        return kind.toString().toUpperCase(Locale.ROOT);
    }

    private static CreateIndex createIndex(TokenCursor c, boolean unique) {
        c.accept("concurrently");
        boolean ifNotExists = c.accept("if", "not", "exists");
        String name = c.peekWords("on") ? null : c.name();
        if (!c.accept("on")) return null;
        c.accept("only");
        Table table = c.qualifiedName();
        if (table == null) return null;
        if (c.accept("using")) c.name();
        TokenCursor keys = c.group();
        if (keys == null) return null;
        List<Expr> exprs = new ArrayList<>();
        for (TokenCursor key : keys.split()) exprs.add(indexKey(key));
        c.skipTo("where");   // INCLUDE, NULLS NOT DISTINCT, WITH (…), TABLESPACE: nothing the model keeps
        return new CreateIndex(name, table, exprs, unique, c.accept("where") ? c.expr() : null, ifNotExists);
    }

    /**
     * A column, {@code (expression)} or {@code function(…)}; what follows (collation, opclass, ASC, NULLS) is left. Never
     * null: a key that is none of these is its text, {@link Expr.Raw}.
     */
    private static Expr indexKey(TokenCursor key) {
        String text = key.text();
        Expr e;
        if (key.peekType(Type.OPEN_PAREN)) {
            e = key.group().expr();
        } else {
            int start = key.mark();
            Table name = key.qualifiedName();
            if (key.peekType(Type.OPEN_PAREN)) {
                key.group();
                e = key.exprSince(start);
            } else {
                e = name == null ? null : new Expr.Column(null, name.name());
            }
        }
        return e != null ? e : new Expr.Raw(text == null ? "" : text);
    }

    private static CreateSequence createSequence(TokenCursor c) {
        boolean ifNotExists = c.accept("if", "not", "exists");
        Table name = c.qualifiedName();
        SequenceOptions options = name == null ? null : sequenceOptions(c, false);
        return options == null ? null : new CreateSequence(name, options, ifNotExists);
    }

    private static AlterSequence alterSequence(TokenCursor c) {
        boolean ifExists = c.accept("if", "exists");
        Table name = c.qualifiedName();
        SequenceOptions options = name == null ? null : sequenceOptions(c, true);
        return options == null ? null : new AlterSequence(name, options, ifExists);
    }

    /**
     * The options of CREATE/ALTER SEQUENCE; null when there is one the record cannot hold (RENAME, OWNER TO, SET SCHEMA,
     * SET LOGGED, and in ALTER SEQUENCE NO MINVALUE / NO MAXVALUE, which reset a bound).
     */
    private static SequenceOptions sequenceOptions(TokenCursor c, boolean alter) {
        String dataType = null, ownedBy = null;
        Long increment = null, min = null, max = null, start = null, cache = null, restartWith = null;
        Boolean cycle = null;
        boolean restart = false;
        while (!c.atEnd()) {
            if (c.accept("as")) {
                dataType = c.name();
            } else if (c.accept("increment")) {
                c.accept("by");
                if ((increment = c.number()) == null) return null;
            } else if (c.accept("minvalue")) {
                if ((min = c.number()) == null) return null;
            } else if (c.accept("maxvalue")) {
                if ((max = c.number()) == null) return null;
            } else if (c.accept("no", "minvalue") || c.accept("no", "maxvalue")) {
                if (alter) return null;
            } else if (c.accept("start")) {
                c.accept("with");
                if ((start = c.number()) == null) return null;
            } else if (c.accept("restart")) {
                restart = true;
                c.accept("with");
                restartWith = c.number();
            } else if (c.accept("cache")) {
                if ((cache = c.number()) == null) return null;
            } else if (c.accept("no", "cycle")) {
                cycle = false;
            } else if (c.accept("cycle")) {
                cycle = true;
            } else if (c.accept("owned", "by")) {
                ownedBy = c.accept("none") ? "none" : String.join(".", c.dottedName());
            } else if (!alter && (c.accept("logged") || c.accept("unlogged"))) {
                // persistence: not a value of the sequence
            } else {
                return null;
            }
        }
        return new SequenceOptions(dataType, increment, min, max, start, cache, cycle, ownedBy, restart, restartWith);
    }

    private static CreateView createView(TokenCursor c, boolean orReplace, boolean materialized) {
        c.accept("if", "not", "exists");
        Table name = c.qualifiedName();
        if (name == null) return null;
        List<String> columns = c.peekType(Type.OPEN_PAREN) ? c.nameList() : null;
        c.skipTo("as");   // USING, WITH (…), TABLESPACE
        if (!c.accept("as")) return null;
        TokenCursor query = c.rest();
        for (String[] suffix : new String[][] {{"with", "no", "data"}, {"with", "data"}, {"with", "check", "option"},
                {"with", "cascaded", "check", "option"}, {"with", "local", "check", "option"}}) {
            TokenCursor trimmed = query.withoutSuffix(suffix);
            if (trimmed != null) return new CreateView(name, columns, trimmed.text(), orReplace, materialized);
        }
        return new CreateView(name, columns, query.text(), orReplace, materialized);
    }

    private static CreateType createType(TokenCursor c) {
        Table name = c.qualifiedName();
        if (name == null) return null;
        if (c.accept("as", "enum")) {
            TokenCursor labels = c.group();
            if (labels == null) return null;
            List<String> out = new ArrayList<>();
            for (TokenCursor label : labels.split()) {
                if (label.atEnd()) continue;
                if (!label.peekType(Type.STRING)) return null;
                out.add(label.next().text());
            }
            return new CreateType(name, out, null);
        }
        return new CreateType(name, null, c.text());
    }

    private static CreateSchema createSchema(TokenCursor c) {
        boolean ifNotExists = c.accept("if", "not", "exists");
        String name = c.peekWords("authorization") ? null : c.name();
        String authorization = c.accept("authorization") ? c.name() : null;
        if (name == null) name = authorization;   // CREATE SCHEMA AUTHORIZATION bob: the schema is bob
        return name == null || !c.atEnd() ? null : new CreateSchema(name, ifNotExists, authorization);   // with elements: other
    }

    /** What the tokens alone say of any DDL statement: its verb, object kind and first name. */
    static OtherDdl other(List<Token> tokens) {
        TokenCursor c = new TokenCursor(null, tokens);
        String verb = c.next().text().toUpperCase(Locale.ROOT);
        while (c.peek() != null && c.peek().type() == Type.WORD && MODIFIERS.contains(c.peek().text())) c.next();
        String object = objectKind(c);
        while (c.accept("if") || c.accept("not") || c.accept("exists") || c.accept("concurrently")) {
            // IF [NOT] EXISTS, CONCURRENTLY
        }
        Table name = c.qualifiedName();
        return new OtherDdl(verb, object, name == null ? List.of() : List.of(name));
    }
}
