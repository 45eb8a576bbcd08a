package io.waly.agent.build;

import io.waly.agent.bridge.Pack;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The build's last step (waly-agent/pom.xml): {@code AgentJar <flat.jar> <waly-agent.jar>} writes the agent jar from
 * the shaded flat jar. The manifest, the entry points ({@code io/waly/agent/*.class}) and the bridge package stay
 * ordinary entries; every other file goes into the {@link Pack}, one stored entry that only the agent's class loaders
 * read. The licence and notice files of the bundled libraries are also kept readable, under {@value #LEGAL}.
 */
public final class AgentJar {

    private static final String ENTRY_POINTS = "io/waly/agent/";
    private static final String BRIDGE = "io/waly/agent/bridge/";
    private static final String LEGAL = "io/waly/agent/licenses/";

    private AgentJar() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: AgentJar <flat.jar> <waly-agent.jar>");
        try (ZipFile flat = new ZipFile(args[0]);
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(Path.of(args[1])))) {
            ZipEntry manifest = flat.getEntry(Pack.MANIFEST);
            if (manifest == null) throw new IOException(args[0] + " has no " + Pack.MANIFEST);
            List<ZipEntry> visible = new ArrayList<>();
            List<ZipEntry> hidden = new ArrayList<>();
            for (ZipEntry e : Collections.list(flat.entries())) {
                if (e.isDirectory() || e.getName().equals(Pack.MANIFEST)) continue;
                (isVisible(e.getName()) ? visible : hidden).add(e);
            }
            // the reader finds the pack after the manifest from their local headers: both first, both stored
            stored(out, Pack.MANIFEST, read(flat, manifest), manifest.getTime());
            stored(out, Pack.ENTRY, pack(flat, hidden), manifest.getTime());
            // stored too: the system class loader loads a few of them in every host JVM's start, and need not inflate
            for (ZipEntry e : visible) stored(out, e.getName(), read(flat, e), e.getTime());
            for (ZipEntry e : hidden) {
                if (isLegal(e.getName())) copy(flat, e, LEGAL + e.getName(), out);
            }
        }
    }

    private static boolean isVisible(String name) {
        return name.startsWith(BRIDGE)
                || name.startsWith(ENTRY_POINTS) && name.endsWith(".class") && name.indexOf('/', ENTRY_POINTS.length()) < 0;
    }

    /** In META-INF (most libraries), or at the root (Kafka's client). */
    private static boolean isLegal(String name) {
        boolean legal = name.contains("LICENSE") || name.contains("NOTICE");
        return name.startsWith("META-INF/") && !name.startsWith("META-INF/services/") && (legal || name.startsWith("META-INF/licenses/"))
                || name.indexOf('/') < 0 && legal;
    }

    private static void stored(ZipOutputStream out, String name, byte[] bytes, long time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        entry.setTime(time);
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }

    private static byte[] read(ZipFile from, ZipEntry e) throws IOException {
        try (InputStream in = from.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static void copy(ZipFile from, ZipEntry e, String name, ZipOutputStream to) throws IOException {
        ZipEntry copy = new ZipEntry(name);
        copy.setTime(e.getTime());
        to.putNextEntry(copy);
        try (InputStream in = from.getInputStream(e)) {
            in.transferTo(to);
        }
        to.closeEntry();
    }

    /** The pack of {@code entries}, laid out as {@link Pack} describes. */
    static byte[] pack(ZipFile flat, List<ZipEntry> entries) throws IOException {
        int n = entries.size();
        long[] table = new long[n];   // hash in the high half, position in the low: sorted by hash as the reader's ints
        int start = Pack.HEADER + Pack.ROW * n;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(data);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            for (int i = 0; i < n; i++) {
                ZipEntry e = entries.get(i);
                String name = e.getName();
                if (!name.chars().allMatch(c -> c < 0x80) || name.length() > 0xffff) {
                    throw new IOException("the pack holds short ASCII names only (its reader compares chars): " + name);
                }
                table[i] = (long) name.hashCode() << 32 | (start + d.size());
                byte[] bytes = read(flat, e);
                byte[] deflated = deflate(deflater, bytes);
                d.writeShort(name.length());
                d.writeBytes(name);
                d.writeInt(bytes.length);
                d.writeInt(deflated.length);
                d.write(deflated);
            }
        } finally {
            deflater.end();
        }
        if (start + (long) d.size() > Integer.MAX_VALUE) throw new IOException("the pack outgrew int positions");
        Arrays.sort(table);
        ByteArrayOutputStream pack = new ByteArrayOutputStream(start + d.size());
        DataOutputStream p = new DataOutputStream(pack);
        p.writeInt(Pack.MAGIC);
        p.writeInt(n);
        for (long t : table) p.writeLong(t);
        data.writeTo(p);
        p.flush();
        return pack.toByteArray();
    }

    private static byte[] deflate(Deflater deflater, byte[] bytes) {
        deflater.reset();
        deflater.setInput(bytes);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 64);
        byte[] buf = new byte[8192];
        while (!deflater.finished()) out.write(buf, 0, deflater.deflate(buf));
        return out.toByteArray();
    }
}
