package io.waly.agent.bridge;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's hidden classes: {@code io/waly/agent/inst/<name>.classdata} in the agent jar (no other class loader
 * finds them there, although the jar is on the system class path). Child-first for what the jar holds; the bridge package
 * from the loader of the agent's entry points (one {@link Bridge} per JVM); everything else from the parent. Two kinds
 * of instance:
 * <ul>
 *   <li>one over the platform class loader for the agent's tooling (Byte Buddy, the configuration): the application's
 *       classes are invisible to it;</li>
 *   <li>one per class loader that defines pgjdbc, with that loader as parent, for WAL-y's driver code: its classes
 *       implement and extend pgjdbc's, so they must resolve {@code org.postgresql.*} exactly as pgjdbc does.</li>
 * </ul>
 */
public final class AgentClassLoader extends ClassLoader {

    /** Where the build (waly-agent/pom.xml) puts the hidden part of the jar. */
    public static final String PREFIX = "io/waly/agent/inst/";
    private static final String BRIDGE_PACKAGE = "io.waly.agent.bridge.";
    private static final String CLASS_SUFFIX = ".classdata";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;

    public AgentClassLoader(String name, JarFile jar, File jarFile, ClassLoader parent) {
        super(name, parent);
        this.jar = jar;
        try {
            URL location = jarFile.toURI().toURL();
            this.jarUrl = "jar:" + location + "!/";
            this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null && name.startsWith(BRIDGE_PACKAGE)) {
                c = Class.forName(name, false, AgentClassLoader.class.getClassLoader());
            }
            if (c == null) {
                JarEntry e = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
                if (e != null) {
                    c = define(name, e);
                } else {
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
        JarEntry e = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
        if (e == null) throw new ClassNotFoundException(name);
        return define(name, e);
    }

    private Class<?> define(String name, JarEntry e) throws ClassNotFoundException {
        try (InputStream in = jar.getInputStream(e)) {
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException ex) {
            throw new ClassNotFoundException(name, ex);
        }
    }

    /** {@code a/B.class} is stored as {@code io/waly/agent/inst/a/B.classdata}, other resources under the prefix. */
    private JarEntry entry(String resource) {
        String n = resource.startsWith("/") ? resource.substring(1) : resource;
        if (n.endsWith(".class")) n = n.substring(0, n.length() - ".class".length()) + CLASS_SUFFIX;
        return jar.getJarEntry(PREFIX + n);
    }

    @Override
    public URL getResource(String name) {
        URL url = findResource(name);
        return url != null ? url : super.getResource(name);
    }

    @Override
    protected URL findResource(String name) {
        JarEntry e = entry(name);
        if (e == null) return null;
        try {
            return new URL(jarUrl + e.getName());
        } catch (MalformedURLException ex) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    /** Straight from the open jar (Byte Buddy reads advice classes this way), without URL connection caches. */
    @Override
    public InputStream getResourceAsStream(String name) {
        JarEntry e = entry(name);
        if (e == null) return super.getResourceAsStream(name);
        try {
            return jar.getInputStream(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
