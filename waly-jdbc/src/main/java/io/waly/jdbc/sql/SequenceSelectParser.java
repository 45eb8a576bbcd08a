package io.waly.jdbc.sql;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code SELECT nextval('s')}, {@code SELECT setval('s', 42, false)}, {@code currval}, {@code lastval} — one or more,
 * with aliases — as a {@link Command.SequenceSelect}. Any other SELECT that reaches the parser (one that may write:
 * it calls a function not known to be read-only) stays {@code Sql("SELECT")}.
 */
final class SequenceSelectParser {
    private SequenceSelectParser() {}

    private static final Set<String> FUNCTIONS = Set.of("nextval", "setval", "currval", "lastval");

    static Command parse(List<Token> tokens) {
        TokenCursor c = new TokenCursor(null, tokens);
        c.next();
        List<Command.SequenceCall> calls = new ArrayList<>();
        int[] params = {0};
        for (TokenCursor item : c.split()) {
            Command.SequenceCall call = call(item, params);
            if (call == null) return new Command.Sql("SELECT");
            calls.add(call);
        }
        return calls.isEmpty() ? new Command.Sql("SELECT") : new Command.SequenceSelect(calls);
    }

    /** {@code [pg_catalog.]function(arg, …) [[AS] alias]}; null when the item is anything else. */
    private static Command.SequenceCall call(TokenCursor item, int[] params) {
        List<String> name = item.dottedName();
        boolean catalog = name.size() == 2 && name.get(0).equals("pg_catalog");
        if (name.isEmpty() || name.size() > 2 || name.size() == 2 && !catalog || !FUNCTIONS.contains(name.get(name.size() - 1))) return null;
        TokenCursor argList = item.group();
        if (argList == null) return null;
        item.accept("as");
        item.name();
        if (!item.atEnd()) return null;
        List<Expr> args = new ArrayList<>();
        for (TokenCursor a : argList.split()) {
            Expr e = argument(a, params);
            if (e == null) return null;
            args.add(e);
        }
        Command.Table sequence = !args.isEmpty() && args.get(0) instanceof Expr.Literal l && l.value().value() instanceof String s
                ? regclass(s) : null;
        return new Command.SequenceCall(name.get(name.size() - 1), sequence, args);
    }

    /** A literal ({@code 's'}, {@code 's'::regclass}, {@code -5}, {@code true}) or a {@code ?}; null for anything else. */
    private static Expr argument(TokenCursor a, int[] params) {
        Long n = a.number();
        Expr e;
        if (n != null) {
            e = new Expr.Literal(n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE ? Value.int4(n) : Value.int8(n));
        } else {
            Token t = a.next();
            if (t == null) return null;
            if (t.type() == Type.STRING) e = new Expr.Literal(Value.text(t.text()));
            else if (t.type() == Type.PARAM) e = new Expr.Param(++params[0]);
            else if (t.is("true") || t.is("false")) e = new Expr.Literal(Value.bool(t.is("true")));
            else return null;
        }
        if (a.acceptSymbol(":") && a.acceptSymbol(":")) a.name();   // 's'::regclass, 's'::text
        return a.atEnd() ? e : null;
    }

    /** The sequence a regclass text names, read as PostgreSQL reads it: {@code public."Seq"} → public, Seq. */
    private static Command.Table regclass(String text) {
        return new TokenCursor(null, SqlLexer.tokenize(text)).qualifiedName();
    }
}
