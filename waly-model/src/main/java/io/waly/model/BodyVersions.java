package io.waly.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's bodies per schema version (its {@code versions:} key): from a version of the model's {@code versions:} on,
 * the command runs another {@code postgres:} body, another {@code mongo:} body, or both; a backend a version does not
 * give keeps the body of the version before. The command's own {@code postgres:} and {@code mongo:} are the bodies of
 * the versions before the first one listed, and of connections and transactions the model does not place in a version.
 * Each {@code postgres:} body is checked against the columns of every version it is the body of.
 *
 * <pre>
 * SET_YEAR:
 *   args: {id: bigint, year: integer}
 *   postgres: ["UPDATE cars SET production_year = :year WHERE id = :id"]
 *   versions:
 *     "2":
 *       postgres: ["UPDATE cars SET production_years = int4multirange(int4range(:year, :year, '[]')) WHERE id = :id"]
 * </pre>
 */
final class BodyVersions {
    private static final Set<String> KEYS = Set.of("postgres", "mongo");

    /**
     * The bodies from version {@code from} on: {@code postgres} null keeps the one before; {@code mongoGiven} false keeps
     * the MongoDB body before, else {@code mongo} is the body (null: the translation of the PostgreSQL body).
     */
    record Entry(Versions.Version from, List<DeclaredCommand.Statement> postgres, boolean mongoGiven, MongoBody mongo) {}

    private BodyVersions() {}

    /** The versions the command's own {@code postgres:} body is the body of: those before the first that gives another. */
    static List<Versions.Version> firstCovers(Node node, Versions versions) {
        int end = versions.all().size();
        for (Map.Entry<String, Node> e : node.entries("versions").entrySet()) {
            Map<String, Node> m = e.getValue().map("the body of version " + e.getKey(), KEYS);
            Versions.Version v = version(e.getKey(), e.getValue(), versions);
            if (m.isEmpty()) throw e.getValue().error("the body at version " + v.name() + " gives neither postgres: nor mongo:");
            if (m.containsKey("postgres")) end = Math.min(end, v.index());
        }
        return versions.all().subList(0, end);
    }

    static List<Entry> read(Node node, DeclaredCommand c, Tables tables, SqlSupport sql, Versions versions) {
        Map<String, Node> entries = node.entries("versions of " + c.name());
        if (entries.isEmpty()) throw node.error("versions of " + c.name() + " lists no version (or leave it out: one body for every version)");
        List<Versions.Version> starts = new ArrayList<>();
        for (Map.Entry<String, Node> e : entries.entrySet()) {
            if (e.getValue().map("the body of version " + e.getKey(), KEYS).containsKey("postgres")) {
                starts.add(version(e.getKey(), e.getValue(), versions));
            }
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : entries.entrySet()) {
            Versions.Version v = version(e.getKey(), e.getValue(), versions);
            Map<String, Node> m = e.getValue().map("the body of version " + e.getKey(), KEYS);
            List<DeclaredCommand.Statement> postgres = null;
            if (m.containsKey("postgres")) {
                int end = versions.all().size();
                for (Versions.Version s : starts) if (s.index() > v.index()) end = Math.min(end, s.index());
                postgres = Commands.postgresBody(m.get("postgres"), null, c, tables, sql, versions, versions.all().subList(v.index(), end));
            }
            MongoBody mongo = m.containsKey("mongo") ? MongoBody.read(m.get("mongo"), c) : null;
            out.add(new Entry(v, postgres, m.containsKey("mongo"), mongo));
        }
        out.sort(Comparator.comparingInt(x -> x.from().index()));
        return List.copyOf(out);
    }

    private static Versions.Version version(String name, Node at, Versions versions) {
        try {
            return versions.version(name);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }

    /** The PostgreSQL body at {@code v}: the last version at or before it that gives one, else {@code own}. */
    static List<DeclaredCommand.Statement> postgres(List<Entry> entries, Versions.Version v, List<DeclaredCommand.Statement> own) {
        List<DeclaredCommand.Statement> out = own;
        for (Entry e : entries) if (e.from().index() <= v.index() && e.postgres() != null) out = e.postgres();
        return out;
    }

    /** The MongoDB body at {@code v} (null: the translation): the last version at or before it that gives one, else {@code own}. */
    static MongoBody mongo(List<Entry> entries, Versions.Version v, MongoBody own) {
        MongoBody out = own;
        for (Entry e : entries) if (e.from().index() <= v.index() && e.mongoGiven()) out = e.mongo();
        return out;
    }
}
