package io.waly.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Command;
import io.waly.command.Command.Ddl;
import io.waly.log.payload.Cbor;
import io.waly.log.payload.CommandCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every DDL statement of the SQL corpus (the statements {@code CorpusDifferentialTest} runs against PostgreSQL) becomes
 * the typed record of its kind — only the forms the model leaves to {@link Ddl.OtherDdl} by design do not — with every
 * default, check and predicate an expression rather than raw SQL, and survives the log's encoding unchanged.
 */
class DdlCorpusTest {

    static final List<String> FILES = List.of("01-ddl.sql", "02-dml.sql", "03-types.sql", "04-transactions.sql",
            "05-text.sql", "06-errors.sql", "08-corners.sql", "09-more.sql", "07-last.sql");

    /** The kinds that have a record of their own. */
    static final List<String> TYPED = List.of("CREATE TABLE", "ALTER TABLE", "DROP", "CREATE INDEX", "CREATE SEQUENCE",
            "ALTER SEQUENCE", "CREATE VIEW", "CREATE MATERIALIZED VIEW", "CREATE TYPE", "CREATE SCHEMA");

    @Test
    void corpusDdlBecomesTypedCommands() throws IOException {
        CommandParser parser = new CommandParser();
        List<String> untyped = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        int ddl = 0;
        for (String f : FILES) {
            String script = read("/corpus/" + f);
            for (List<SqlLexer.Token> part : SqlLexer.statements(SqlLexer.tokenize(script))) {
                if (!part.get(0).is("create") && !part.get(0).is("alter") && !part.get(0).is("drop")) continue;
                String sql = script.substring(part.get(0).start(), part.get(part.size() - 1).end());
                Command c = parser.parse(sql);
                assertThat(c).as(sql).isInstanceOf(Ddl.class);
                ddl++;
                Command back = CommandCodec.read(Cbor.decode(Cbor.encode(g -> CommandCodec.write(g, c))));
                assertThat(back).as(sql).isEqualTo(c);
                if (c instanceof Ddl.OtherDdl o && TYPED.stream().anyMatch(k -> o.kind().startsWith(k))) untyped.add(sql);
                if (c.toString().contains("Raw[")) raw.add(sql);
            }
        }
        assertThat(ddl).isGreaterThan(90);
        assertThat(untyped).allSatisfy(sql -> assertThat(sql).containsAnyOf("PARTITION OF", "INHERITS"));
        assertThat(untyped).hasSize(6);
        assertThat(raw).isEmpty();
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = DdlCorpusTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
