package io.waly.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Value;
import io.waly.log.payload.Cbor;
import io.waly.log.payload.Payloads;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever text an application hands the driver — any UTF-16, lone surrogates and NULs included, in identifiers,
 * literals of every quoting, comments, or malformed — classifying it and encoding its STATEMENT record never throws,
 * and the record reads back as the text pgjdbc sends (a lone surrogate as '?'). An exception here would reach the
 * application from a write that plain pgjdbc sends without complaint.
 */
class AnyTextLogsTest {

    private final SqlClassifier classifier = new SqlClassifier(new CommandParser());

    @Property(tries = 1000)
    void anyTextClassifiesAndEncodes(@ForAll("statements") String sql) {
        SqlInfo info = classifier.classify(sql);
        for (int i = 0; i < 2; i++) {   // the second time through the kept, spliced parts
            Payloads.Statement.Repeated parts = i == 0 ? null : new Payloads.Statement.Repeated(Cbor.text(sql), info.command());
            byte[] bytes = new Payloads.Statement(Cbor.text(sql), List.of(Value.text(sql)), new int[] {12}, info.command(), true, -1,
                    null, 1, true).encode(parts);
            Payloads.Statement back = Payloads.Statement.decode(bytes);
            assertThat(back.sql()).isEqualTo(Cbor.text(sql));
            assertThat(back.params().get(0).value()).isEqualTo(Cbor.text(sql));
        }
        if (info.name() != null) {
            assertThat(Payloads.Savepoint.decode(new Payloads.Savepoint(info.name()).encode()).name()).isNotNull();
        }
    }

    /** Found by the property above: an unquoted non-ASCII word was cut between the halves of a surrogate pair. */
    @Example
    void supplementaryCharacterInAnUnquotedWord() {
        anyTextClassifiesAndEncodes("COPY t (\"\uD800\uDC00\") FROM STDIN WITH (FORMAT csv, NULL '', \uD800\uDC00)");
        assertThat(SqlLexer.tokenize("SELECT \uD83D\uDE00x1 FROM \u00C4b").stream().map(SqlLexer.Token::text))
                .containsExactly("select", "\uD83D\uDE00x1", "from", "\u00C4b");
    }

    @Provide
    Arbitrary<String> statements() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings().withChars('\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a', '\'', '"', '$', '\\', '\0', ';', ' ')
                        .ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u00A0', '\uFFFF').ofMaxLength(6));
        Arbitrary<String> template = Arbitraries.of(
                "INSERT INTO \"%1$s\" (a) VALUES ('%2$s')",
                "INSERT INTO t (\"%1$s\") VALUES (E'%2$s') RETURNING \"%1$s\"",
                "UPDATE t SET \"%1$s\" = $$%2$s$$ WHERE b = '%2$s'",
                "UPDATE t SET s = CASE WHEN id > 0 THEN '%2$s' END /* %1$s */",
                "DELETE FROM \"%1$s\" WHERE c = U&'%2$s' -- %1$s",
                "CREATE TABLE \"%1$s\" (\"%2$s\" int DEFAULT 1)",
                "ALTER TABLE t RENAME COLUMN \"%1$s\" TO \"%2$s\"",
                "COMMENT ON TABLE \"%1$s\" IS '%2$s'",
                "SAVEPOINT \"%1$s\"",
                "SELECT '%2$s' FROM \"%1$s\"",
                "MERGE INTO \"%1$s\" t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE SET b = '%2$s'",
                "COPY \"%1$s\" FROM STDIN",
                "COPY t (\"%1$s\") FROM STDIN WITH (FORMAT csv, NULL '%2$s', %1$s)",
                "ALTER TABLE t ADD COLUMN \"%1$s\" text DEFAULT '%2$s' CHECK (%1$s), ALTER COLUMN b SET DEFAULT %2$s",
                "CREATE INDEX \"%1$s\" ON t (lower(\"%1$s\"), %2$s) WHERE b = '%2$s'",
                "CREATE SEQUENCE \"%1$s\" START %2$s OWNED BY %1$s",
                "SET search_path TO \"%1$s\", '%2$s'",
                "SELECT setval('%1$s', %2$s)",
                "%1$s%2$s");
        return Combinators.combine(template, text, text).as((t, a, b) -> String.format(t, a, b));
    }
}
