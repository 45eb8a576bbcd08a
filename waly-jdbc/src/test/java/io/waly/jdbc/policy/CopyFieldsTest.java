package io.waly.jdbc.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.command.Command;
import io.waly.command.Value;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** COPY data read as PostgreSQL reads it, one field replaced, everything else kept byte for byte. */
class CopyFieldsTest {
    private static final UnaryOperator<Value> MARK = v -> Value.text("<" + v.value() + ">");

    private static String replace(String data, Command.CopyOptions options, int field) {
        return new String(CopyFields.replace(data.getBytes(StandardCharsets.UTF_8), options, Map.of(field, MARK)), StandardCharsets.UTF_8);
    }

    private static Command.CopyOptions csv(String delimiter, String nullString, String quote, String escape, boolean header) {
        return new Command.CopyOptions("csv", header, delimiter, nullString, quote, escape, null, null, null, Map.of());
    }

    @Test
    void textFormatReadsEscapesAndNullsAndKeepsTheRest() {
        Command.CopyOptions text = Command.CopyOptions.of("text");
        assertThat(replace("1\ta\\tb\\\\c\\x41\\101\r\n2\t\\N\n\\.\n", text, 1))
                .isEqualTo("1\t<a\tb\\cAA>\r\n2\t\\N\n\\.\n");
        // a delimiter escaped by a backslash is data; the NULL option changes what NULL is
        Command.CopyOptions pipe = new Command.CopyOptions("text", false, "|", "nil", null, null, null, null, null, Map.of());
        assertThat(replace("a\\|b|nil|\\N\n", pipe, 0)).isEqualTo("<a|b>|nil|\\N\n");
        assertThat(replace("a|nil\n", pipe, 1)).isEqualTo("a|nil\n");
    }

    @Test
    void csvReadsQuotesEscapesAndTheUnquotedNull() {
        assertThat(replace("h1,h2\n1,\"x,\"\"y\"\"\nz\"\n2,\n3,\"\"\n", csv(null, null, null, null, true), 1))
                .isEqualTo("h1,h2\n1,\"<x,\"y\"\nz>\"\n2,\n3,\"<>\"\n");
        // another delimiter, quote, escape and NULL string
        assertThat(replace("1;'a\\'b';NULL\n", csv(";", "NULL", "'", "\\", false), 1)).isEqualTo("1;'<a'b>';NULL\n");
        assertThat(replace("1;'a\\'b';NULL\n", csv(";", "NULL", "'", "\\", false), 2)).isEqualTo("1;'a\\'b';NULL\n");
    }

    @Test
    void aReplacementThatIsNullIsWrittenAsTheNullString() {
        UnaryOperator<Value> toNull = v -> Value.NULL;
        byte[] out = CopyFields.replace("1\tx\n".getBytes(StandardCharsets.UTF_8), Command.CopyOptions.of("text"), Map.of(1, toNull));
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("1\t\\N\n");
    }
}
