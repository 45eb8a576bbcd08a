package io.waly.agent.bridge;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.jar.JarFile;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;

/**
 * The hidden part of the agent jar: one stored entry, {@value #ENTRY}, that holds every hidden class and resource
 * (README "Class loading and isolation"). The JVM reads and hashes the whole central directory of the agent jar at
 * every start, in interpreted code; packed, the jar has a few entries instead of thousands. The build
 * ({@code src/build/java}) writes the pack with the constants below.
 *
 * <p>Layout, big-endian:
 * <pre>
 * header   int MAGIC, int n
 * table    n × (int hash, int position): hash is the name's String.hashCode(); sorted by hash
 * entries  at each position: unsigned short name length, name (ASCII), int length, int deflated length, the entry
 *          deflated on its own (raw deflate, no zlib header)
 * </pre>
 * The table (8 bytes an entry) is read once, at the first lookup, and binary-searched in place; an entry's name is read
 * with its bytes, to tell a hash collision. Each lookup opens a new stream over the stored pack and skips to the entry:
 * {@code ZipFile}'s stream of a stored entry skips without reading (JDK 17 and 25), so reading an entry costs a
 * positional read of its own bytes.
 */
public final class Pack {

    public static final String ENTRY = "io/waly/agent/inst.pack";
    public static final int MAGIC = 0x57414C59;   // "WALY"
    public static final int HEADER = 8;

    private final JarFile jar;
    private final URL location;
    private final ZipEntry entry;
    private volatile byte[] table;

    /**
     * @param location the jar's URL, the code source of every packed class
     * @throws IOException when the jar has no pack (a jar not built by this module's build)
     */
    public Pack(JarFile jar, URL location) throws IOException {
        this.jar = jar;
        this.location = location;
        this.entry = jar.getEntry(ENTRY);
        if (entry == null || entry.getMethod() != ZipEntry.STORED) throw new IOException(location + " has no stored " + ENTRY);
    }

    URL location() {
        return location;
    }

    /** @return the bytes of the packed entry {@code name} (a/B.class, META-INF/services/x), or null if there is none */
    byte[] read(String name) throws IOException {
        byte[] t = table();
        int n = getInt(t, 4);
        int hash = name.hashCode();
        int lo = 0;
        for (int hi = n; lo < hi; ) {   // the first entry whose hash is not below
            int mid = (lo + hi) >>> 1;
            if (getInt(t, HEADER + 8 * mid) < hash) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < n && getInt(t, HEADER + 8 * i) == hash; i++) {
            byte[] bytes = read(name, getInt(t, HEADER + 8 * i + 4));
            if (bytes != null) return bytes;
        }
        return null;
    }

    /** @return a URL whose stream reads the packed entry {@code name}, or null if there is none */
    URL url(String name) throws IOException {
        return read(name) == null ? null : Resources.url(this, name);
    }

    /** @return the entry at {@code position} if it is {@code name}, else null (the same hash) */
    private byte[] read(String name, int position) throws IOException {
        int len = name.length();
        byte[] deflated;
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] head = new byte[2 + len + 8];
            if (in.skip(position) != position) throw truncated();
            int got = in.readNBytes(head, 0, head.length);
            if (got < 2) throw truncated();
            if ((((head[0] & 0xff) << 8) | (head[1] & 0xff)) != len) return null;
            if (got != head.length) throw truncated();
            for (int i = 0; i < len; i++) {
                if (head[2 + i] != name.charAt(i)) return null;
            }
            bytes = new byte[getInt(head, 2 + len)];
            deflated = new byte[getInt(head, 6 + len)];
            if (in.readNBytes(deflated, 0, deflated.length) != deflated.length) throw truncated();
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            for (int n = 0; n < bytes.length; ) {
                int k = inflater.inflate(bytes, n, bytes.length - n);
                if (k == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("ends early");
                }
                n += k;
            }
        } catch (DataFormatException e) {
            throw new IOException(location + "!/" + ENTRY + ": " + name + " is corrupt", e);
        } finally {
            inflater.end();
        }
        return bytes;
    }

    private byte[] table() throws IOException {
        byte[] t = table;
        if (t != null) return t;
        synchronized (this) {
            if (table == null) {
                try (InputStream in = jar.getInputStream(entry)) {
                    byte[] header = in.readNBytes(HEADER);
                    if (header.length != HEADER || getInt(header, 0) != MAGIC) throw new IOException(location + "!/" + ENTRY + " is not a pack");
                    t = new byte[HEADER + 8 * getInt(header, 4)];
                    System.arraycopy(header, 0, t, 0, HEADER);
                    if (in.readNBytes(t, HEADER, t.length - HEADER) != t.length - HEADER) throw truncated();
                }
                table = t;
            }
            return table;
        }
    }

    private EOFException truncated() {
        return new EOFException(location + "!/" + ENTRY + " is truncated");
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /**
     * Serves the URLs of packed resources (a {@code META-INF/services} file, say): {@code waly-agent:<the jar's path>!/name}.
     * Not the {@code jar:} scheme: code that sees {@code jar:} may cast the connection to {@code JarURLConnection}.
     * Only {@link #url} refers to this class, so that verifying {@link Pack} at start does not load it.
     */
    private static final class Resources extends URLStreamHandler {
        private final Pack pack;
        /** A URL's path up to the entry name: the jar's path (URL-encoded: no '#' or '?') and "!/". */
        private final String prefix;

        private Resources(Pack pack) {
            this.pack = pack;
            this.prefix = pack.location.getPath() + "!/";
        }

        static URL url(Pack pack, String name) throws MalformedURLException {
            Resources handler = new Resources(pack);
            return new URL(null, "waly-agent:" + handler.prefix + name, handler);
        }

        @Override
        protected URLConnection openConnection(URL u) throws IOException {
            String path = u.getPath();
            byte[] bytes = path.startsWith(prefix) ? pack.read(path.substring(prefix.length())) : null;
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
