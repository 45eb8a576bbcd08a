package io.waly.agent.bridge;

/**
 * The format of the agent jar's hidden part, shared by its writer (the build's {@code src/build/java} AgentJar) and
 * its reader ({@link AgentClassLoader}): constants only, so that the reader's JVM never loads this class.
 *
 * <p>The agent jar's first two entries are stored (not compressed): {@code META-INF/MANIFEST.MF}, then the pack,
 * {@value #ENTRY}, which holds every hidden class and resource: one entry, not thousands, as the JVM reads and hashes
 * the whole central directory of the agent jar, entry by entry, in interpreted code, at every start. The reader finds
 * the pack's bytes from the two local headers at the start of the jar and reads each entry with one positional read of
 * the file, without a {@code ZipFile}. Big-endian:
 * <pre>
 * header   int MAGIC, int n
 * table    n × (int hash, int position): hash is the name's String.hashCode(), position is in the pack; sorted by hash
 * entries  at each position: unsigned short name length, name (ASCII), int length, int deflated length, the entry
 *          deflated on its own (raw deflate, no zlib header)
 * </pre>
 */
public final class Pack {

    public static final String MANIFEST = "META-INF/MANIFEST.MF";
    public static final String ENTRY = "io/waly/agent/inst.pack";
    public static final int MAGIC = 0x57414C59;   // "WALY"
    /** Bytes of the header. */
    public static final int HEADER = 8;
    /** Bytes of a table row. */
    public static final int ROW = 8;
    /** Bytes of an entry's head without its name: name length, (the name,) length, deflated length. */
    public static final int ENTRY_HEAD = 2 + 4 + 4;

    private Pack() {}
}
