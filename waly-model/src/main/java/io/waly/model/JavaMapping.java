package io.waly.model;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java half of a step's mapping ({@code up: {java: com.example.CarsUp}}, or
 * {@code up: {java: {class: com.example.CarsUp, reads: [production_year]}}}): the class, its instance, the columns of
 * the version it maps from that it is given ({@code reads}, all of them by default), and the columns of the version it
 * maps to that it computes. Loaded and checked when the model loads, so that a missing or wrong class is a model
 * error naming its line, before any write is touched.
 */
public record JavaMapping(String className, RowFunction function, Set<String> reads, Set<String> columns) {
    private static final Set<String> KEYS = Set.of("class", "reads");

    /** The {@code java:} entry of a mapping from {@code fromCols}; its columns are the step's to fill in. */
    static JavaMapping read(Node node, Map<String, String> fromCols, String where) {
        Node classNode = node;
        Set<String> reads = new LinkedHashSet<>(fromCols.keySet());
        if (node.value instanceof Map<?, ?>) {
            Map<String, Node> m = node.map("java: of " + where, KEYS);
            if (!m.containsKey("class")) throw node.error("java: of " + where + " needs class: (the RowFunction's class name)");
            classNode = m.get("class");
            if (m.containsKey("reads")) {
                reads.clear();
                for (String col : m.get("reads").texts("reads")) {
                    String c = TableName.parse(col).name();
                    if (!fromCols.containsKey(c)) {
                        throw m.get("reads").error("java: reads " + c + ", which " + where + " does not have (columns: "
                                + String.join(", ", fromCols.keySet()) + ")");
                    }
                    reads.add(c);
                }
                if (reads.isEmpty()) throw m.get("reads").error("java: reads: must name at least one column");
            }
        }
        return new JavaMapping(classNode.text("java"), load(classNode), Collections.unmodifiableSet(reads), Set.of());
    }

    JavaMapping computing(Set<String> cols) {
        return new JavaMapping(className, function, reads, cols);
    }

    /** The columns it is given, in order. */
    public List<String> readsInOrder() {
        return List.copyOf(reads);
    }

    /** The function the node names: a public class with a public no-arg constructor implementing {@link RowFunction}. */
    private static RowFunction load(Node node) {
        String name = node.text("java");
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(name, true, loader != null ? loader : JavaMapping.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw node.error("java: class " + name + " is not on the classpath");
        }
        if (!RowFunction.class.isAssignableFrom(type)) {
            throw node.error("java: " + name + " does not implement " + RowFunction.class.getName());
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw node.error("java: " + name + " must be a public, non-abstract class");
        }
        try {
            Constructor<?> ctor = type.getConstructor();
            return (RowFunction) ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw node.error("java: " + name + " needs a public constructor without arguments");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw node.error("java: " + name + " could not be made: " + cause);
        }
    }
}
