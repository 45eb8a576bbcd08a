package io.waly.jdbc.sql;

import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls in SQL text that create a large object under an OID the server chooses: {@code lo_creat(mode)},
 * {@code lo_create(0)}, {@code lo_from_bytea(0, data)} and {@code lo_import(file)}. Run again, such a call gets another
 * OID, and every later statement naming the object by the source's OID fails. So the capture logs the OID a statement
 * with one such call got, and replay runs the call with that OID given ({@link #withOid}): {@code lo_create(oid)},
 * {@code lo_from_bytea(oid, data)}, {@code lo_import(file, oid)} — the same object under the same OID.
 */
public final class LargeObjectCalls {
    private LargeObjectCalls() {}

    /** One such call: where its text is, and how to give it an OID. */
    private record Call(String function, Token name, Token open, Token close, List<List<Token>> args) {}

    /** True when {@code sql} holds exactly one call that creates a large object under an OID the server chooses. */
    public static boolean singleServerChosen(String sql) {
        if (!sql.toLowerCase(java.util.Locale.ROOT).contains("lo_")) return false;   // the cheap test first
        return calls(SqlLexer.tokenize(sql)).size() == 1;
    }

    /** {@code sql} with its one such call given {@code oid}; null when it holds none or several. */
    public static String withOid(String sql, long oid) {
        List<Call> calls = calls(SqlLexer.tokenize(sql));
        if (calls.size() != 1) return null;
        Call c = calls.get(0);
        String o = Long.toString(oid);
        return switch (c.function) {
            case "lo_creat" -> sql.substring(0, c.name.start()) + "lo_create(" + o + ")" + sql.substring(c.close.end());
            case "lo_import" -> sql.substring(0, c.close.start()) + ", " + o + sql.substring(c.close.start());
            // lo_create(0), lo_from_bytea(0, …): the first argument, the 0, becomes the OID
            default -> sql.substring(0, c.args.get(0).get(0).start()) + o + sql.substring(c.args.get(0).get(0).end());
        };
    }

    private static List<Call> calls(List<Token> tokens) {
        List<Call> out = new ArrayList<>();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.type() != Type.WORD || tokens.get(i + 1).type() != Type.OPEN_PAREN) continue;
            if (!t.is("lo_creat") && !t.is("lo_create") && !t.is("lo_from_bytea") && !t.is("lo_import")) continue;
            if (i > 0 && tokens.get(i - 1).text().equals(".") && !(i > 1 && tokens.get(i - 2).is("pg_catalog"))) continue;
            int close = matching(tokens, i + 1);
            if (close < 0) continue;
            List<List<Token>> args = arguments(tokens, i + 2, close);
            boolean serverChosen = switch (t.text()) {
                case "lo_creat" -> args.size() == 1;
                case "lo_import" -> args.size() == 1;
                case "lo_create" -> args.size() == 1 && isZero(args.get(0));
                default -> args.size() == 2 && isZero(args.get(0));
            };
            if (serverChosen) out.add(new Call(t.text(), t, tokens.get(i + 1), tokens.get(close), args));
        }
        return out;
    }

    private static boolean isZero(List<Token> arg) {
        return arg.size() == 1 && arg.get(0).type() == Type.NUMBER && arg.get(0).text().equals("0");
    }

    private static int matching(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (tokens.get(i).type() == Type.OPEN_PAREN) depth++;
            else if (tokens.get(i).type() == Type.CLOSE_PAREN && --depth == 0) return i;
        }
        return -1;
    }

    /** The top-level, comma-separated arguments between {@code from} and {@code close}. */
    private static List<List<Token>> arguments(List<Token> tokens, int from, int close) {
        List<List<Token>> args = new ArrayList<>();
        if (from >= close) return args;
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (int i = from; i < close; i++) {
            Token t = tokens.get(i);
            if (t.type() == Type.OPEN_PAREN) depth++;
            if (t.type() == Type.CLOSE_PAREN) depth--;
            if (depth == 0 && t.type() == Type.OTHER && t.text().equals(",")) {
                args.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        args.add(current);
        return args;
    }
}
