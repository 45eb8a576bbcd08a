package io.waly.command;

import java.util.List;

/**
 * The logical command a write was parsed into: a small, database-independent algebra (design.md). The statement's
 * SQL text and parameters are always logged beside it and are the ground truth for replay into PostgreSQL; the
 * command serves other backends and people. What has no structured form is {@link Sql}, never nothing.
 */
public sealed interface Command {

    record Table(String schema, String name) {
        public String qualified() {
            return schema == null ? name : schema + "." + name;
        }

        @Override
        public String toString() {
            return qualified();
        }
    }

    record Assignment(String column, Expr value) {}

    /** {@code rows} for VALUES; {@code query} (SQL text) for INSERT … SELECT. */
    record Insert(Table table, List<String> columns, List<List<Expr>> rows, String query, List<String> returning)
            implements Command {}

    /** INSERT … ON CONFLICT: the insert, the conflict target, and DO NOTHING or DO UPDATE SET … [WHERE …]. */
    record Upsert(Insert insert, List<String> conflictColumns, String conflictConstraint, boolean doNothing,
                  List<Assignment> set, Expr where) implements Command {}

    /** {@code from} names the tables of UPDATE … FROM, which make the rows depend on other tables. */
    record Update(Table table, List<Assignment> set, Expr where, List<String> from, List<String> returning)
            implements Command {}

    record Delete(Table table, Expr where, List<String> using, List<String> returning) implements Command {}

    record Merge(Table target, String source, Expr on) implements Command {}

    record Truncate(List<Table> tables, boolean restartIdentity, boolean cascade) implements Command {}

    record ColumnDef(String name, String type, boolean notNull, String defaultSql) {}

    record TableDef(List<ColumnDef> columns, List<String> primaryKey, List<List<String>> unique) {}

    /** One ALTER TABLE action: ADD_COLUMN, DROP_COLUMN, RENAME_COLUMN, RENAME_TABLE or OTHER. */
    record AlterAction(String action, String column, String newName, ColumnDef definition) {}

    /**
     * DDL: {@code kind} is the statement's verb and object type ("CREATE TABLE", "DROP INDEX", "ALTER TABLE", …),
     * {@code objects} the names it touches; {@code table} for CREATE TABLE, {@code actions} for ALTER TABLE,
     * {@code columns}/{@code unique} for CREATE INDEX.
     */
    record Ddl(String kind, List<String> objects, TableDef table, List<AlterAction> actions, List<String> columns,
               boolean unique, boolean ifExists) implements Command {}

    /** COPY … FROM: the data travels in the statement payload's {@code copyData}. */
    record Copy(Table table, List<String> columns, String format, String options) implements Command {}

    record Call(String procedure, List<Expr> args) implements Command {}

    /**
     * A statement with no structured form (DO, SET, GRANT, an unparsable one, …). Its text is the statement's
     * {@code sql}; {@code kind} says what it is ("SET", "DO", "GRANT", "SELECT", "UNPARSED", …).
     */
    record Sql(String kind) implements Command {}
}
