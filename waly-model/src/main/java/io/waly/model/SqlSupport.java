package io.waly.model;

import io.waly.command.Command;
import io.waly.command.Value;
import java.util.List;
import java.util.ServiceLoader;

/**
 * What the model needs of SQL to check a command's statements when it loads. SQL is parsed in one place in WAL-y (the
 * driver, {@code waly-jdbc}), which provides this through {@link ServiceLoader}; the model module depends on no parser.
 * Driver-internal: applications do not implement it.
 */
public interface SqlSupport {

    /**
     * One statement of a model file, written with named parameters ({@code :email}).
     *
     * @param sql     the statement as the database gets it: each named parameter a {@code ?} placeholder
     * @param names   the parameter names, one per placeholder, in order (null for a {@code ?} written as such)
     * @param command the parsed command of {@code sql}
     * @param shape   the statement's shape: the same for an application's statement that differs from it only in
     *                literals, spacing, comments and the case of keywords
     * @param shapeNames the parameter name at each placeholder of the shape (null for a literal or a {@code ?}): the
     *                shape has a placeholder for each literal too
     * @param shapeLiterals the literal at each placeholder of the shape (null for a parameter)
     */
    record Compiled(String sql, List<String> names, Command command, String shape, List<String> shapeNames,
                    List<Value> shapeLiterals) {}

    /** @throws IllegalArgumentException saying what is wrong with the statement (not one statement, unreadable) */
    Compiled compile(String sql);

    /** The implementation on the class path, or null when WAL-y's driver is not there. */
    static SqlSupport find() {
        return ServiceLoader.load(SqlSupport.class, SqlSupport.class.getClassLoader()).findFirst().orElse(null);
    }
}
