package io.waly.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The {@code commands:} section where the driver's SQL parser is not on the class path (this module's own tests): a model
 * with commands is refused at their line, saying what is missing; one without them loads. The section itself is tested
 * with the parser in waly-jdbc ({@code CommandModelTest}).
 */
class CommandsSectionTest {

    @Test
    void withoutTheDriversParserCommandsAreRefusedSayingWhy() {
        ModelTest.assertError("""
                tables:
                  accounts: {}
                commands:
                  CLOSE:
                    postgres: [DELETE FROM accounts]
                """, 4, "commands are checked with WAL-y's SQL parser, which is not on the class path");
        assertThat(Model.parse("commands: {}\n", "m.yaml").commands().isEmpty()).isTrue();
        assertThat(Model.parse("tables: {}\n", "m.yaml").commands().isEmpty()).isTrue();
    }
}
