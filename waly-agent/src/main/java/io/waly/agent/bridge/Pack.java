package io.waly.agent.bridge;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.jar.JarFile;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;

/**
 * The hidden part of the agent jar: one stored entry, {@value #ENTRY}, that holds every hidden class and resource
 * (README "Class loading and isolation"). The JVM opens the agent jar to load the entry points, and a jar's central
 * directory is read and hashed entry by entry, in interpreted code at start; packed, the jar has about twenty entries
 * instead of thousands. The build ({@code src/build/java}) writes the pack with the constants and {@link #slot} below.
 *
 * <p>Layout, big-endian:
 * <pre>
 * header   int MAGIC, int slots (a power of two), int data (where the data starts: the index is bytes 0..data)
 * table    slots × int: the position of a record, 0 if empty; a name's slot is slot(name, slots), then the next ones
 * records  per entry: unsigned short name length, the name (UTF-8), int position, int deflated length, int length
 * data     each entry deflated on its own (raw deflate, no zlib header), at its position
 * </pre>
 * The index is read once, at the first lookup, and searched in place: nothing is parsed or allocated per entry.
 * A lookup reads one entry through a new stream over the stored pack: {@code ZipFile}'s stream of a stored entry skips
 * without reading (JDK 17 and 25), so reading an entry costs one positional read of its bytes.
 */
public final class Pack {

    public static final String ENTRY = "io/waly/agent/inst.pack";
    public static final int MAGIC = 0x57414C59;   // "WALY"
    public static final int HEADER = 12;
    /** The fixed part of a record after the name: position, deflated length, length. */
    public static final int RECORD_TAIL = 12;
    /** The scheme of the URLs of packed resources: {@code waly-agent:/path/waly-agent.jar!/META-INF/services/x}. */
    private static final String PROTOCOL = "waly-agent";

    private final JarFile jar;
    private final URL location;
    private final ZipEntry entry;
    private volatile byte[] index;
    private volatile Resources resources;

    /** @throws IOException when the jar has no pack (a jar not built by this module's build) */
    public Pack(JarFile jar, File file) throws IOException {
        this.jar = jar;
        this.location = file.toURI().toURL();
        this.entry = jar.getEntry(ENTRY);
        if (entry == null || entry.getMethod() != ZipEntry.STORED) throw new IOException(file + " has no stored " + ENTRY);
    }

    /** The slot of {@code name} in a table of {@code slots} (a power of two); the writer and the reader use this. */
    public static int slot(String name, int slots) {
        return name.hashCode() & (slots - 1);
    }

    /** The agent jar, the code source of every packed class. */
    URL location() {
        return location;
    }

    /** @return the bytes of the packed entry {@code name} (a/B.class, META-INF/services/x), or null if there is none */
    byte[] read(String name) throws IOException {
        byte[] idx = index();
        int r = record(idx, name);
        if (r < 0) return null;
        int at = r + 2 + (((idx[r] & 0xff) << 8) | (idx[r + 1] & 0xff));
        int position = getInt(idx, at);
        byte[] deflated = new byte[getInt(idx, at + 4)];
        byte[] bytes = new byte[getInt(idx, at + 8)];
        try (InputStream in = jar.getInputStream(entry)) {
            if (in.skip(position) != position || in.readNBytes(deflated, 0, deflated.length) != deflated.length) {
                throw new EOFException(ENTRY + " is truncated at " + name);
            }
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
            throw new IOException(ENTRY + ": " + name + " is corrupt", e);
        } finally {
            inflater.end();
        }
        return bytes;
    }

    /** @return a URL whose stream reads the packed entry {@code name}, or null if there is none */
    URL url(String name) throws IOException {
        if (record(index(), name) < 0) return null;
        return new URL(null, PROTOCOL + ':' + resources().prefix + name, resources());
    }

    /** The position of the record of {@code name} in the index, or -1. */
    private static int record(byte[] idx, String name) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        int slots = getInt(idx, 4);
        for (int s = slot(name, slots); ; s = (s + 1) & (slots - 1)) {
            int r = getInt(idx, HEADER + 4 * s);
            if (r == 0) return -1;
            int len = ((idx[r] & 0xff) << 8) | (idx[r + 1] & 0xff);
            if (Arrays.equals(idx, r + 2, r + 2 + len, key, 0, key.length)) return r;
        }
    }

    private byte[] index() throws IOException {
        byte[] idx = index;
        if (idx != null) return idx;
        synchronized (this) {
            if (index == null) {
                try (InputStream in = jar.getInputStream(entry)) {
                    byte[] header = in.readNBytes(HEADER);
                    if (header.length != HEADER || getInt(header, 0) != MAGIC) throw new IOException(ENTRY + " is not a pack");
                    idx = Arrays.copyOf(header, getInt(header, 8));
                    if (in.readNBytes(idx, HEADER, idx.length - HEADER) != idx.length - HEADER) {
                        throw new EOFException(ENTRY + " is truncated");
                    }
                }
                index = idx;
            }
            return index;
        }
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private Resources resources() {
        Resources r = resources;
        if (r == null) resources = r = new Resources(this);
        return r;
    }

    /**
     * Serves the URLs of packed resources (a {@code META-INF/services} file, say) from the pack; made at the first
     * such URL. Not the {@code jar:} scheme: code that sees {@code jar:} may cast the connection to
     * {@code JarURLConnection}.
     */
    private static final class Resources extends URLStreamHandler {
        final Pack pack;
        /** The path of a URL up to the entry name: the jar's (URL-encoded, so without '#' or '?') and "!/". */
        final String prefix;

        Resources(Pack pack) {
            this.pack = pack;
            this.prefix = pack.location.getPath() + "!/";
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
