package io.waly.agent.bridge;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Properties;
import java.util.Set;

/**
 * The transformer the JVM calls for every class it loads. It compares the name with the few classes the agent
 * instruments and returns at once for all others, so that an application that never loads pgjdbc never loads Byte
 * Buddy, nor anything else of the agent jar's pack. At the first match it makes the tooling class loader over the pack
 * and, in it, the Byte Buddy transformer that does the work, with the settings resolved at start.
 */
public final class LazyTransformer implements ClassFileTransformer {

    /** Internal names of the instrumented classes (see {@code io.waly.agent.tooling.PgjdbcTransformer}). */
    public static final Set<String> TARGETS = Set.of(
            "org/postgresql/Driver",
            "org/postgresql/xa/PGXADataSource",
            "org/postgresql/xa/PGXAConnection",
            "io/waly/jdbc/Connections");
    private static final String DELEGATE = "io.waly.agent.tooling.PgjdbcTransformer";

    private final Properties config;
    private volatile ClassFileTransformer delegate;
    private volatile boolean broken;

    public LazyTransformer(Properties config) {
        this.config = config;
    }

    /** Whether the agent instruments this class of this loader (never its own, nor the bootstrap loader's). */
    public static boolean isTarget(ClassLoader loader, String internalName) {
        return internalName != null && loader != null && TARGETS.contains(internalName) && !(loader instanceof AgentClassLoader);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined, ProtectionDomain domain,
                            byte[] bytes) {
        if (!isTarget(loader, className)) return null;
        ClassFileTransformer d = delegate();
        if (d == null) return null;
        try {
            return d.transform(loader, className, classBeingRedefined, domain, bytes);
        } catch (Throwable t) {
            Report.once("transform:" + className, "could not instrument " + className.replace('/', '.') + " (" + t
                    + "); connections made through it are not logged by WAL-y");
            return null;
        }
    }

    private ClassFileTransformer delegate() {
        ClassFileTransformer d = delegate;
        if (d != null || broken) return d;
        synchronized (this) {
            if (delegate == null && !broken) {
                try {
                    delegate = AgentClassLoader.tooling(DELEGATE, config);
                } catch (Throwable t) {
                    broken = true;
                    Report.once("tooling", "WAL-y cannot load its instrumentation (" + t + "); connections are not logged");
                }
            }
            return delegate;
        }
    }
}
