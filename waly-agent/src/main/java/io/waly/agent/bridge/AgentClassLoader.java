package io.waly.agent.bridge;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Loads the agent's hidden classes and resources from the jar's {@link Pack} (no other class loader finds them there,
 * although the jar is on the system class path). Child-first for what the pack holds; the bridge package from the
 * loader of the agent's entry points (one {@link Bridge} per JVM); everything else from the parent. Two kinds of
 * instance:
 * <ul>
 *   <li>one over the platform class loader for the agent's tooling (Byte Buddy, the configuration): the application's
 *       classes are invisible to it;</li>
 *   <li>one per class loader that defines pgjdbc, with that loader as parent, for WAL-y's driver code: its classes
 *       implement and extend pgjdbc's, so they must resolve {@code org.postgresql.*} exactly as pgjdbc does.</li>
 * </ul>
 */
public final class AgentClassLoader extends ClassLoader {

    private static final String BRIDGE_PACKAGE = "io.waly.agent.bridge.";

    static {
        registerAsParallelCapable();
    }

    private final Pack pack;
    private final ProtectionDomain domain;

    public AgentClassLoader(String name, Pack pack, ClassLoader parent) {
        super(name, parent);
        this.pack = pack;
        this.domain = new ProtectionDomain(new CodeSource(pack.location(), (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null && name.startsWith(BRIDGE_PACKAGE)) {
                c = Class.forName(name, false, AgentClassLoader.class.getClassLoader());
            }
            if (c == null) {
                c = define(name);
                if (c == null) {
                    ClassLoader parent = getParent();
                    c = parent == null ? Class.forName(name, false, null) : parent.loadClass(name);
                }
            }
            if (resolve) resolveClass(c);
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> c = define(name);
        if (c == null) throw new ClassNotFoundException(name);
        return c;
    }

    /** @return the packed class {@code name}, defined, or null if the pack has none */
    private Class<?> define(String name) throws ClassNotFoundException {
        try {
            byte[] bytes = pack.read(name.replace('.', '/') + ".class");
            return bytes == null ? null : defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    private static String resourceName(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    @Override
    public URL getResource(String name) {
        URL url = findResource(name);
        return url != null ? url : super.getResource(name);
    }

    @Override
    protected URL findResource(String name) {
        try {
            return pack.url(resourceName(name));
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    /** Straight from the pack (Byte Buddy reads advice classes this way), without URL connections. */
    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes;
        try {
            bytes = pack.read(resourceName(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }
}
