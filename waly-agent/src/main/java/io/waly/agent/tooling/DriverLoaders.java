package io.waly.agent.tooling;

import io.waly.agent.bridge.AgentClassLoader;
import io.waly.agent.bridge.Bridge;
import io.waly.agent.bridge.Report;
import java.util.Properties;

/**
 * One copy of WAL-y's driver code per class loader that defines pgjdbc, made at its first connection: an
 * {@link AgentClassLoader} whose parent is that loader, so WAL-y's classes link against the application's pgjdbc.
 *
 * <p>Cached in a {@link ClassValue} of pgjdbc's {@code org.postgresql.Driver} class: the cache lives in that class,
 * so a web application's pgjdbc and WAL-y's copy beside it are collected together when the application is undeployed
 * (a map from loader to a child of that loader would keep both alive forever).
 */
final class DriverLoaders implements Bridge.Handler {

    private static final String RUNTIME = "io.waly.agent.runtime.AgentConnections";
    private static final String PG_DRIVER = "org.postgresql.Driver";

    private final AgentClassLoader tooling;
    private final Properties config;

    private final ClassValue<Bridge.Wrapper> perPgjdbc = new ClassValue<>() {
        @Override
        protected Bridge.Wrapper computeValue(Class<?> driver) {
            return load(driver.getClassLoader());
        }
    };

    /** @param tooling the agent's tooling loader, over the pack the driver loaders read too */
    DriverLoaders(AgentClassLoader tooling, Properties config) {
        this.tooling = tooling;
        this.config = config;
    }

    @Override
    public Object wrap(Class<?> origin, Object connection) {
        Class<?> driver;
        try {
            driver = origin.getName().equals(PG_DRIVER) ? origin : Class.forName(PG_DRIVER, false, origin.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return connection;
        }
        return perPgjdbc.get(driver).wrap(connection);
    }

    private Bridge.Wrapper load(ClassLoader pgjdbc) {
        try {
            AgentClassLoader loader = new AgentClassLoader("waly-driver", tooling, pgjdbc);
            Class<?> runtime = loader.loadClass(RUNTIME);
            return (Bridge.Wrapper) runtime.getConstructor(Properties.class).newInstance(config);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null && e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            Report.once("load:" + System.identityHashCode(pgjdbc), "WAL-y cannot load its driver beside the pgjdbc of " + pgjdbc
                    + " (" + cause + "); its connections run without WAL-y");
            return c -> c;
        }
    }
}
