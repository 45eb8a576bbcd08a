package io.waly.model;

import io.waly.command.Command;
import io.waly.command.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code commands:} section: application commands, each with typed arguments, a PostgreSQL body (statements with
 * named parameters, run as one transaction) and the statement shapes an existing application sends that are the
 * command. Checked as a whole when the model loads: names (unique, case aside), argument types, the body's tables and
 * columns against {@code tables:}, every parameter an argument and every argument used, a shape claimed by one command
 * only. The SQL is parsed by the driver's parser ({@link SqlSupport}). A command may also have a MongoDB body of its own
 * ({@link MongoBody}) and other bodies from a schema version on ({@link BodyVersions}).
 *
 * <pre>
 * commands:
 *   CREATE_ACCOUNT:
 *     args: {email: text, plan: text}
 *     postgres:
 *       - INSERT INTO accounts(email, plan) VALUES (:email, :plan)
 *     recognise:
 *       - INSERT INTO accounts(email, plan) VALUES (:email, :plan)
 * </pre>
 */
public final class Commands {
    /** The name of WAL-y's migration marker, {@code CALL waly.schema_version('2')}: no command may take it. */
    public static final String MIGRATION_MARKER = "schema_version";

    static final Commands NONE = new Commands(Map.of(), Map.of(), Map.of(), Map.of(), Versions.NONE);

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    private static final Set<String> KEYS = Set.of("args", "postgres", "mongo", "recognise", "versions");

    /** By {@link DeclaredCommand#callName()}. */
    private final Map<String, DeclaredCommand> byName;
    /** Recognised shape → command and the argument at each placeholder. */
    private final Map<String, Recognised> byShape;
    /** By {@link DeclaredCommand#callName()}: the MongoDB bodies of their own (none: the translation). */
    private final Map<String, MongoBody> mongo;
    /** By {@link DeclaredCommand#callName()}: the bodies from later schema versions on (none: one body for every version). */
    private final Map<String, List<BodyVersions.Entry>> byVersion;
    private final Versions versions;

    /** A statement shape the model maps to a command. */
    public record Recognised(DeclaredCommand command, DeclaredCommand.Shape shape) {}

    private Commands(Map<String, DeclaredCommand> byName, Map<String, Recognised> byShape, Map<String, MongoBody> mongo,
                     Map<String, List<BodyVersions.Entry>> byVersion, Versions versions) {
        this.byName = byName;
        this.byShape = byShape;
        this.mongo = mongo;
        this.byVersion = byVersion;
        this.versions = versions;
    }

    static Commands read(Node section, Tables tables, Versions versions) {
        Map<String, Node> entries = section.entries("commands");
        if (entries.isEmpty()) return NONE;
        SqlSupport sql = SqlSupport.find();
        if (sql == null) {
            throw section.error("commands are checked with WAL-y's SQL parser, which is not on the class path (the "
                    + "waly-jdbc module, in the driver's and the agent's jars)");
        }
        Map<String, DeclaredCommand> byName = new LinkedHashMap<>();
        Map<String, Recognised> byShape = new HashMap<>();
        Map<String, MongoBody> mongo = new HashMap<>();
        Map<String, List<BodyVersions.Entry>> byVersion = new HashMap<>();
        for (Map.Entry<String, Node> e : entries.entrySet()) {
            Node versionsNode = e.getValue().map("command " + e.getKey(), KEYS).get("versions");
            List<Versions.Version> firstCovers = versionsNode == null ? List.of() : BodyVersions.firstCovers(versionsNode, versions);
            if (e.getKey().equalsIgnoreCase(MIGRATION_MARKER)) {
                throw e.getValue().error("command " + e.getKey() + " has WAL-y's own name: CALL waly." + MIGRATION_MARKER
                        + "('N') marks a migration to version N (choose another name)");
            }
            DeclaredCommand c = readOne(e.getKey(), e.getValue(), tables, sql, byShape, versions, firstCovers);
            Node mongoNode = e.getValue().map("command " + e.getKey(), KEYS).get("mongo");
            MongoBody own = mongoNode == null ? null : MongoBody.read(mongoNode, c);
            if (own != null) mongo.put(c.callName(), own);
            if (versionsNode != null) byVersion.put(c.callName(), BodyVersions.read(versionsNode, c, tables, sql, versions));
            DeclaredCommand twice = byName.put(c.callName(), c);
            if (twice != null) {
                throw e.getValue().error("command " + e.getKey() + " is declared twice (as " + twice.name() + " at line "
                        + twice.line() + "; names are compared case aside, as SQL folds them)");
            }
        }
        return new Commands(Map.copyOf(byName), Map.copyOf(byShape), Map.copyOf(mongo), Map.copyOf(byVersion), versions);
    }

    private static DeclaredCommand readOne(String name, Node node, Tables tables, SqlSupport sql, Map<String, Recognised> byShape,
                                           Versions versions, List<Versions.Version> covers) {
        if (!NAME.matcher(name).matches()) {
            throw node.error("a command's name is a letter then letters, digits and _ (at most 63), not '" + name + "'");
        }
        Map<String, Node> m = node.map("command " + name, KEYS);
        List<DeclaredCommand.Arg> args = new ArrayList<>();
        if (m.containsKey("args")) {
            Set<String> seen = new java.util.HashSet<>();
            for (Map.Entry<String, Node> a : m.get("args").entries("args of " + name).entrySet()) {
                if (!NAME.matcher(a.getKey()).matches()) throw a.getValue().error("an argument's name is a letter then letters, digits and _, not '" + a.getKey() + "'");
                if (!seen.add(a.getKey().toLowerCase(Locale.ROOT))) throw a.getValue().error("argument " + a.getKey() + " is declared twice (case aside)");
                args.add(new DeclaredCommand.Arg(a.getKey(), ArgType.of(a.getValue())));
            }
        }
        if (!m.containsKey("postgres")) throw node.error("command " + name + " has no postgres: body (its statements, run as one transaction)");
        DeclaredCommand shell = new DeclaredCommand(name, List.copyOf(args), List.of(), List.of(), node.line);
        List<DeclaredCommand.Statement> body = postgresBody(m.get("postgres"), m.get("args"), shell, tables, sql, versions, covers);
        List<DeclaredCommand.Shape> shapes = new ArrayList<>();
        List<Node> shapeNodes = new ArrayList<>();
        if (m.containsKey("recognise")) {
            for (Node st : m.get("recognise").list("recognise")) {
                SqlSupport.Compiled c = compile(sql, st);
                Set<String> given = new java.util.HashSet<>();
                for (String p : c.names()) {
                    if (p == null) continue;
                    requireArg(st, shell, p);
                    given.add(p.toLowerCase(Locale.ROOT));
                }
                for (DeclaredCommand.Arg a : args) {
                    if (!given.contains(a.name().toLowerCase(Locale.ROOT))) {
                        throw st.error("this shape gives no value for argument " + a.name() + " of " + name + " (write :" + a.name() + " where it is)");
                    }
                }
                Recognised other = byShape.get(c.shape());
                if (other != null) {
                    throw st.error("this shape is recognised as " + other.command().name() + " already (line "
                            + other.command().line() + "): a statement is one command");
                }
                for (int i = 0; i < shapes.size(); i++) {
                    if (shapes.get(i).shape().equals(c.shape())) throw st.error("this shape is given twice (line " + shapeNodes.get(i).line + ")");
                }
                shapes.add(new DeclaredCommand.Shape(c.shape(), canonical(shell, c.shapeNames()), c.shapeLiterals()));
                shapeNodes.add(st);
            }
        }
        DeclaredCommand full = new DeclaredCommand(name, List.copyOf(args), List.copyOf(body), List.copyOf(shapes), node.line);
        for (DeclaredCommand.Shape s : full.recognised()) byShape.put(s.shape(), new Recognised(full, s));
        return full;
    }

    /**
     * A {@code postgres:} body: each statement compiled and checked (tables, columns — also against the columns of the
     * schema versions it is the body of, {@code covers} — argument names and types), every argument used.
     */
    static List<DeclaredCommand.Statement> postgresBody(Node postgres, Node argsNode, DeclaredCommand shell, Tables tables,
                                                        SqlSupport sql, Versions versions, List<Versions.Version> covers) {
        List<DeclaredCommand.Statement> body = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        if (postgres.list("postgres").isEmpty()) throw postgres.error("the postgres: body of " + shell.name() + " has no statement");
        for (Node st : postgres.list("postgres")) {
            SqlSupport.Compiled c = compile(sql, st);
            for (String p : c.names()) {
                if (p == null) throw st.error("a body's parameters are the command's arguments by name (:email), not ?");
                requireArg(st, shell, p);
                used.add(p.toLowerCase(Locale.ROOT));
            }
            List<Expr> exprs = checkStatement(st, c.command(), tables, versions, covers);
            for (Expr e : exprs) checkTypes(e, c.names(), shell, st);
            body.add(new DeclaredCommand.Statement(c.sql(), canonical(shell, c.names()), c.command()));
        }
        for (DeclaredCommand.Arg a : shell.args()) {
            if (!used.contains(a.name().toLowerCase(Locale.ROOT))) {
                throw (argsNode == null ? postgres : argsNode).error("argument " + a.name() + " of " + shell.name() + " is not used by its body");
            }
        }
        return List.copyOf(body);
    }

    private static SqlSupport.Compiled compile(SqlSupport sql, Node st) {
        String text = st.text("a statement");
        try {
            return sql.compile(text);
        } catch (IllegalArgumentException e) {
            throw st.error(e.getMessage());
        }
    }

    private static void requireArg(Node at, DeclaredCommand c, String param) {
        if (c.arg(param) == null) {
            throw at.error("unknown argument :" + param + " of " + c.name() + (c.args().isEmpty() ? " (it declares none under args:)"
                    : " (args: " + String.join(", ", c.args().stream().map(DeclaredCommand.Arg::name).toList()) + ")"));
        }
    }

    /** The parameters' names as the arguments are declared (a body may spell them in another case). */
    private static List<String> canonical(DeclaredCommand c, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) out.add(n == null ? null : c.arg(n).name());
        return java.util.Collections.unmodifiableList(out);
    }

    /**
     * An argument used where its type cannot go: in arithmetic (+ - * / %) only numbers, and dates and timestamps added
     * to or subtracted from; as a LIKE pattern or operand only text. (The columns' types are the database's: tables:
     * declares names only.)
     */
    private static void checkTypes(Expr e, List<String> names, DeclaredCommand c, Node at) {
        if (e instanceof Expr.Arith a) {
            if (!a.op().equals("||")) {
                for (Expr side : List.of(a.left(), a.right())) {
                    DeclaredCommand.Arg arg = argAt(side, names, c);
                    if (arg == null) continue;
                    boolean fits = switch (arg.type()) {
                        case INTEGER, BIGINT, NUMERIC -> true;
                        case DATE, TIMESTAMP, TIMESTAMPTZ -> a.op().equals("+") || a.op().equals("-");
                        default -> false;
                    };
                    if (!fits) throw at.error("argument " + arg.name() + " of " + c.name() + " is " + arg.type() + ", which does not fit "
                            + "the arithmetic '" + a.op() + "' it is used in");
                }
            }
            checkTypes(a.left(), names, c, at);
            checkTypes(a.right(), names, c, at);
        } else if (e instanceof Expr.Like l) {
            for (Expr side : List.of(l.operand(), l.pattern())) {
                DeclaredCommand.Arg arg = argAt(side, names, c);
                if (arg != null && arg.type() != ArgType.TEXT) {
                    throw at.error("argument " + arg.name() + " of " + c.name() + " is " + arg.type() + ", which does not fit LIKE (text)");
                }
            }
        } else if (e instanceof Expr.Compare x) {
            checkTypes(x.left(), names, c, at);
            checkTypes(x.right(), names, c, at);
        } else if (e instanceof Expr.And x) {
            for (Expr t : x.terms()) checkTypes(t, names, c, at);
        } else if (e instanceof Expr.Or x) {
            for (Expr t : x.terms()) checkTypes(t, names, c, at);
        } else if (e instanceof Expr.Not x) {
            checkTypes(x.operand(), names, c, at);
        } else if (e instanceof Expr.Func f) {
            for (Expr t : f.args()) checkTypes(t, names, c, at);
        } else if (e instanceof Expr.Negate n) {
            checkTypes(n.operand(), names, c, at);
        }
    }

    /** The argument a parameter expression stands for, or null. */
    private static DeclaredCommand.Arg argAt(Expr e, List<String> names, DeclaredCommand c) {
        if (!(e instanceof Expr.Param p) || p.index() < 1 || p.index() > names.size() || names.get(p.index() - 1) == null) return null;
        return c.arg(names.get(p.index() - 1));
    }

    /**
     * A body statement writes a declared table, and names only its declared columns (when it declares them); answers
     * its expressions (values, assignments, WHERE).
     */
    private static List<Expr> checkStatement(Node at, Command c, Tables tables, Versions versions, List<Versions.Version> covers) {
        Command.Table table;
        List<String> columns = new ArrayList<>();
        List<Expr> exprs = new ArrayList<>();
        if (c instanceof Command.Insert i) {
            table = i.table();
            if (i.query() != null) throw at.error("a body's INSERT takes VALUES, not a query (WAL-y checks and translates its rows)");
            columns.addAll(i.columns());
            i.rows().forEach(exprs::addAll);
        } else if (c instanceof Command.Upsert u) {
            table = u.insert().table();
            columns.addAll(u.insert().columns());
            u.insert().rows().forEach(exprs::addAll);
            if (u.conflictColumns() != null) columns.addAll(u.conflictColumns());
        } else if (c instanceof Command.Update u) {
            table = u.table();
            if (u.from() != null && !u.from().isEmpty()) throw at.error("a body's UPDATE names one table (no FROM)");
            for (Command.Assignment a : u.set()) {
                columns.add(a.column());
                exprs.add(a.value());
            }
            if (u.where() != null) exprs.add(u.where());
        } else if (c instanceof Command.Delete d) {
            table = d.table();
            if (d.using() != null && !d.using().isEmpty()) throw at.error("a body's DELETE names one table (no USING)");
            if (d.where() != null) exprs.add(d.where());
        } else {
            throw at.error("a body statement is an INSERT, UPDATE or DELETE that WAL-y reads (this one is "
                    + c.getClass().getSimpleName() + ")");
        }
        Tables.Table declared = tables.require(at, table.schema() == null ? table.name() : table.schema() + "." + table.name());
        for (Expr e : exprs) columnsOf(e, columns, at);
        for (Versions.Version v : covers) {
            Map<String, String> there = versions.columns(declared.name(), v);
            if (there == null) continue;
            for (String col : columns) {
                if (!there.containsKey(col)) {
                    throw at.error("column " + col + " of table " + declared.name() + " is not in schema version " + v.name()
                            + ", whose body this is (its columns there: " + String.join(", ", there.keySet()) + ")");
                }
            }
        }
        if (declared.columns() == null) return exprs;
        for (String col : columns) {
            if (!declared.columns().contains(col)) {
                throw at.error("unknown column " + col + " of table " + declared.name() + " (declared: " + String.join(", ", declared.columns()) + ")");
            }
        }
        return exprs;
    }

    /** The columns an expression names; a subquery or other raw SQL is refused, since its tables could not be checked. */
    private static void columnsOf(Expr e, List<String> out, Node at) {
        if (e instanceof Expr.Column c) {
            out.add(c.name());
        } else if (e instanceof Expr.Raw r) {
            throw at.error("a body statement names its tables and columns plainly (no subquery or expression WAL-y "
                    + "cannot check: " + r.sql() + ")");
        } else {
            for (Expr x : Expr.parts(e)) columnsOf(x, out, at);   // literals, parameters, DEFAULT: no parts, no column
        }
    }

    /** The command a call names ({@code create_account}, case aside), or null. */
    public DeclaredCommand named(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** The command a statement of this shape ({@link SqlSupport.Compiled#shape}) is, or null. */
    public Recognised recognise(String shape) {
        return byShape.get(shape);
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /**
     * The MongoDB bodies of their own, for a replay into MongoDB: a command the model declares with {@code mongo:}
     * operations gets them with the record's arguments in place; any other (declared with {@code mongo: translate}, or
     * not declared by this model) has its statements translated. The body is the one of the schema version each
     * transaction was written under ({@link Versions#writtenUnder}), or of {@code targetVersion} when it is given
     * ({@code waly replay --schema-version}).
     *
     * @throws IllegalArgumentException when the model has no version {@code targetVersion}
     */
    public io.waly.log.replay.CommandBodies bodies(String targetVersion) {
        Versions.Version target = targetVersion == null ? null : versions.version(targetVersion);
        if (mongo.isEmpty() && byVersion.isEmpty()) return io.waly.log.replay.CommandBodies.NONE;
        return (command, tx) -> {
            String key = command.name().toLowerCase(Locale.ROOT);
            MongoBody own = mongo.get(key);
            List<BodyVersions.Entry> perVersion = byVersion.get(key);
            if (perVersion != null) {
                Versions.Version v = target != null ? target : tx == null ? null : versions.writtenUnder(tx.appVersion(), tx.dbVersion());
                if (v != null) own = BodyVersions.mongo(perVersion, v, own);
            }
            return own == null ? null : own.bind(command.args());
        };
    }

    /**
     * The command as it runs under schema version {@code v} (null: a connection the model places in no version): its
     * PostgreSQL body there ({@code versions:} of the command), else the command itself.
     */
    public DeclaredCommand inVersion(DeclaredCommand c, Versions.Version v) {
        List<BodyVersions.Entry> perVersion = byVersion.get(c.callName());
        if (v == null || perVersion == null) return c;
        List<DeclaredCommand.Statement> body = BodyVersions.postgres(perVersion, v, c.body());
        return body == c.body() ? c : new DeclaredCommand(c.name(), c.args(), body, c.recognised(), c.line());
    }

    /** True when some command's body differs between schema versions. */
    public boolean hasBodiesPerVersion() {
        return !byVersion.isEmpty();
    }

    /** The model's versions, which place a connection or a transaction in the version whose body it runs. */
    public Versions versions() {
        return versions;
    }

    public boolean recognisesShapes() {
        return !byShape.isEmpty();
    }

    /** Every command, in no particular order. */
    public java.util.Collection<DeclaredCommand> all() {
        return byName.values();
    }
}
