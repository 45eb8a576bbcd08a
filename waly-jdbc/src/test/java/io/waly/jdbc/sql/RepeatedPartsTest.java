package io.waly.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Value;
import io.waly.log.payload.Payloads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A STATEMENT record whose SQL text and command are spliced in already encoded (a prepared statement's second and
 * later executions) has exactly the bytes of one encoded from scratch — for every command the parser makes of the
 * differential corpus.
 */
class RepeatedPartsTest {

    private static final String[] FILES = {"01-ddl.sql", "02-dml.sql", "03-types.sql", "04-transactions.sql", "05-text.sql",
            "06-errors.sql", "07-last.sql"};

    @Test
    void splicedRecordsAreByteForByteTheEncodedOnes() throws IOException {
        SqlClassifier classifier = new SqlClassifier(new CommandParser());
        int commands = 0;
        for (String f : FILES) {
            String script = read("/corpus/" + f);
            for (List<SqlLexer.Token> part : SqlLexer.statements(SqlLexer.tokenize(script))) {
                String sql = script.substring(part.get(0).start(), part.get(part.size() - 1).end());
                SqlInfo info = classifier.classify(sql);
                if (info.command() == null) continue;
                commands++;
                Payloads.Statement.Repeated parts = new Payloads.Statement.Repeated(sql, info.command());
                for (Payloads.Statement st : List.of(
                        new Payloads.Statement(sql, List.of(), null, info.command(), true, -1, null, 3, false),
                        new Payloads.Statement(sql, List.of(Value.int4(7), Value.text("x")), new int[] {4, 12}, info.command(),
                                false, 2, null, 3, true))) {
                    assertThat(st.encode(parts)).as(sql).isEqualTo(st.encode());
                }
            }
        }
        assertThat(commands).isGreaterThan(200);
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = RepeatedPartsTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
