package io.waly.model;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.Set;

/**
 * The Java half of a step's mapping ({@code up: {java: com.example.CarsUp}}): the class, its instance, and the columns
 * of the version it maps to that it computes. Loaded and checked when the model loads, so that a missing or wrong
 * class is a model error naming its line, before any write is touched.
 */
public record JavaMapping(String className, RowFunction function, Set<String> columns) {

    /** The function the node names: a public class with a public no-arg constructor implementing {@link RowFunction}. */
    static RowFunction load(Node node) {
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
