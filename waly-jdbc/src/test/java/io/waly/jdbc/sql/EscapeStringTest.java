package io.waly.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.testing.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@code E'…'} strings (backslash escapes) take the shape cache like plain strings: their value is decoded by the
 * lexer, and PostgreSQL itself is the oracle for that value. A literal whose value cannot be known on the client
 * (bytes beyond ASCII, NUL, broken Unicode escapes) stays in the statement, for PostgreSQL alone to judge.
 */
class EscapeStringTest {

    private static Connection pg;

    @BeforeContainer
    static void connect() throws SQLException {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        pg = DriverManager.getConnection(server.newDatabase("escapes"));
        try (Statement s = pg.createStatement()) {
            // the literal reaches PostgreSQL's own lexer as a bound value, untouched by pgjdbc's client-side parser
            // (which refuses some texts PostgreSQL accepts, such as E'''\'': such SQL never reaches a database)
            s.execute("CREATE FUNCTION eval_literal(lit text) RETURNS text LANGUAGE plpgsql AS $$"
                    + " DECLARE r text; BEGIN EXECUTE 'SELECT ' || lit INTO r; RETURN r; END $$");
        }
    }

    @AfterContainer
    static void close() throws SQLException {
        pg.close();
    }

    /** What PostgreSQL makes of the literal, or null when it rejects it. */
    private static String postgres(String literal) {
        try (PreparedStatement ps = pg.prepareStatement("SELECT eval_literal(?)")) {
            ps.setString(1, literal);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            return null;
        }
    }

    /** The value the parsed INSERT carries for the literal, or null when the literal was not replaced by a value. */
    private static String lexed(String literal) {
        String sql = "INSERT INTO notes (id, body) VALUES (1, " + literal + ")";
        SqlLexer.Shape shape = SqlLexer.shape(sql, SqlLexer.tokenize(sql));
        if (!shape.text().equals("INSERT INTO notes (id, body) VALUES (?, ?)")) return null;
        Command.Insert insert = (Command.Insert) new CommandParser().parse(sql);
        Expr body = insert.rows().get(0).get(1);
        return (String) ((Expr.Literal) body).value().value();
    }

    @Property(tries = 300)
    void decodedValueIsPostgresqlsOwn(@ForAll("escapeStrings") String literal) {
        String lexed = lexed(literal);
        if (lexed != null) {
            // every literal the lexer decodes, PostgreSQL accepts, with exactly that value
            assertThat(postgres(literal)).as(literal).isEqualTo(lexed);
        }
    }

    @Property(tries = 50)
    void everythingPostgresqlAcceptsWithinAsciiAndValidUnicodeIsDecoded(@ForAll("decodableEscapeStrings") String literal) {
        assertThat(lexed(literal)).as(literal).isNotNull().isEqualTo(postgres(literal));
    }

    @Property(tries = 1)
    void undecodableLiteralsStayInTheStatement() {
        for (String literal : List.of("E'\\xe9'", "E'caf\\303\\251'", "E'\\000'", "E'\\x0'", "E'\\u0000'", "E'\\uD83D'",
                "E'\\uDE00\\uD83D'", "E'\\u12'", "E'\\U00110000'", "E'\\777'")) {
            assertThat(lexed(literal)).as(literal).isNull();
        }
    }

    @Property(tries = 1)
    void statementsDifferingInEscapedLiteralsShareAShape() {
        String a = "INSERT INTO notes (id, body) VALUES (1, E'line\\n1')";
        String b = "INSERT INTO notes (id, body) VALUES (2, E'it\\'s \\u00e9\\t\\x41\\101 \\U0001F600')";
        assertThat(SqlLexer.shape(a, SqlLexer.tokenize(a)).text()).isEqualTo(SqlLexer.shape(b, SqlLexer.tokenize(b)).text());
        assertThat(lexed("E'it\\'s \\u00e9\\t\\x41\\101 \\U0001F600'")).isEqualTo("it's é\tAA 😀");
    }

    private static final List<String> PIECES = List.of("a", "Z", "7", " ", "é", "😀", "''", "\\\\", "\\'", "\\n", "\\t",
            "\\r", "\\b", "\\f", "\\q", "\\x", "\\x4", "\\x41", "\\x7f", "\\x80", "\\xff", "\\xg", "\\0", "\\1", "\\12",
            "\\101", "\\177", "\\200", "\\377", "\\400", "\\u", "\\u0041", "\\u00e9", "\\u20AC", "\\uD83D\\uDE00", "\\uD83D",
            "\\uDE00", "\\u12", "\\U0001F600", "\\U00110000", "\\UFFFFFFFF", "\\U0041", "\\u0000", "\\", "x", "u", "U");

    // no hex digit a-f among the letters: after "\\x" it would continue the escape past ASCII ("\\x" "a" "a" is 0xaa)
    private static final List<String> DECODABLE = List.of("k", "Z", "7", " ", "é", "😀", "''", "\\\\", "\\'", "\\n",
            "\\t", "\\r", "\\b", "\\f", "\\q", "\\x", "\\x4", "\\x41", "\\x7f", "\\xg", "\\1", "\\12", "\\101", "\\177",
            "\\u0041", "\\u00e9", "\\u20AC", "\\uD83D\\uDE00", "\\U0001F600", "x", "u", "U");

    @Provide
    Arbitrary<String> escapeStrings() {
        return literals(PIECES);
    }

    @Provide
    Arbitrary<String> decodableEscapeStrings() {
        return literals(DECODABLE);
    }

    private static Arbitrary<String> literals(List<String> pieces) {
        return Arbitraries.of(pieces).list().ofMaxSize(8).map(l -> "E'" + String.join("", l) + "'");
    }
}
