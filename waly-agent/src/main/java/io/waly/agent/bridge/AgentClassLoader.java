package io.waly.agent.bridge;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Properties;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Loads the agent's hidden classes and resources from the agent jar's {@link Pack} (no other class loader finds them
 * there, although the jar is on the system class path). Child-first for what the pack holds; the bridge package from
 * the loader of the agent's entry points (one {@link Bridge} per JVM); everything else from the parent. Two kinds of
 * instance, over one pack:
 * <ul>
 *   <li>one over the platform class loader for the agent's tooling (the Byte Buddy transformer, Byte Buddy, the
 *       advice), made at the first pgjdbc class: the application's classes are invisible to it;</li>
 *   <li>one per class loader that defines pgjdbc, with that loader as parent, for WAL-y's driver code: its classes
 *       implement and extend pgjdbc's, so they must resolve {@code org.postgresql.*} exactly as pgjdbc does.</li>
 * </ul>
 * An entry is read with one positional read of the jar file and inflated on its own.
 */
public final class AgentClassLoader extends ClassLoader {

    private static final String BRIDGE_PACKAGE = "io.waly.agent.bridge.";
    private static final int LOCAL_HEADER = 30;   // a zip entry's local header, before its name and extra field

    static {
        registerAsParallelCapable();
    }

    private final RandomAccessFile jar;   // shared by the loaders of one pack; positioned reads lock it
    private final URL location;
    private final long packAt;
    private final byte[] table;   // the pack's header and table
    private final ProtectionDomain domain;

    /**
     * Makes the tooling loader, over the pack of the agent jar (the jar that holds this class, on the system class path
     * for {@code -javaagent} and attach alike) with the platform class loader as parent, and in it the transformer
     * {@code className}, with its (AgentClassLoader tooling, Properties config) constructor. A factory here, not in its
     * caller {@link LazyTransformer}: verifying that one at start would then load this class.
     */
    static ClassFileTransformer tooling(String className, Properties config) throws Exception {
        CodeSource source = AgentClassLoader.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) throw new IOException("the agent jar has no code source");
        URL jar = source.getLocation();
        RandomAccessFile file = new RandomAccessFile(new File(jar.toURI()), "r");
        AgentClassLoader tooling;
        try {
            tooling = new AgentClassLoader("waly-agent", file, jar, ClassLoader.getPlatformClassLoader());
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        return (ClassFileTransformer) Class.forName(className, true, tooling).getConstructor(AgentClassLoader.class, Properties.class)
                .newInstance(tooling, config);
    }

    /**
     * The first loader over the pack of the agent jar {@code jar}, whose URL is {@code location}; reads the pack's table.
     *
     * @throws IOException when the jar has no pack where the build puts it (a jar not built by this module's build)
     */
    private AgentClassLoader(String name, RandomAccessFile jar, URL location, ClassLoader parent) throws IOException {
        super(name, parent);
        this.jar = jar;
        this.location = location;
        this.packAt = packAt(jar, location);
        byte[] header = new byte[Pack.HEADER];
        readAt(packAt, header);
        if (getInt(header, 0) != Pack.MAGIC) throw new IOException(location + ": " + Pack.ENTRY + " is not a pack");
        this.table = new byte[Pack.HEADER + Pack.ROW * getInt(header, 4)];
        readAt(packAt, table);
        this.domain = domain(this);
    }

    /** Another loader over the pack of {@code same}. */
    public AgentClassLoader(String name, AgentClassLoader same, ClassLoader parent) {
        super(name, parent);
        this.jar = same.jar;
        this.location = same.location;
        this.packAt = same.packAt;
        this.table = same.table;
        this.domain = domain(this);
    }

    private static ProtectionDomain domain(AgentClassLoader loader) {
        return new ProtectionDomain(new CodeSource(loader.location, (Certificate[]) null), null, loader, null);
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
            byte[] bytes = read(name.replace('.', '/') + ".class");
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
        String n = resourceName(name);
        try {
            if (read(n) == null) return null;
            Resources handler = new Resources(this);
            return new URL(null, "waly-agent:" + handler.prefix + n, handler);
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
            bytes = read(resourceName(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }

    /** @return the packed entry {@code name} (a/B.class, META-INF/services/x), or null if there is none */
    private byte[] read(String name) throws IOException {
        int n = getInt(table, 4);
        int hash = name.hashCode();
        int lo = 0;
        for (int hi = n; lo < hi; ) {   // the first row whose hash is not below
            int mid = (lo + hi) >>> 1;
            if (getInt(table, Pack.HEADER + Pack.ROW * mid) < hash) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < n && getInt(table, Pack.HEADER + Pack.ROW * i) == hash; i++) {
            byte[] bytes = read(name, packAt + getInt(table, Pack.HEADER + Pack.ROW * i + 4));
            if (bytes != null) return bytes;
        }
        return null;
    }

    /** @return the entry at {@code at} in the jar if it is {@code name}, else null (a name of the same hash) */
    private byte[] read(String name, long at) throws IOException {
        int len = name.length();
        byte[] head = new byte[Pack.ENTRY_HEAD + len];
        byte[] deflated;
        synchronized (jar) {
            jar.seek(at);
            jar.readFully(head, 0, 2);
            if ((((head[0] & 0xff) << 8) | (head[1] & 0xff)) != len) return null;
            jar.readFully(head, 2, head.length - 2);
            for (int i = 0; i < len; i++) {
                if (head[2 + i] != name.charAt(i)) return null;
            }
            deflated = new byte[getInt(head, 6 + len)];
            jar.readFully(deflated);
        }
        byte[] bytes = new byte[getInt(head, 2 + len)];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            for (int done = 0; done < bytes.length; ) {
                int k = inflater.inflate(bytes, done, bytes.length - done);
                if (k == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("ends early");
                }
                done += k;
            }
        } catch (DataFormatException e) {
            throw new IOException(location + ": " + name + " in " + Pack.ENTRY + " is corrupt", e);
        } finally {
            inflater.end();
        }
        return bytes;
    }

    private void readAt(long at, byte[] into) throws IOException {
        synchronized (jar) {
            jar.seek(at);
            jar.readFully(into);
        }
    }

    /** Where the pack's bytes start: after the local headers of the two stored entries that begin the jar (Pack). */
    private static long packAt(RandomAccessFile jar, URL location) throws IOException {
        byte[] local = new byte[LOCAL_HEADER];
        long at = 0;
        for (String expected : new String[] {Pack.MANIFEST, Pack.ENTRY}) {
            jar.seek(at);
            jar.readFully(local);
            int nameLength = le16(local, 26);
            byte[] name = new byte[nameLength];
            jar.readFully(name);
            if (le32(local, 0) != 0x04034b50 || le16(local, 8) != 0 || (le16(local, 6) & 8) != 0 || nameLength != expected.length()) {
                throw new IOException(location + " does not begin with a stored " + expected + " (WAL-y's build writes it so)");
            }
            for (int i = 0; i < nameLength; i++) {
                if (name[i] != expected.charAt(i)) throw new IOException(location + " does not begin with " + expected);
            }
            at += LOCAL_HEADER + nameLength + le16(local, 28);
            if (expected.equals(Pack.ENTRY)) break;
            at += le32(local, 18) & 0xffffffffL;   // the manifest's bytes
        }
        return at;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int le32(byte[] b, int at) {
        return le16(b, at) | le16(b, at + 2) << 16;
    }

    /**
     * Serves the URLs of packed resources (a {@code META-INF/services} file, say):
     * {@code waly-agent:<the jar's path>!/name}. Not the {@code jar:} scheme: code that sees {@code jar:} may cast
     * the connection to {@code JarURLConnection}.
     */
    private static final class Resources extends URLStreamHandler {
        private final AgentClassLoader loader;
        /** A URL's path up to the entry name: the jar's (URL-encoded, so without '#' or '?') and "!/". */
        private final String prefix;

        private Resources(AgentClassLoader loader) {
            this.loader = loader;
            this.prefix = loader.location.getPath() + "!/";
        }

        @Override
        protected URLConnection openConnection(URL u) throws IOException {
            String path = u.getPath();
            byte[] bytes = path.startsWith(prefix) ? loader.read(path.substring(prefix.length())) : null;
            if (bytes == null) throw new FileNotFoundException(u.toString());
            return new URLConnection(u) {
                @Override
                public void connect() {
                    connected = true;
                }

                @Override
                public long getContentLengthLong() {
                    return bytes.length;
                }

                @Override
                public InputStream getInputStream() {
                    connected = true;
                    return new ByteArrayInputStream(bytes);
                }
            };
        }
    }
}
