package io.waly.log.format;

import static org.assertj.core.api.Assertions.*;

import io.waly.command.Command;
import io.waly.command.Command.Copy;
import io.waly.command.Command.CopyOptions;
import io.waly.command.Command.Ddl.*;
import io.waly.command.Command.Table;
import io.waly.command.Expr;
import io.waly.log.format.FormatSpecTest.MiniCbor;
import io.waly.log.payload.Cbor;
import io.waly.log.payload.CommandCodec;
import io.waly.log.payload.Payloads;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Logs written before DDL was typed still read (FORMAT.md §3.7, "Older forms", and §8): the bytes here are built by
 * hand from the old specification — the {@code ddl} command with its text {@code kind}, {@code definition},
 * {@code actions} and text column defaults, and COPY's text {@code options} — never by today's encoder.
 */
class LegacyCommandsTest {

    static Command read(MiniCbor command) {
        return CommandCodec.read(Cbor.decode(command.bytes()));
    }

    static MiniCbor column(MiniCbor c, String name, String type, boolean notNull, String dflt) {
        c.map().text("name").text(name).text("type").text(type);
        if (notNull) c.text("notNull").bool(true);
        if (dflt != null) c.text("default").text(dflt);
        return c.end();
    }

    @Test
    void createTableWithItsDefinitionReadsAsCreateTableWithTextDefaults() {
        MiniCbor c = new MiniCbor().map().text("type").text("ddl").text("kind").text("CREATE TABLE")
                .text("objects").array(1).text("public.\"Accounts\"")
                .text("definition").map().text("columns").array(2);
        column(c, "id", "bigint", true, null);
        column(c, "name", "text", false, "'x'::text");
        c.text("primaryKey").array(1).text("id")
                .text("unique").array(1).array(2).text("id").text("name")
                .end()
                .text("ifExists").bool(true)
                .end();
        assertThat(read(c)).isEqualTo(new CreateTable(new Table("public", "Accounts"), List.of(
                new ColumnDef("id", "bigint", true, null, null, null),
                new ColumnDef("name", "text", false, new Expr.Raw("'x'::text"), null, null)),
                List.of(new PrimaryKey(null, List.of("id")), new Unique(null, List.of("id", "name"))), true, null, null));
    }

    @Test
    void createTableWithoutDefinitionReadsAsOtherDdl() {
        MiniCbor c = new MiniCbor().map().text("type").text("ddl").text("kind").text("CREATE TABLE")
                .text("objects").array(1).text("Shop.Copy").end();
        assertThat(read(c)).isEqualTo(new OtherDdl("CREATE", "TABLE", List.of(new Table("shop", "copy"))));
    }

    @Test
    void alterTableActionsReadAsTheirTypedActions() {
        MiniCbor c = new MiniCbor().map().text("type").text("ddl").text("kind").text("ALTER TABLE")
                .text("objects").array(1).text("kv").text("actions").array()
                .map().text("action").text("ADD_COLUMN").text("column").text("flag").text("definition");
        column(c, "flag", "boolean", false, "true");
        c.end()
                .map().text("action").text("DROP_COLUMN").text("column").text("old").end()
                .map().text("action").text("RENAME_COLUMN").text("column").text("v").text("newName").text("val").end()
                .map().text("action").text("RENAME_TABLE").text("newName").text("kv2").end()
                .map().text("action").text("OTHER").end()
                .end().end();
        assertThat(read(c)).isEqualTo(new AlterTable(new Table(null, "kv"), false, List.of(
                new AddColumn(new ColumnDef("flag", "boolean", false, new Expr.Raw("true"), null, null), List.of(), false),
                new DropColumn("old", false, false), new RenameColumn("v", "val"), new RenameTable("kv2"),
                new OtherAction("OTHER", null))));
    }

    @Test
    void dropReadsAsDropAndTheRestAsOtherDdl() {
        MiniCbor drop = new MiniCbor().map().text("type").text("ddl").text("kind").text("DROP TABLE")
                .text("objects").array(2).text("a").text("s.\"B\"").text("ifExists").bool(true).end();
        assertThat(read(drop)).isEqualTo(new Drop("TABLE", List.of(new Table(null, "a"), new Table("s", "B")), true, false));
        // the old CREATE INDEX did not keep its WHERE: a partial index cannot be told from a full one
        MiniCbor index = new MiniCbor().map().text("type").text("ddl").text("kind").text("CREATE INDEX")
                .text("objects").array(2).text("kv_val").text("kv").text("columns").array(1).text("val").text("unique").bool(true).end();
        assertThat(read(index)).isEqualTo(new OtherDdl("CREATE", "INDEX", List.of(new Table(null, "kv_val"), new Table(null, "kv"))));
        MiniCbor function = new MiniCbor().map().text("type").text("ddl").text("kind").text("CREATE FUNCTION")
                .text("objects").array(1).text("f").end();
        assertThat(read(function)).isEqualTo(new OtherDdl("CREATE", "FUNCTION", List.of(new Table(null, "f"))));
        MiniCbor bare = new MiniCbor().map().text("type").text("ddl").end();
        assertThat(read(bare)).isInstanceOf(OtherDdl.class);
    }

    @Test
    void copyOptionsTextReadsAsAnUnmodelledOption() {
        MiniCbor c = new MiniCbor().map().text("type").text("copy").text("table").array().nul().text("t").end()
                .text("columns").array(1).text("a").text("format").text("csv").text("options").text("with ( format csv , header true )").end();
        assertThat(read(c)).isEqualTo(new Copy(new Table(null, "t"), List.of("a"),
                new CopyOptions("csv", false, null, null, null, null, null, null, null, Map.of("options", "with ( format csv , header true )")), null));
        MiniCbor plain = new MiniCbor().map().text("type").text("copy").text("table").array().nul().text("t").end().text("format").text("text").end();
        assertThat(read(plain)).isEqualTo(new Copy(new Table(null, "t"), null, CopyOptions.of("text"), null));
    }

    @Test
    void anOldStatementRecordDecodesWithItsCommand() {
        MiniCbor st = new MiniCbor().map().text("schemaVersion").uint(1).text("conn").uint(3).text("sql").text("ALTER TABLE t DROP COLUMN c")
                .text("command").map().text("type").text("ddl").text("kind").text("ALTER TABLE").text("objects").array(1).text("t")
                .text("actions").array().map().text("action").text("DROP_COLUMN").text("column").text("c").end().end().end()
                .text("autocommit").bool(true).end();
        Payloads.Statement s = Payloads.Statement.decode(st.bytes());
        assertThat(s.command()).isEqualTo(new AlterTable(new Table(null, "t"), false, List.of(new DropColumn("c", false, false))));
        assertThat(s.connection()).isEqualTo(3);
        MiniCbor set = new MiniCbor().map().text("sql").text("SET TIME ZONE 'UTC'").text("command").map().text("type").text("sql")
                .text("kind").text("SET").end().end();
        assertThat(Payloads.Statement.decode(set.bytes()).command()).isEqualTo(new Command.Sql("SET"));
    }
}
