package io.waly.jdbc.sql;

import io.waly.command.Command.Ddl.*;
import io.waly.command.Command.Table;
import io.waly.command.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CREATE TABLE and ALTER TABLE from their tokens ({@link DdlParser} dispatches here): columns with their type, NOT NULL,
 * DEFAULT, identity and generated expression, and constraints, as PostgreSQL's grammar has them. Methods return null
 * for a form the model does not hold (CREATE TABLE … LIKE / OF / PARTITION OF / INHERITS), which becomes
 * {@link OtherDdl}.
 */
final class TableDdlParser {
    private TableDdlParser() {}

    /** The words that end a column's type, and a DEFAULT expression: where its constraints begin. */
    private static final Set<String> COLUMN_CONSTRAINT = Set.of("constraint", "not", "null", "default", "check", "unique",
            "primary", "references", "generated", "collate", "deferrable", "initially", "storage", "compression");

    /** The keywords of an ALTER TABLE action that make up its kind (names and values are left out). */
    private static final Set<String> ACTION_WORDS = Set.of("add", "alter", "column", "drop", "set", "reset", "owner", "to",
            "enable", "disable", "always", "replica", "trigger", "rule", "row", "level", "security", "force", "no",
            "validate", "constraint", "cluster", "on", "without", "statistics", "storage", "compression", "logged",
            "unlogged", "tablespace", "schema", "inherit", "of", "not", "identity", "attach", "detach", "partition",
            "generated", "expression", "data", "type", "access", "method", "options", "using", "index", "full", "nothing",
            "default", "all", "user", "if", "exists", "rename", "restart", "concurrently", "finalize");

    /** After {@code CREATE [TEMP|UNLOGGED] TABLE}. */
    static CreateTable createTable(TokenCursor c) {
        boolean ifNotExists = c.accept("if", "not", "exists");
        Table table = c.qualifiedName();
        if (table == null || c.peekWords("of") || c.peekWords("partition", "of")) return null;
        TokenCursor elements = c.group();
        c.skipTo("as", "inherits", "partition");
        if (c.accept("as")) {   // CREATE TABLE … AS query: a column list here only names the columns
            TokenCursor query = c.rest();
            TokenCursor trimmed = query.withoutSuffix("with", "no", "data");
            if (trimmed == null) trimmed = query.withoutSuffix("with", "data");
            return new CreateTable(table, null, null, ifNotExists, (trimmed != null ? trimmed : query).text(), null);
        }
        if (elements == null || c.accept("inherits")) return null;   // INHERITS: the parent's columns are not here
        List<ColumnDef> columns = new ArrayList<>();
        List<Constraint> constraints = new ArrayList<>();
        for (TokenCursor e : elements.split()) {
            if (e.atEnd()) continue;
            if (e.peekWords("like")) return null;
            if (isTableConstraint(e)) {
                constraints.add(tableConstraint(e));
            } else {
                ColumnDef col = column(e, constraints);
                if (col == null) return null;
                columns.add(col);
            }
        }
        String partitionBy = c.accept("partition", "by") ? c.until(Set.of("using", "with", "without", "on", "tablespace")).text() : null;
        return new CreateTable(table, columns, constraints, ifNotExists, null, partitionBy);
    }

    /** After {@code ALTER TABLE}. */
    static AlterTable alterTable(TokenCursor c) {
        boolean ifExists = c.accept("if", "exists");
        c.accept("only");
        Table table = c.qualifiedName();
        if (table == null) return null;
        c.acceptSymbol("*");
        List<AlterAction> actions = new ArrayList<>();
        if (c.peekWords("rename")) {
            actions.add(rename(c.rest()));
        } else {
            for (TokenCursor a : c.split()) {
                if (!a.atEnd()) actions.add(action(a));
            }
        }
        return new AlterTable(table, ifExists, actions);
    }

    private static AlterAction rename(TokenCursor a) {
        String sql = a.text();
        a.accept("rename");
        if (a.accept("to")) return new RenameTable(a.name());
        if (a.peekWords("constraint")) return new OtherAction("RENAME CONSTRAINT", sql);
        a.accept("column");
        String from = a.name();
        return a.accept("to") ? new RenameColumn(from, a.name()) : new OtherAction("RENAME", sql);
    }

    private static AlterAction action(TokenCursor a) {
        String sql = a.text();
        String kind = a.keywords(ACTION_WORDS);
        if (a.accept("add")) {
            if (!a.accept("column") && isTableConstraint(a)) return new AddConstraint(tableConstraint(a));
            boolean ifNotExists = a.accept("if", "not", "exists");
            List<Constraint> constraints = new ArrayList<>();
            ColumnDef col = column(a, constraints);
            return col == null ? new OtherAction(kind, sql) : new AddColumn(col, constraints, ifNotExists);
        }
        if (a.accept("drop")) {
            boolean constraint = a.accept("constraint");
            if (!constraint) a.accept("column");
            boolean ifExists = a.accept("if", "exists");
            String name = a.name();
            boolean cascade = a.accept("cascade");
            if (name == null) return new OtherAction(kind, sql);
            return constraint ? new DropConstraint(name, ifExists, cascade) : new DropColumn(name, ifExists, cascade);
        }
        if (a.accept("alter")) {
            a.accept("column");
            String col = a.name();
            if (a.accept("set", "default")) return new SetDefault(col, a.expr());
            if (a.accept("drop", "default")) return new DropDefault(col);
            if (a.accept("set", "not", "null")) return new SetNotNull(col);
            if (a.accept("drop", "not", "null")) return new DropNotNull(col);
            if (a.accept("set", "data", "type") || a.accept("type")) {
                String type = a.until(Set.of("collate", "using")).text();
                a.skipTo("using");
                return new AlterColumnType(col, type, a.accept("using") ? a.expr() : null);
            }
            return new OtherAction(("ALTER COLUMN " + a.keywords(ACTION_WORDS)).trim(), sql);
        }
        return new OtherAction(kind, sql);
    }

    // ---------------------------------------------------------------- columns and constraints

    private static boolean isTableConstraint(TokenCursor e) {
        return e.peekWords("constraint") || e.peekWords("check") || e.peekWords("unique") || e.peekWords("primary")
                || e.peekWords("foreign") || (e.peekWords("exclude") && (e.peekWords("exclude", "using") || e.peek(1) != null
                && e.peek(1).type() == SqlLexer.Type.OPEN_PAREN));
    }

    /**
     * {@code name type [constraint …]}: the column, with its PRIMARY KEY, UNIQUE, CHECK and REFERENCES added to
     * {@code constraints} as constraints on it. Null when there is no name.
     */
    static ColumnDef column(TokenCursor e, List<Constraint> constraints) {
        String name = e.name();
        if (name == null) return null;
        String type = e.until(COLUMN_CONSTRAINT).text();
        if (type != null) type = type.replaceAll("\\s+", " ");
        boolean notNull = false;
        Expr dflt = null, generated = null;
        String identity = null;
        while (!e.atEnd()) {
            String constraint = e.accept("constraint") ? e.name() : null;
            if (e.accept("not", "null")) {
                notNull = true;
            } else if (e.accept("default")) {
                dflt = e.until(COLUMN_CONSTRAINT).expr();
            } else if (e.accept("check")) {
                TokenCursor condition = e.group();
                constraints.add(new Check(constraint, condition == null ? null : condition.expr()));
            } else if (e.accept("unique")) {
                constraints.add(new Unique(constraint, List.of(name)));
            } else if (e.accept("primary", "key")) {
                constraints.add(new PrimaryKey(constraint, List.of(name)));
            } else if (e.accept("references")) {
                constraints.add(references(constraint, List.of(name), e));
            } else if (e.accept("generated")) {
                String mode = e.accept("always") ? "ALWAYS" : e.accept("by", "default") ? "BY DEFAULT" : null;
                e.accept("as");
                if (e.accept("identity")) {
                    identity = mode;
                    e.group();   // the identity's sequence options
                } else {
                    TokenCursor g = e.group();
                    generated = g == null ? null : g.expr();
                }
            } else if (e.group() == null) {
                e.next();   // NULL, COLLATE, DEFERRABLE, INITIALLY, STORAGE, NULLS NOT DISTINCT, …: nothing the model keeps
            }
        }
        return new ColumnDef(name, type, notNull, dflt, identity, generated);
    }

    /** {@code [CONSTRAINT name] CHECK (…) | UNIQUE (…) | PRIMARY KEY (…) | FOREIGN KEY (…) REFERENCES … | EXCLUDE …}. */
    static Constraint tableConstraint(TokenCursor e) {
        String sql = e.text();
        String name = e.accept("constraint") ? e.name() : null;
        if (e.accept("check")) {
            TokenCursor condition = e.group();
            return new Check(name, condition == null ? null : condition.expr());
        }
        List<String> columns = null;
        Constraint c = null;
        if (e.accept("unique")) {
            if (!e.accept("nulls", "not", "distinct")) e.accept("nulls", "distinct");
            columns = e.nameList();
            c = new Unique(name, columns);
        } else if (e.accept("primary", "key")) {
            columns = e.nameList();
            c = new PrimaryKey(name, columns);
        } else if (e.accept("foreign", "key")) {
            columns = e.nameList();
            if (columns != null && e.accept("references")) c = references(name, columns, e);
        }
        return columns != null && c != null ? c : new OtherConstraint(name, sql);   // EXCLUDE, UNIQUE USING INDEX, …
    }

    private static ForeignKey references(String name, List<String> columns, TokenCursor e) {
        Table table = e.qualifiedName();
        List<String> referenced = e.nameList();
        String onDelete = null, onUpdate = null;
        while (!e.atEnd()) {
            if (e.accept("on", "delete")) onDelete = referentialAction(e);
            else if (e.accept("on", "update")) onUpdate = referentialAction(e);
            else if (e.accept("match")) e.next();
            else break;
        }
        return new ForeignKey(name, columns, table, referenced, onDelete, onUpdate);
    }

    private static String referentialAction(TokenCursor e) {
        for (String action : List.of("no action", "restrict", "cascade", "set null", "set default")) {
            if (e.accept(action.split(" "))) {
                e.group();   // SET NULL (columns)
                return action.toUpperCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }
}
