package io.waly.model;

import io.waly.command.Value;
import io.waly.log.replay.CommandBodies.DocumentOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A command's MongoDB body of its own ({@code mongo:} as a list of operations): what replay into MongoDB runs instead of
 * translating the statements the command ran. Each operation names its kind and collection, and its filter, document
 * or update as YAML maps whose values are literals or the command's arguments ({@code :email}). Checked when the model
 * loads, each problem naming its line: the keys each kind takes, the update and query operators (only deterministic
 * ones: replay must give the same documents every time), field names, and every {@code :name} an argument of a type
 * that fits where it is used.
 *
 * <pre>
 * mongo:
 *   - insertOne: customer
 *     document: {_id: :id, email: :email, plan: :plan, orders: []}
 *   - updateOne: customer
 *     filter: {_id: :customer}
 *     update: {$push: {orders: :id}, $inc: {spent: :total}}
 * </pre>
 */
final class MongoBody {

    private static final Map<String, DocumentOp.Kind> KINDS = Map.of("insertOne", DocumentOp.Kind.INSERT_ONE,
            "updateOne", DocumentOp.Kind.UPDATE_ONE, "updateMany", DocumentOp.Kind.UPDATE_MANY,
            "deleteOne", DocumentOp.Kind.DELETE_ONE, "deleteMany", DocumentOp.Kind.DELETE_MANY);
    private static final List<String> KEYS = List.of("insertOne", "updateOne", "updateMany", "deleteOne", "deleteMany",
            "document", "filter", "update");
    /** Update operators whose result depends only on the document and the values given ($currentDate does not). */
    private static final List<String> UPDATE_OPS = List.of("$set", "$unset", "$inc", "$mul", "$min", "$max", "$push",
            "$addToSet", "$pull", "$rename");
    private static final Set<String> NUMERIC_OPS = Set.of("$inc", "$mul");
    private static final List<String> QUERY_OPS = List.of("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists");
    private static final Set<String> LOGICAL = Set.of("$and", "$or", "$nor");
    private static final Pattern ARG = Pattern.compile(":([A-Za-z][A-Za-z0-9_]*)");

    /** An argument's place in a template. */
    record Arg(String name) {}

    /** One operation as written: its documents are templates (maps, lists, {@link Value}s and {@link Arg}s). */
    record Op(DocumentOp.Kind kind, String collection, Map<String, Object> filter, Map<String, Object> document, int line) {}

    private final DeclaredCommand command;
    private final List<Op> ops;

    private MongoBody(DeclaredCommand command, List<Op> ops) {
        this.command = command;
        this.ops = ops;
    }

    List<Op> ops() {
        return ops;
    }

    /**
     * The {@code mongo:} node of command {@code c}: null for {@code translate} (the translation of its PostgreSQL body),
     * else its operations.
     */
    static MongoBody read(Node node, DeclaredCommand c) {
        if (!(node.value instanceof List<?>)) {
            if (!"translate".equals(node.choice("mongo", List.of("translate")))) throw node.error("mongo must be translate");
            return null;
        }
        List<Op> ops = new ArrayList<>();
        for (Node item : node.list("mongo")) ops.add(readOp(item, c));
        if (ops.isEmpty()) throw node.error("the mongo: body of " + c.name() + " has no operation (write translate for the translation of its postgres: body)");
        return new MongoBody(c, List.copyOf(ops));
    }

    private static Op readOp(Node item, DeclaredCommand c) {
        Map<String, Node> m = item.map("a mongo: operation", KEYS);
        String kindKey = null;
        for (String k : m.keySet()) {
            if (KINDS.containsKey(k)) {
                if (kindKey != null) throw m.get(k).error("an operation is one of insertOne, updateOne, updateMany, deleteOne, deleteMany: this one says both " + kindKey + " and " + k);
                kindKey = k;
            }
        }
        if (kindKey == null) throw item.error("an operation names its kind and collection: insertOne, updateOne, updateMany, deleteOne or deleteMany: COLLECTION");
        DocumentOp.Kind kind = KINDS.get(kindKey);
        String collection = collection(m.get(kindKey));
        boolean insert = kind == DocumentOp.Kind.INSERT_ONE;
        boolean update = kind == DocumentOp.Kind.UPDATE_ONE || kind == DocumentOp.Kind.UPDATE_MANY;
        require(m, item, kindKey, "document", insert);
        require(m, item, kindKey, "filter", !insert);
        require(m, item, kindKey, "update", update);
        Map<String, Object> filter = insert ? null : filter(m.get("filter"), c);
        Map<String, Object> document = insert ? document(m.get("document"), c) : update ? update(m.get("update"), c) : null;
        return new Op(kind, collection, filter, document, item.line);
    }

    private static void require(Map<String, Node> m, Node item, String kind, String key, boolean wanted) {
        if (wanted && !m.containsKey(key)) throw item.error(kind + " needs " + key + ":");
        if (!wanted && m.containsKey(key)) throw m.get(key).error(kind + " takes no " + key + ":");
    }

    private static String collection(Node n) {
        String name = n.text("a collection's name");
        if (name.isBlank() || name.contains("$") || name.indexOf('\0') >= 0 || name.startsWith("system.")) {
            throw n.error("'" + name + "' is not a collection name MongoDB takes (not empty, no $, not system.…)");
        }
        return name;
    }

    /** A document to insert: field names plain (no $, no dot), values literals or arguments, nested at will. */
    private static Map<String, Object> document(Node n, DeclaredCommand c) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : n.entries("document").entrySet()) {
            String field = e.getKey();
            if (field.startsWith("$") || field.contains(".") || field.isEmpty()) {
                throw e.getValue().error("a document's field name has no $ at its start and no dot: '" + field + "'");
            }
            out.put(field, value(e.getValue(), c));
        }
        return out;
    }

    private static Object value(Node n, DeclaredCommand c) {
        if (n.value instanceof Map<?, ?>) return document(n, c);
        if (n.value instanceof List<?>) {
            List<Object> out = new ArrayList<>();
            for (Node x : n.list("an array")) out.add(value(x, c));
            return out;
        }
        return scalar(n, c);
    }

    /** A literal, or {@code :name} for an argument ({@code ::text} is the literal {@code :text}). */
    private static Object scalar(Node n, DeclaredCommand c) {
        Object v = n.value;
        if (v == null) return Value.NULL;
        if (v instanceof Boolean b) return Value.bool(b);
        if (v instanceof Long l) return Value.int8(l);
        if (v instanceof Double d) return Value.float8(d);
        String s = v.toString();
        if (s.startsWith("::")) return Value.text(s.substring(1));
        java.util.regex.Matcher arg = ARG.matcher(s);
        if (arg.matches()) {
            DeclaredCommand.Arg a = c.arg(arg.group(1));
            if (a == null) {
                throw n.error("unknown argument :" + arg.group(1) + " of " + c.name() + (c.args().isEmpty() ? " (it declares none under args:)"
                        : " (args: " + String.join(", ", c.args().stream().map(DeclaredCommand.Arg::name).toList()) + ")"));
            }
            return new Arg(a.name());
        }
        return Value.text(s);
    }

    /** {@code {$set: {field: value}, $inc: {field: n}, …}}: known, deterministic operators over field paths. */
    private static Map<String, Object> update(Node n, DeclaredCommand c) {
        Map<String, Node> ops = n.entries("update");
        if (ops.isEmpty()) throw n.error("an update needs at least one operator (" + String.join(", ", UPDATE_OPS) + ")");
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> op : ops.entrySet()) {
            if (!UPDATE_OPS.contains(op.getKey())) {
                throw op.getValue().error("'" + op.getKey() + "' is not an update operator a body takes (" + String.join(", ", UPDATE_OPS)
                        + (op.getKey().startsWith("$") ? ")" : "): to replace fields, write $set: {" + op.getKey() + ": …}"));
            }
            Map<String, Node> fields = op.getValue().entries(op.getKey());
            if (fields.isEmpty()) throw op.getValue().error(op.getKey() + " names no field");
            Map<String, Object> f = new LinkedHashMap<>();
            for (Map.Entry<String, Node> e : fields.entrySet()) {
                if (e.getKey().startsWith("$") || e.getKey().isEmpty()) throw e.getValue().error("'" + e.getKey() + "' is not a field path");
                Object v = value(e.getValue(), c);
                if (NUMERIC_OPS.contains(op.getKey())) numeric(e.getValue(), v, op.getKey(), c);
                if (op.getKey().equals("$rename") && !(v instanceof Value t && t.kind() == Value.Kind.TEXT)) {
                    throw e.getValue().error("$rename takes the new field name as text");
                }
                f.put(e.getKey(), v);
            }
            out.put(op.getKey(), f);
        }
        return out;
    }

    private static void numeric(Node at, Object v, String op, DeclaredCommand c) {
        boolean fits = v instanceof Value x ? x.value() instanceof Number
                : v instanceof Arg a && switch (c.arg(a.name()).type()) {
                    case INTEGER, BIGINT, NUMERIC -> true;
                    default -> false;
                };
        if (!fits) {
            throw at.error(op + " takes a number" + (v instanceof Arg a ? ", and argument " + a.name() + " of " + c.name() + " is "
                    + c.arg(a.name()).type() : ", not " + (v instanceof Value x ? "'" + x.value() + "'" : "a document")));
        }
    }

    /** {@code {field: value, field: {$gt: value}, $or: [{…}, …]}}; empty: every document. */
    private static Map<String, Object> filter(Node n, DeclaredCommand c) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : n.entries("filter").entrySet()) {
            String key = e.getKey();
            Node v = e.getValue();
            if (LOGICAL.contains(key)) {
                List<Object> terms = new ArrayList<>();
                if (!(v.value instanceof List<?>) || v.list(key).isEmpty()) throw v.error(key + " takes a list of filters");
                for (Node t : v.list(key)) terms.add(filter(t, c));
                out.put(key, terms);
            } else if (key.startsWith("$") || key.isEmpty()) {
                throw v.error("'" + key + "' is not a field path, nor one of $and, $or, $nor");
            } else if (v.value instanceof Map<?, ?> m && !m.isEmpty() && m.keySet().stream().allMatch(k -> k.toString().startsWith("$"))) {
                Map<String, Object> cond = new LinkedHashMap<>();
                for (Map.Entry<String, Node> q : v.entries("a condition").entrySet()) {
                    if (!QUERY_OPS.contains(q.getKey())) {
                        throw q.getValue().error("'" + q.getKey() + "' is not a query operator a body takes (" + String.join(", ", QUERY_OPS) + ")");
                    }
                    boolean list = q.getKey().equals("$in") || q.getKey().equals("$nin");
                    if (list != q.getValue().value instanceof List<?>) {
                        throw q.getValue().error(q.getKey() + (list ? " takes a list" : " takes one value, not a list"));
                    }
                    cond.put(q.getKey(), value(q.getValue(), c));
                }
                out.put(key, cond);
            } else {
                out.put(key, value(v, c));
            }
        }
        return out;
    }

    /**
     * The operations with {@code args} in place of the arguments, each as its declared type's own kind (an argument the
     * record lacks is NULL).
     */
    List<DocumentOp> bind(Map<String, Value> args) {
        Map<String, Value> byName = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, Value> e : args.entrySet()) {
            DeclaredCommand.Arg a = command.arg(e.getKey());
            byName.put(e.getKey(), a == null ? e.getValue() : a.type().canonical(e.getValue()));
        }
        List<DocumentOp> out = new ArrayList<>(ops.size());
        for (Op op : ops) {
            out.add(new DocumentOp(op.kind(), op.collection(), bindMap(op.filter(), byName), bindMap(op.document(), byName),
                    command.name() + ", line " + op.line()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> bindMap(Map<String, Object> template, Map<String, Value> args) {
        if (template == null) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : template.entrySet()) out.put(e.getKey(), bindValue(e.getValue(), args));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object bindValue(Object v, Map<String, Value> args) {
        if (v instanceof Arg a) return args.getOrDefault(a.name(), Value.NULL);
        if (v instanceof Map<?, ?> m) return bindMap((Map<String, Object>) m, args);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) out.add(bindValue(x, args));
            return out;
        }
        return v;
    }
}
