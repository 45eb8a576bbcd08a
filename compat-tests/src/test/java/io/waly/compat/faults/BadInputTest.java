package io.waly.compat.faults;

import io.waly.compat.support.Twin;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through plain pgjdbc and through WAL-y side by side: the same results and the same errors (SQLState and
 * message), then WAL-y's log replayed: nothing lost, nothing invented.
 */
class BadInputTest {

    @TempDir
    Path logDir;

    @Test
    void malformedSqlNulBytesUnicodeInjectionHugeStatementsAndWrongParameterCounts() throws Exception {
        Twin t = new Twin("badinput", logDir);
        t.run((c, out) -> {
            try (Statement s = c.createStatement()) {
                out.add(Twin.outcome(s, "CREATE TABLE t (id serial PRIMARY KEY, s text, b bytea)"));
                // malformed SQL
                for (String bad : new String[] {"INSERT INTO t (s VALUES ('x')", "UPDATE t SET WHERE", "DELETE t", "INSERT INTO",
                        "INSERT INTO t (s) VALUES ('unterminated)", "INSERT INTO t (s) VALUES ($$dollar)", "/* only a comment",
                        "INSERT INTO nowhere VALUES (1)", "INSERT INTO t (nope) VALUES (1)", ";;;", "",
                        "INSERT INTO t (s) VALUES ('a'); INSERT INTO t (s) VALUES (1/0); INSERT INTO t (s) VALUES ('c')"}) {
                    out.add(Twin.outcome(s, bad));
                }
                // injection-shaped text in literals, identifiers and comments
                for (String sql : new String[] {
                        "INSERT INTO t (s) VALUES ('''); DROP TABLE t; --')",
                        "INSERT INTO t (s) VALUES ($$'); DELETE FROM t; --$$)",
                        "INSERT INTO t (s) VALUES ($tag$ $$ ; ' \" $tag$)",
                        "INSERT INTO t (s) VALUES (E'\\\\'' || chr(39) || ';--')",
                        "INSERT INTO t /* ; DELETE FROM t; /* nested */ */ (s) VALUES ('after nested comment')",
                        "INSERT INTO t (s) VALUES ('-- not a comment') -- DELETE FROM t",
                        "INSERT INTO \"t\" (\"s\") VALUES ('quoted; identifiers')",
                        "insert into T (S) values ('Case')",
                        "INSERT INTO t (s) VALUES ('a'), ('b'); UPDATE t SET s = s || '!' WHERE s IN ('a', 'b')"}) {
                    out.add(Twin.outcome(s, sql));
                }
                // NUL bytes: text cannot hold them (22021), bytea can
                out.add(Twin.outcome(s, "INSERT INTO t (s) VALUES (E'nul\\\\000byte')"));
                out.add(Twin.outcome(s, "INSERT INTO t (s) VALUES (E'nul\\000byte')"));
                // a 10 MB statement
                out.add(Twin.outcome(s, "INSERT INTO t (s) VALUES ('" + "x".repeat(10 * 1024 * 1024) + "')"));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (s, b) VALUES (?, ?)")) {
                String[] texts = {"nul\u0000inside", "BMP: ä € 中 \uFFFD", "SMP: 😀 𝄞 𐍈", "SIP: \uD840\uDC00 𠀀", "TIP: \uD880\uDC00",
                        "plane 14: \uDB40\uDC01", "PUA planes 15-16: \uDB80\uDC00 \uDBFF\uDFFD",
                        "'); DROP TABLE t; --", "$$ ; $$", "\\x00\\", "y".repeat(10 * 1024 * 1024)};
                for (String x : texts) {
                    ps.setString(1, x);
                    ps.setBytes(2, x.getBytes(java.nio.charset.StandardCharsets.UTF_16));
                    try {
                        out.add("count=" + ps.executeUpdate());
                    } catch (java.sql.SQLException e) {
                        out.add(Twin.error(e));
                    }
                }
                ps.setBytes(2, new byte[] {0, 0, 1, 0});
                ps.setString(1, "bytes with NULs");
                out.add("count=" + ps.executeUpdate());
            }
            // parameter counts that do not match
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (s, b) VALUES (?, ?)")) {
                ps.setString(1, "only one");
                out.add("count=" + ps.executeUpdate());
            } catch (java.sql.SQLException e) {
                out.add(Twin.error(e));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (s) VALUES (?)")) {
                ps.setString(1, "fine");
                ps.setString(2, "one too many");
                out.add("count=" + ps.executeUpdate());
            } catch (java.sql.SQLException e) {
                out.add(Twin.error(e));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (s) VALUES ('no placeholder')")) {
                ps.setString(1, "unexpected");
                out.add("count=" + ps.executeUpdate());
            } catch (java.sql.SQLException e) {
                out.add(Twin.error(e));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (s) VALUES (?)")) {
                out.add("count=" + ps.executeUpdate());
            } catch (java.sql.SQLException e) {
                out.add(Twin.error(e));
            }
            try (Statement s = c.createStatement()) {
                out.add(Twin.outcome(s, "SELECT id, length(s), md5(s), b FROM t ORDER BY id"));
            }
        });
        t.waly.replayAndAssertEqual();
    }

    /** A Java string that is not valid UTF-16 (a lone surrogate): pgjdbc sends it (as '?') and the insert succeeds. */
    @Test
    void loneSurrogateInAParameter() throws Exception {
        Twin t = new Twin("badinput_surrogate", logDir);
        t.run((c, out) -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id serial PRIMARY KEY, s text)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (s) VALUES (?)")) {
                ps.setString(1, "lone surrogate: \uD800 end");
                out.add("count=" + ps.executeUpdate());
            }
            try (Statement s = c.createStatement()) {
                out.add(Twin.outcome(s, "INSERT INTO t (s) VALUES ('lone surrogate: \uDC00 in a literal')"));
                // in identifiers too: the table is created as "t?" (what pgjdbc sends), and the log names it so
                out.add(Twin.outcome(s, "CREATE TABLE \"t\uD800\" (a int)"));
                out.add(Twin.outcome(s, "INSERT INTO \"t\uDBFF\" (a) VALUES (1)"));
                out.add(Twin.outcome(s, "UPDATE \"t\uDFFF\" SET a = a + 1"));
                out.add(Twin.outcome(s, "DELETE FROM \"no such \uD800 table\""));
            }
            // and in a savepoint's name given through the API
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t (s) VALUES ('kept')");
                java.sql.Savepoint sp = c.setSavepoint("sp \uDC00");
                s.execute("INSERT INTO t (s) VALUES ('undone')");
                c.rollback(sp);
                c.commit();
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                out.add(Twin.outcome(s, "SELECT id, s FROM t ORDER BY id"));
            }
        });
        t.waly.replayAndAssertEqual();
    }

    @Test
    void statementThenSemicolonThenComment() throws Exception {
        Twin t = new Twin("badinput_comment", logDir);
        t.run((c, out) -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id serial PRIMARY KEY, s text, b bytea)");
                out.add(Twin.outcome(s, "INSERT INTO t (s) VALUES ('-- not a comment'); -- DELETE FROM t"));
            }
        });
        t.waly.replayAndAssertEqual();
    }
}
