package io.waly.command;

import java.util.List;
import java.util.Map;

/**
 * The logical command a write was parsed into: a small, database-independent algebra (design.md). The statement's
 * SQL text and parameters are always logged beside it and are the ground truth for replay into PostgreSQL; the
 * command serves other backends and people, and carries everything they need: no backend reads the SQL text. What
 * has no structured form is {@link Sql}, never nothing.
 *
 * <p>Names (tables, columns, constraints, settings) are folded as PostgreSQL folds identifiers: unquoted lower-cased,
 * quoted kept as written without their quotes. Exception: {@link Upsert#conflictConstraint} is as written.
 */
public sealed interface Command {

    /**
     * The tables this command writes, as logged (empty when it names none): an INSERT's, UPSERT's, UPDATE's, DELETE's,
     * MERGE's, COPY's target, TRUNCATE's tables, and the table of CREATE/ALTER/DROP TABLE. Tables only read (UPDATE …
     * FROM, INSERT … SELECT) are not among them.
     */
    default List<Table> writtenTables() {
        if (this instanceof Insert i) return List.of(i.table());
        if (this instanceof Upsert u) return List.of(u.insert().table());
        if (this instanceof Update u) return List.of(u.table());
        if (this instanceof Delete d) return List.of(d.table());
        if (this instanceof Merge m) return List.of(m.target());
        if (this instanceof Truncate t) return t.tables();
        if (this instanceof Copy cp) return List.of(cp.table());
        if (this instanceof Ddl.CreateTable t) return List.of(t.table());
        if (this instanceof Ddl.AlterTable a) return List.of(a.table());
        if (this instanceof Ddl.Drop d && d.objectKind().equals("TABLE")) return d.names();
        if (this instanceof Ddl.OtherDdl o && o.objectKind().equals("TABLE")) return o.names();
        return List.of();
    }

    /**
     * What the command is, as people and policies name it: INSERT, UPSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY, CALL,
     * SET / RESET, SELECT (sequence functions), the DDL's kind ("CREATE TABLE", "DROP INDEX"), or the SQL kind ("DO").
     */
    default String label() {
        if (this instanceof Insert) return "INSERT";
        if (this instanceof Upsert) return "UPSERT";
        if (this instanceof Update) return "UPDATE";
        if (this instanceof Delete) return "DELETE";
        if (this instanceof Merge) return "MERGE";
        if (this instanceof Truncate) return "TRUNCATE";
        if (this instanceof Copy) return "COPY";
        if (this instanceof Call) return "CALL";
        if (this instanceof Setting s) return s.value() == null ? "RESET" : "SET";
        if (this instanceof SequenceSelect) return "SELECT";
        if (this instanceof Ddl d) return d.kind();
        if (this instanceof Sql s) return s.kind() == null ? "SQL" : s.kind().toUpperCase(java.util.Locale.ROOT);
        return "?";
    }

    /** A schema-qualified name: of a table, or in DDL of whatever object the command names. Schema null: not given. */
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

    /** COPY … FROM: the data travels in the statement payload's {@code copyData}; {@code where} filters its rows. */
    record Copy(Table table, List<String> columns, CopyOptions options, Expr where) implements Command {
        public Copy {
            if (options == null) options = CopyOptions.of("text");
        }
    }

    /**
     * COPY's options, in either syntax ({@code WITH (FORMAT csv, HEADER)} or {@code CSV HEADER}). {@code format} is
     * {@code text}, {@code csv} or {@code binary}; {@code header} is true for {@code HEADER [true|MATCH]}; a null
     * string field was not given (the format's default applies). {@code other} holds the options this record does
     * not model, by lower-case name, with their value as text ("true" for a bare flag).
     */
    record CopyOptions(String format, boolean header, String delimiter, String nullString, String quote, String escape,
                       String encoding, List<String> forceNotNull, List<String> forceNull, Map<String, String> other) {
        public CopyOptions {
            other = other == null ? Map.of() : Map.copyOf(other);
        }

        public static CopyOptions of(String format) {
            return new CopyOptions(format, false, null, null, null, null, null, null, null, Map.of());
        }
    }

    record Call(String procedure, List<Expr> args) implements Command {}

    /**
     * SET or RESET of a run-time setting. {@code name} is lower-case and canonical ({@code SET TIME ZONE} is
     * {@code timezone}, {@code SET ROLE} is {@code role}, {@code SET SCHEMA} is {@code search_path},
     * {@code SET NAMES} is {@code client_encoding}, {@code SET SESSION AUTHORIZATION} is
     * {@code session_authorization}); {@code RESET ALL} is {@code all}. {@code value} is the new value as
     * PostgreSQL reads it (a list joined by ", "), null for RESET, {@code DEFAULT} and {@code TIME ZONE LOCAL}.
     * {@code local} for SET LOCAL, which lasts until the transaction ends.
     */
    record Setting(String name, String value, boolean local) implements Command {}

    /**
     * A SELECT that only calls sequence functions: {@code SELECT nextval('s')}, {@code SELECT setval('s', 42, true)},
     * {@code currval}, {@code lastval}, one or more, with aliases.
     */
    record SequenceSelect(List<SequenceCall> calls) implements Command {}

    /**
     * One sequence function call: {@code function} is {@code nextval}, {@code setval}, {@code currval} or
     * {@code lastval}; {@code sequence} the sequence its first argument names when that is a literal (null when it is a
     * parameter, and for lastval); {@code args} every argument as written, the name's first.
     */
    record SequenceCall(String function, Table sequence, List<Expr> args) {}

    /**
     * A statement with no structured form (DO, GRANT, SET TRANSACTION, an unparsable one, …). Its text is the
     * statement's {@code sql}; {@code kind} says what it is ("DO", "GRANT", "SET", "SELECT", "UNPARSED", …).
     */
    record Sql(String kind) implements Command {}

    /**
     * DDL. Every DDL statement is one of these records; what none of them models is {@link OtherDdl}, which keeps its
     * verb, object kind and names.
     */
    sealed interface Ddl extends Command {

        /** The statement's verb and object kind as SQL spells them: "CREATE TABLE", "DROP INDEX", "ALTER SEQUENCE", …. */
        String kind();

        /**
         * CREATE TABLE with its columns and constraints (column constraints are given as table constraints on their
         * column). {@code query} is the SQL text of CREATE TABLE … AS, whose {@code columns} are then null;
         * {@code partitionBy} the text after PARTITION BY ("RANGE (at)"). A table whose columns come from elsewhere
         * (LIKE, OF, PARTITION OF, INHERITS) is {@link OtherDdl}.
         */
        record CreateTable(Table table, List<ColumnDef> columns, List<Constraint> constraints, boolean ifNotExists,
                           String query, String partitionBy) implements Ddl {
            public String kind() {
                return "CREATE TABLE";
            }
        }

        /**
         * A column: {@code type} as written ({@code numeric(10,2)}, {@code bigserial}); {@code notNull} when declared NOT
         * NULL (a primary key implies it); {@code defaultValue} the DEFAULT expression; {@code identity} "ALWAYS" or
         * "BY DEFAULT" for an identity column; {@code generated} the expression of GENERATED ALWAYS AS (…) STORED.
         */
        record ColumnDef(String name, String type, boolean notNull, Expr defaultValue, String identity, Expr generated) {
            public static ColumnDef of(String name, String type) {
                return new ColumnDef(name, type, false, null, null, null);
            }
        }

        /** A table constraint; {@code name} null when the statement gives none. */
        sealed interface Constraint {
            String name();
        }

        record PrimaryKey(String name, List<String> columns) implements Constraint {}

        record Unique(String name, List<String> columns) implements Constraint {}

        record Check(String name, Expr condition) implements Constraint {}

        /** FOREIGN KEY / REFERENCES; {@code onDelete}/{@code onUpdate} the action ("CASCADE", "SET NULL", …) or null. */
        record ForeignKey(String name, List<String> columns, Table references, List<String> referencedColumns,
                          String onDelete, String onUpdate) implements Constraint {}

        /** Any other constraint (EXCLUDE …), as SQL text. */
        record OtherConstraint(String name, String sql) implements Constraint {}

        /** ALTER TABLE with its actions, in order; RENAME TO and RENAME COLUMN are actions too. */
        record AlterTable(Table table, boolean ifExists, List<AlterAction> actions) implements Ddl {
            public String kind() {
                return "ALTER TABLE";
            }
        }

        /** One action of ALTER TABLE. */
        sealed interface AlterAction {}

        /** ADD COLUMN; {@code constraints} those the column declares (on that column). */
        record AddColumn(ColumnDef definition, List<Constraint> constraints, boolean ifNotExists) implements AlterAction {}

        record DropColumn(String column, boolean ifExists, boolean cascade) implements AlterAction {}

        record RenameColumn(String column, String newName) implements AlterAction {}

        record RenameTable(String newName) implements AlterAction {}

        record SetDefault(String column, Expr value) implements AlterAction {}

        record DropDefault(String column) implements AlterAction {}

        record SetNotNull(String column) implements AlterAction {}

        record DropNotNull(String column) implements AlterAction {}

        /** ALTER COLUMN … [SET DATA] TYPE type [USING expr]. */
        record AlterColumnType(String column, String type, Expr using) implements AlterAction {}

        record AddConstraint(Constraint constraint) implements AlterAction {}

        record DropConstraint(String name, boolean ifExists, boolean cascade) implements AlterAction {}

        /**
         * Any other action, as SQL text. {@code kind} is its leading keywords, upper-case, names and values left out
         * ("OWNER TO", "ENABLE TRIGGER", "SET", "ALTER COLUMN SET STATISTICS", "RENAME CONSTRAINT"), so that a backend
         * can tell what it is without reading the SQL.
         */
        record OtherAction(String kind, String sql) implements AlterAction {}

        /** DROP of any object: {@code objectKind} as SQL spells it ("TABLE", "INDEX", "MATERIALIZED VIEW", …). */
        record Drop(String objectKind, List<Table> names, boolean ifExists, boolean cascade) implements Ddl {
            public String kind() {
                return "DROP " + objectKind;
            }
        }

        /**
         * CREATE [UNIQUE] INDEX: {@code name} null when the statement gives none; {@code keys} a column
         * ({@link Expr.Column}) or an expression per key, in order (sort order, NULLS, collation and operator class
         * are not modelled); {@code where} the predicate of a partial index.
         */
        record CreateIndex(String name, Table table, List<Expr> keys, boolean unique, Expr where, boolean ifNotExists)
                implements Ddl {
            public String kind() {
                return "CREATE INDEX";
            }
        }

        record CreateSequence(Table name, SequenceOptions options, boolean ifNotExists) implements Ddl {
            public String kind() {
                return "CREATE SEQUENCE";
            }
        }

        /** ALTER SEQUENCE of its options; its other forms (RENAME, OWNER, SET SCHEMA, …) are {@link OtherDdl}. */
        record AlterSequence(Table name, SequenceOptions options, boolean ifExists) implements Ddl {
            public String kind() {
                return "ALTER SEQUENCE";
            }
        }

        /**
         * A sequence's options, null when not given: {@code dataType} (AS), INCREMENT, MINVALUE, MAXVALUE, START, CACHE,
         * CYCLE / NO CYCLE, OWNED BY ("table.column" or "none"), and RESTART: {@code restart} when given,
         * {@code restartWith} its value (null: the start value). NO MINVALUE / NO MAXVALUE are the defaults CREATE
         * SEQUENCE leaves out; an ALTER SEQUENCE that names them is {@link OtherDdl}.
         */
        record SequenceOptions(String dataType, Long increment, Long minValue, Long maxValue, Long start, Long cache,
                               Boolean cycle, String ownedBy, boolean restart, Long restartWith) {
            public static final SequenceOptions NONE = new SequenceOptions(null, null, null, null, null, null, null, null, false, null);
        }

        /** CREATE [OR REPLACE] [MATERIALIZED] VIEW: {@code query} the SQL text of its query. */
        record CreateView(Table name, List<String> columns, String query, boolean orReplace, boolean materialized)
                implements Ddl {
            public String kind() {
                return materialized ? "CREATE MATERIALIZED VIEW" : "CREATE VIEW";
            }
        }

        /** CREATE TYPE: {@code enumLabels} for AS ENUM; otherwise {@code definition}, the SQL text after the name. */
        record CreateType(Table name, List<String> enumLabels, String definition) implements Ddl {
            public String kind() {
                return "CREATE TYPE";
            }
        }

        /** CREATE SCHEMA (one that also creates objects inside is {@link OtherDdl}). */
        record CreateSchema(String name, boolean ifNotExists, String authorization) implements Ddl {
            public String kind() {
                return "CREATE SCHEMA";
            }
        }

        /**
         * Every other DDL statement: {@code verb} (CREATE, ALTER, DROP), {@code objectKind} as SQL spells it
         * ("FUNCTION", "TRIGGER", "MATERIALIZED VIEW", …) and the names it starts with.
         */
        record OtherDdl(String verb, String objectKind, List<Table> names) implements Ddl {
            public String kind() {
                return verb + " " + objectKind;
            }
        }
    }
}
