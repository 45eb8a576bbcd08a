package io.waly.compat.regress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential runner on scripts of our own: the splitter cuts as psql does, the session handles COPY stdin,
 * variables, {@code \gset} and {@code \if}, and the whole runner (A vs B, then B's log replayed into C) reports a
 * clean file as clean and a differing outcome as a mismatch.
 */
class PsqlRegressSmokeTest {

    static final String TRICKY = """
            -- a leading comment; not a statement
            SELECT 'a;b' AS s, E'c\\';d' AS e, $$x;y$$ AS d, $tag$ $$; $tag$ AS t, "we;ird" FROM (SELECT 1 AS "we;ird") q;
            /* outer /* inner; */ still a comment; */ SELECT f(1;2);
            CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;
            SELECT 1 \\; SELECT 2;
            \\set x 5
            SELECT :x, :'x', :"x", :{?x}, :{?nope}, :undefined, 1::int, a[1:2]
            \\set y :x'0' 'z'
            """;

    static final String SMOKE = """
            CREATE TABLE items (id int PRIMARY KEY, name text, price numeric);
            COPY items (id, name, price) FROM stdin;
            1	apple	0.5
            2	pear	0.75
            3	plum	1.25
            \\.
            \\set threshold 0.6
            \\set fruit pear
            SELECT count(*) = 2 AS two_expensive FROM items WHERE price > :threshold \\gset
            \\if :two_expensive
            SELECT 'two are expensive' AS verdict;
            \\else
            SELECT 'unreachable' AS verdict;
            \\endif
            INSERT INTO missing_table VALUES (1);
            CREATE FUNCTION add_tax(p numeric) RETURNS numeric LANGUAGE plpgsql AS $fn$
            BEGIN
              RETURN round(p * 1.2, 2);  -- a semicolon inside the body
            END
            $fn$;
            UPDATE items SET price = add_tax(price) WHERE name = :'fruit';
            \\d items
            \\pset format unaligned
            SELECT id, name, price FROM items ORDER BY id;
            """;

    @Test
    void splitsAsPsqlDoes() {
        PsqlLexer lexer = new PsqlLexer(TRICKY);
        Map<String, String> vars = new java.util.HashMap<>();
        List<PsqlLexer.Item> items = new ArrayList<>();
        PsqlLexer.Item item;
        while ((item = lexer.next(vars::get)) != null) {
            items.add(item);
            if (item instanceof PsqlLexer.Meta m && m.command().equals("set")) {
                List<String> args = PsqlLexer.arguments(m.rawArguments(), vars::get);
                vars.put(args.get(0), String.join("", args.subList(1, args.size())));
            }
        }
        assertThat(items).containsExactly(
                new PsqlLexer.Sql("SELECT 'a;b' AS s, E'c\\';d' AS e, $$x;y$$ AS d, $tag$ $$; $tag$ AS t, \"we;ird\" FROM (SELECT 1 AS \"we;ird\") q;", 2, false),
                new PsqlLexer.Sql("/* outer /* inner; */ still a comment; */ SELECT f(1;2);", 3, false),
                new PsqlLexer.Sql("CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;", 4, false),
                new PsqlLexer.Sql("SELECT 1 ; SELECT 2;", 5, true),
                new PsqlLexer.Meta("set", " x 5", 6),
                // unterminated at the end: sent as psql sends it; an undefined variable stays as written
                new PsqlLexer.Meta("set", " y :x'0' 'z'", 8),
                new PsqlLexer.Sql("SELECT 5, '5', \"5\", TRUE, FALSE, :undefined, 1::int, a[1:2]\n", 7, false));
        assertThat(vars).containsEntry("y", "50z");
        assertThat(PsqlLexer.literal("it's a \\ back")).isEqualTo(" E'it''s a \\\\ back'");
    }

    @Test
    void runsAScriptThroughPgjdbcAndWalyAndReplaysIt(@TempDir Path dir) throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("sql"));
        Files.writeString(scripts.resolve("smoke.sql"), SMOKE);
        List<FileResult> results = RegressRunner.run(scripts.toString(), "--work", dir.resolve("work").toString(), "--file-timeout", "120");

        FileResult r = results.get(0);
        assertThat(r.harnessError).isNull();
        assertThat(r.statements).isEqualTo(8);
        assertThat(r.skippedMeta).as("\\d and \\pset").isEqualTo(2);
        assertThat(r.mismatches).isEmpty();
        assertThat(r.tablesPlainVsWaly).isEmpty();
        assertThat(r.catalogPlainVsWaly).isEmpty();
        assertThat(r.replay).startsWith("ok");
        assertThat(r.tablesWalyVsReplay).isEmpty();
        assertThat(r.catalogWalyVsReplay).isEmpty();
        assertThat(Files.readString(dir.resolve("work/report.md"))).contains("| smoke.sql | 8 | 2 | 0 | 0 | 0 | ok (");
    }

    /** What the session recorded, statement by statement: the runner compares exactly this. */
    @Test
    void recordsEveryOutcome() throws Exception {
        var pg = io.waly.testing.EmbeddedPostgresServer.shared();
        String url = pg.newDatabase("psql_session");
        String db = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        PsqlSession.Connector connector = (d, u) -> java.sql.DriverManager.getConnection(pg.url(d).replace("user=postgres", "user=" + u));
        try (PsqlSession s = new PsqlSession(connector, db, "postgres", Map.of(), 30)) {
            s.run("smoke.sql", SMOKE);
            List<String> results = s.outcomes.stream().map(PsqlSession.Outcome::result).toList();
            assertThat(results.get(0)).isEqualTo("count 0\n");
            assertThat(results.get(1)).isEqualTo("COPY 3");
            assertThat(results.get(2)).isEqualTo("gset {two_expensive=t}");
            assertThat(results.get(3)).contains("two are expensive").doesNotContain("unreachable");
            assertThat(results.get(4)).startsWith("error 42P01 ERROR: relation \"missing_table\" does not exist");
            assertThat(results.get(6)).isEqualTo("count 1\n");
            assertThat(results.get(7)).contains("2 | pear | 0.90");
            assertThat(s.outcomes.get(6).sql()).contains("WHERE name = 'pear';");
            assertThat(s.skipped).containsOnlyKeys("d", "pset");
        }
    }

    @Test
    void aDifferentOutcomeIsAMismatch() {
        var same = new PsqlSession.Outcome("f.sql", 1, "SELECT 1;", "columns ?column?:int4\n1\n(1 row)\n");
        var other = new PsqlSession.Outcome("f.sql", 2, "SELECT 2;", "error 42501 ERROR: permission denied");
        var changed = new PsqlSession.Outcome("f.sql", 2, "SELECT 2;", "columns ?column?:int4\n2\n(1 row)\n");
        var prelude = new PsqlSession.Outcome("setup.sql", 9, "SELECT 3;", "count 0\n");
        FileResult r = new FileResult("f.sql");
        RegressRunner.compareOutcomes(r, List.of(prelude, same, other), List.of(prelude, same, changed, same));
        assertThat(r.preludeMismatches).isEmpty();
        assertThat(r.mismatches).extracting(FileResult.Mismatch::line).containsExactly(2, 1);
        assertThat(r.mismatches.get(0).plain()).startsWith("error 42501");
        assertThat(r.mismatches.get(0).waly()).contains("2\n(1 row)");
        assertThat(r.mismatches.get(1).plain()).as("a statement A never ran").isNull();
    }
}
