package io.waly.jdbc.sql;

import io.waly.command.Value;
import io.waly.jdbc.sql.SqlLexer.Token;
import io.waly.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * A call of an application command: {@code CALL waly.create_account(?, ?)}, with named arguments
 * ({@code waly.create_account(email => ?, plan => 'pro')}) or as JDBC's escape ({@code {call waly.create_account(?, ?)}}).
 * The schema {@code waly} is WAL-y's: the driver never sends such a call to the database, so it cannot collide with a
 * procedure of the application's (PostgreSQL would look for one in a schema named waly).
 *
 * @param name the command's name, folded to lower case as SQL folds it
 * @param args in the order written
 * @param malformed what is wrong with a call of WAL-y's schema that WAL-y cannot read (then {@code args} is empty): the
 *                  call fails with it, and is never sent to the database
 */
public record ExplicitCall(String name, List<Arg> args, String malformed) {

    /** An argument: by name or by position ({@code name} null); a {@code ?} ({@code param}, 1-based) or a literal. */
    public record Arg(String name, int param, Value literal) {}

    /** The call {@code tokens} make, or null when they are not one (a statement like any other). */
    static ExplicitCall parse(List<Token> tokens) {
        try {
            return read(tokens);
        } catch (Malformed e) {
            return new ExplicitCall(e.name, List.of(), e.getMessage());
        }
    }

    private static ExplicitCall read(List<Token> tokens) {
        int i = 0;
        boolean escape = !tokens.isEmpty() && tokens.get(0).type() == Type.OTHER && tokens.get(0).text().equals("{");
        if (escape) i++;
        if (tokens.size() < i + 5 || !tokens.get(i).is("call") || !tokens.get(i + 1).is("waly") || !isOther(tokens.get(i + 2), ".")
                || tokens.get(i + 3).type() != Type.WORD || tokens.get(i + 4).type() != Type.OPEN_PAREN) {
            return null;
        }
        String name = tokens.get(i + 3).text();
        i += 5;
        List<Arg> args = new ArrayList<>();
        int params = 0;
        for (Token t : tokens) if (t.type() == Type.PARAM) params++;
        int param = 0;
        if (tokens.get(i).type() != Type.CLOSE_PAREN) {
            while (true) {
                String argName = null;
                if (i + 2 < tokens.size() && tokens.get(i).type() == Type.WORD && isOther(tokens.get(i + 1), "=")
                        && isOther(tokens.get(i + 2), ">")) {
                    argName = tokens.get(i).text();
                    i += 3;
                }
                if (i >= tokens.size()) throw malformed(name);
                Token t = tokens.get(i);
                boolean negative = isOther(t, "-") && i + 1 < tokens.size() && tokens.get(i + 1).type() == Type.NUMBER;
                if (negative) t = tokens.get(++i);
                Arg a = switch (t.type()) {
                    case PARAM -> new Arg(argName, ++param, null);
                    case STRING -> new Arg(argName, 0, Value.text(t.text()));
                    case NUMBER -> new Arg(argName, 0, SqlLexer.number(negative ? "-" + t.text() : t.text()));
                    case WORD -> switch (t.text()) {
                        case "true" -> new Arg(argName, 0, Value.bool(true));
                        case "false" -> new Arg(argName, 0, Value.bool(false));
                        case "null" -> new Arg(argName, 0, Value.NULL);
                        default -> throw malformed(name);
                    };
                    default -> throw malformed(name);
                };
                args.add(a);
                i++;
                if (i >= tokens.size()) throw malformed(name);
                if (tokens.get(i).type() == Type.CLOSE_PAREN) break;
                if (!isOther(tokens.get(i), ",")) throw malformed(name);
                i++;
            }
        }
        i++;   // ')'
        if (escape) {
            if (i >= tokens.size() || !isOther(tokens.get(i), "}")) throw malformed(name);
            i++;
        }
        while (i < tokens.size() && tokens.get(i).type() == Type.SEMICOLON) i++;
        if (i != tokens.size() || param != params) throw malformed(name);
        return new ExplicitCall(name, List.copyOf(args), null);
    }

    private static boolean isOther(Token t, String text) {
        return t.type() == Type.OTHER && t.text().equals(text);
    }

    /** A call of WAL-y's schema that is not one WAL-y reads: an error for the call, not SQL for the database. */
    private static final class Malformed extends IllegalArgumentException {
        final String name;

        Malformed(String name) {
            super("a call of an application command is CALL waly." + name + "(arguments), each argument a ? or a literal, "
                    + "optionally named (email => ?), and nothing after it");
            this.name = name;
        }
    }

    private static Malformed malformed(String name) {
        return new Malformed(name);
    }
}
