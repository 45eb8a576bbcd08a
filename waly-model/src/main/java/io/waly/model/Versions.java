package io.waly.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code versions:} section: the application's schema versions in order, which writers write each (their
 * {@code walyAppVersion}, the database's migration version), each versioned table's columns per version, and per step
 * and table the {@code up} and {@code down} mapping of a row as SQL expressions over the row's columns.
 *
 * <pre>
 * versions:
 *   - version: 1
 *     appVersions: ["1.*"]
 *     migrations: ["1"]
 *     tables:
 *       cars: {columns: {id: int8, name: text, production_year: int4}}
 *   - version: 2
 *     appVersions: ["2.*"]
 *     migrations: ["2"]
 *     tables:
 *       cars:
 *         columns: {id: int8, name: text, production_years: int4multirange}
 *         up: {production_years: "int4multirange(int4range(production_year, production_year, '[]'))"}
 *         down: {production_year: "lower(production_years)"}
 *         lossy: production_year keeps the first year of production_years
 * </pre>
 *
 * Validated as it loads: every table declared under {@code tables:} and present in the first version; each column a
 * step adds has an {@code up}, each it removes (or retypes) a {@code down}, both directions or none; the expressions
 * read only the columns of the version they map from; a {@code java:} entry names a {@link RowFunction} that computes
 * the columns the step adds or retypes and no expression gives ({@link JavaMapping}). A replay into a version ({@link #path}) transforms a row written
 * under another version through each step between, in order.
 */
public final class Versions {

    /** One schema version; {@code index} is its place in the file (0 for the first). */
    public record Version(String name, int index, List<Pattern> appVersions, List<String> migrations, int line) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * One table's mapping of a row from the version {@code from} to the next or previous version {@code to}: per column
     * of {@code to} (in order), the SQL expression over {@code from}'s columns that gives it. {@code lossy} is what a
     * lossy {@code down} says it keeps (null for a lossless one, and for every {@code up}). {@code java}, when the
     * step names a {@link RowFunction}, computes the columns it lists, which then have no expression; null otherwise.
     */
    public record Mapping(String table, Version from, Version to, Map<String, String> fromColumns,
                          Map<String, String> toColumns, Map<String, String> expressions, String lossy, int line,
                          JavaMapping java) {
        /** The columns of {@code from} the expression for {@code toColumn} reads: all of them for a Java function's. */
        public Set<String> reads(String toColumn) {
            if (java != null && java.columns().contains(toColumn)) return java.reads();
            return SqlColumns.read(expressions.get(toColumn));
        }

        /** "the down mapping of cars (version 2 → 1, line 15)": how errors name a mapping. */
        public String describe() {
            return "the " + (to.index() > from.index() ? "up" : "down") + " mapping of " + table + " (version " + from.name()
                    + " → " + to.name() + ", model line " + line + ")";
        }

        /** True when the row comes out as it went in (the table did not change between the two versions). */
        public boolean identity() {
            if (java != null || !fromColumns.equals(toColumns)) return false;
            for (Map.Entry<String, String> e : expressions.entrySet()) if (!e.getValue().equals(quote(e.getKey()))) return false;
            return true;
        }
    }

    static final Versions NONE = new Versions(List.of(), Map.of(), Map.of(), Map.of());

    private static final Set<String> VERSION_KEYS = Set.of("version", "appVersions", "migrations", "tables");
    private static final Set<String> TABLE_KEYS = Set.of("columns", "up", "down", "lossy");
    /** The key of {@code up:}/{@code down:} that names a {@link RowFunction} instead of a column. */
    static final String JAVA = "java";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final List<Version> versions;
    /** Per table (as declared), its columns (name → type) per version index. */
    private final Map<String, List<Map<String, String>>> columns;
    /** Per table, the mapping from version i to i + 1, at index i. */
    private final Map<String, List<Mapping>> ups;
    private final Map<String, List<Mapping>> downs;

    private Versions(List<Version> versions, Map<String, List<Map<String, String>>> columns, Map<String, List<Mapping>> ups,
                     Map<String, List<Mapping>> downs) {
        this.versions = versions;
        this.columns = columns;
        this.ups = ups;
        this.downs = downs;
    }

    static Versions read(Node section, Tables tables) {
        if (!(section.value instanceof List<?>)) throw section.error("versions must be a list of versions, oldest first (lines starting with '- ')");
        List<Version> versions = new ArrayList<>();
        Map<String, List<Map<String, String>>> columns = new LinkedHashMap<>();
        Map<String, List<Mapping>> ups = new LinkedHashMap<>();
        Map<String, List<Mapping>> downs = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        Map<String, Version> migrationOwner = new LinkedHashMap<>();
        for (Node vn : section.list("versions")) {
            Map<String, Node> m = vn.map("a version", VERSION_KEYS);
            if (!m.containsKey("version")) throw vn.error("a version needs version: (its name, e.g. version: 2)");
            Node nameNode = m.get("version");
            String name = nameNode.text("version");
            if (!NAME.matcher(name).matches()) throw nameNode.error("a version's name is letters, digits, . _ - but is '" + name + "'");
            if (!names.add(name)) throw nameNode.error("version " + name + " is declared twice");
            List<Pattern> apps = new ArrayList<>();
            if (m.containsKey("appVersions")) for (String g : m.get("appVersions").texts("appVersions")) apps.add(Rule.glob(g));
            List<String> migrations = m.containsKey("migrations") ? m.get("migrations").texts("migrations") : List.of();
            Version v = new Version(name, versions.size(), List.copyOf(apps), List.copyOf(migrations), vn.line);
            for (String mig : migrations) {
                Version before = migrationOwner.putIfAbsent(mig, v);
                if (before != null) throw m.get("migrations").error("migration " + mig + " is already version " + before.name() + "'s");
            }
            versions.add(v);
            Map<String, Node> ts = m.containsKey("tables") ? m.get("tables").entries("tables") : Map.of();
            for (Map.Entry<String, Node> e : ts.entrySet()) {
                String table = tables.require(e.getValue(), e.getKey()).name();
                readTable(e.getValue(), table, v, versions, columns, ups, downs);
            }
            // a table this version does not list keeps its columns, and maps onto itself
            for (Map.Entry<String, List<Map<String, String>>> e : columns.entrySet()) {
                if (e.getValue().size() == v.index()) {
                    Map<String, String> same = e.getValue().get(v.index() - 1);
                    e.getValue().add(same);
                    ups.get(e.getKey()).add(identity(e.getKey(), versions.get(v.index() - 1), v, same, vn.line));
                    downs.get(e.getKey()).add(identity(e.getKey(), v, versions.get(v.index() - 1), same, vn.line));
                }
            }
        }
        if (versions.isEmpty()) throw section.error("versions must list at least one version");
        return new Versions(List.copyOf(versions), columns, ups, downs);
    }

    private static void readTable(Node node, String table, Version v, List<Version> versions,
                                  Map<String, List<Map<String, String>>> columns, Map<String, List<Mapping>> ups,
                                  Map<String, List<Mapping>> downs) {
        Map<String, Node> t = node.map("table " + table + " of version " + v.name(), TABLE_KEYS);
        String where = "table " + table + " of version " + v.name();
        if (v.index() == 0) {
            for (String k : List.of("up", "down", "lossy")) {
                if (t.containsKey(k)) throw t.get(k).error(k + ": maps a row from the version before, and version " + v.name() + " is the first");
            }
            if (!t.containsKey("columns")) throw node.error(where + " needs columns: (name: type, …)");
            List<Map<String, String>> perVersion = new ArrayList<>();
            perVersion.add(readColumns(t.get("columns"), where));
            columns.put(table, perVersion);
            ups.put(table, new ArrayList<>());
            downs.put(table, new ArrayList<>());
            return;
        }
        List<Map<String, String>> perVersion = columns.get(table);
        if (perVersion == null) {
            throw node.error("table " + table + " is not in the first version (" + versions.get(0).name()
                    + "): list its columns there, so every version has a shape for it");
        }
        Version prev = versions.get(v.index() - 1);
        Map<String, String> before = perVersion.get(v.index() - 1);
        Map<String, String> after = t.containsKey("columns") ? readColumns(t.get("columns"), where) : before;
        Map<String, Node> up = t.containsKey("up") ? t.get("up").entries("up") : Map.of();
        Map<String, Node> down = t.containsKey("down") ? t.get("down").entries("down") : Map.of();
        if (t.containsKey("up") != t.containsKey("down")) {
            Node given = t.containsKey("up") ? t.get("up") : t.get("down");
            throw given.error(where + " maps rows " + (t.containsKey("up") ? "up" : "down") + " only: give "
                    + (t.containsKey("up") ? "down" : "up") + ": too (a lossy down says what it keeps with lossy:)");
        }
        if (t.containsKey("lossy") && !t.containsKey("down")) throw t.get("lossy").error("lossy: describes a down mapping, and " + where + " has none");
        String lossy = t.containsKey("lossy") ? t.get("lossy").text("lossy") : null;
        Mapping upMapping = mapping(table, prev, v, before, after, up, t.get("up"), node, "up", null,
                t.containsKey("up") ? t.get("up").line : node.line);
        Mapping downMapping = mapping(table, v, prev, after, before, down, t.get("down"), node, "down", lossy,
                t.containsKey("down") ? t.get("down").line : node.line);
        perVersion.add(after);
        ups.get(table).add(upMapping);
        downs.get(table).add(downMapping);
    }

    /**
     * The mapping from {@code fromCols} to {@code toCols}: each given expression for a column {@code to} has, each
     * other column taken as the same-named column of {@code from} — which must be there with the same type.
     */
    private static Mapping mapping(String table, Version from, Version to, Map<String, String> fromCols,
                                   Map<String, String> toCols, Map<String, Node> given, Node givenNode, Node tableNode,
                                   String direction, String lossy, int line) {
        Map<String, String> exprs = new LinkedHashMap<>();
        JavaMapping function = null;
        for (Map.Entry<String, Node> e : given.entrySet()) {
            if (e.getKey().equals(JAVA)) {
                function = JavaMapping.read(e.getValue(), fromCols, "version " + from.name() + "'s " + table);
                continue;
            }
            String col = TableName.parse(e.getKey()).name();
            if (!toCols.containsKey(col)) {
                throw e.getValue().error(direction + " sets " + col + ", which version " + to.name() + "'s " + table
                        + " does not have (columns: " + String.join(", ", toCols.keySet()) + ")");
            }
            String sql = e.getValue().text(direction + " of " + col);
            for (String read : SqlColumns.read(sql)) {
                if (!fromCols.containsKey(read)) {
                    throw e.getValue().error("the " + direction + " mapping of " + table + "." + col + " reads " + read
                            + ", which version " + from.name() + "'s " + table + " does not have (columns: "
                            + String.join(", ", fromCols.keySet()) + ")");
                }
            }
            exprs.put(col, sql);
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        Set<String> inJava = new LinkedHashSet<>();
        for (Map.Entry<String, String> c : toCols.entrySet()) {
            String col = c.getKey();
            if (exprs.containsKey(col)) {
                ordered.put(col, exprs.get(col));
                continue;
            }
            String fromType = fromCols.get(col);
            boolean changed = fromType == null || !fromType.equalsIgnoreCase(c.getValue());
            if (changed && function != null) {
                inJava.add(col);
                continue;
            }
            if (changed) {
                Node at = givenNode != null ? givenNode : tableNode;
                throw at.error(table + "." + col + " of version " + to.name() + (fromType == null
                        ? " is not in version " + from.name() : " is " + c.getValue() + " there but " + fromType + " in version " + from.name())
                        + ": the " + direction + " mapping must say how to compute it (" + direction + ": {" + col + ": <SQL expression over "
                        + String.join(", ", fromCols.keySet()) + ">}, or " + direction + ": {java: <class>})");
            }
            ordered.put(col, quote(col));
        }
        JavaMapping java = null;
        if (function != null) {
            if (inJava.isEmpty()) {
                throw given.get(JAVA).error("java: " + function.className() + " computes no column: every column of version " + to.name()
                        + "'s " + table + " is given by an SQL expression or kept from version " + from.name());
            }
            java = function.computing(Collections.unmodifiableSet(inJava));
        }
        return new Mapping(table, from, to, fromCols, toCols, ordered, lossy, line, java);
    }

    private static Mapping identity(String table, Version from, Version to, Map<String, String> cols, int line) {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (String c : cols.keySet()) exprs.put(c, quote(c));
        return new Mapping(table, from, to, cols, cols, exprs, null, line, null);
    }

    private static Map<String, String> readColumns(Node node, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : node.entries("columns of " + where).entrySet()) {
            out.put(TableName.parse(e.getKey()).name(), e.getValue().text("the type of " + e.getKey()));
        }
        if (out.isEmpty()) throw node.error("columns of " + where + " must name its columns with their types (id: int8, …)");
        return out;
    }

    /** A column name as PostgreSQL reads it back (lower-case names bare, others in double quotes). */
    static String quote(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    public boolean isEmpty() {
        return versions.isEmpty();
    }

    public List<Version> all() {
        return versions;
    }

    /** The version named {@code name}; an error listing the versions otherwise. */
    public Version version(String name) {
        for (Version v : versions) if (v.name().equals(name)) return v;
        throw new IllegalArgumentException("the model has no version " + name + (versions.isEmpty()
                ? " (it declares none under versions:)" : " (versions: " + String.join(", ", versions.stream().map(Version::name).toList()) + ")"));
    }

    /**
     * The version a transaction was written under: the first whose {@code appVersions} match its application's
     * version, else the one whose {@code migrations} list the database's migration version it began under; null when
     * neither says.
     */
    public Version writtenUnder(String appVersion, String dbVersion) {
        if (appVersion != null) {
            for (Version v : versions) for (Pattern p : v.appVersions()) if (p.matcher(appVersion).matches()) return v;
        }
        return dbVersion == null ? null : migratedTo(dbVersion);
    }

    /** The version a migration (Flyway version, Liquibase change set id) brings the database to; null when none lists it. */
    public Version migratedTo(String migration) {
        for (Version v : versions) if (v.migrations().contains(migration)) return v;
        return null;
    }

    /** The tables the versions declare, in file order. */
    public List<String> tables() {
        return List.copyOf(columns.keySet());
    }

    /** The table's columns (name → type) at {@code v}; null when the versions do not declare the table. */
    public Map<String, String> columns(String table, Version v) {
        List<Map<String, String>> perVersion = columns.get(declared(table));
        return perVersion == null ? null : perVersion.get(v.index());
    }

    /**
     * The steps a row of {@code table} written under {@code from} goes through to be a row of {@code to}, in order
     * (empty when they are the same version, or the versions do not declare the table); steps that change nothing
     * are left out.
     */
    public List<Mapping> path(String table, Version from, Version to) {
        String t = declared(table);
        if (t == null || from.index() == to.index()) return List.of();
        List<Mapping> out = new ArrayList<>();
        if (from.index() < to.index()) {
            for (int i = from.index(); i < to.index(); i++) out.add(ups.get(t).get(i));
        } else {
            for (int i = from.index() - 1; i >= to.index(); i--) out.add(downs.get(t).get(i));
        }
        out.removeIf(Mapping::identity);
        return out;
    }

    /** Every mapping of every table, both directions: what a check proves, what a target type-checks. */
    public List<Mapping> mappings() {
        List<Mapping> out = new ArrayList<>();
        for (String t : columns.keySet()) {
            for (int i = 0; i < ups.get(t).size(); i++) {
                if (!ups.get(t).get(i).identity()) out.add(ups.get(t).get(i));
                if (!downs.get(t).get(i).identity()) out.add(downs.get(t).get(i));
            }
        }
        return out;
    }

    /** The declared name of {@code table} (a bare name matches any schema); null when not versioned. */
    private String declared(String table) {
        TableName n = TableName.parse(table);
        for (String t : columns.keySet()) if (TableName.parse(t).sameAs(n)) return t;
        return null;
    }
}
