package io.waly.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model file: one YAML document that the driver, the agent and the CLI load, validated as a whole when it loads,
 * every error naming its line. Its top-level sections:
 *
 * <ul>
 *   <li>{@code tables:} the tables the model names ({@link Tables}); every other section refers to these;</li>
 *   <li>{@code policies:} mutation rules, recording, routes ({@link Policies});</li>
 *   <li>{@code versions:} schema versions and the mapping of rows between them ({@link Versions}).</li>
 *   <li>{@code commands:} application commands ({@link Commands}).</li>
 * </ul>
 *
 * Sections to come sit beside them (schema {@code versions:}); a section this version
 * does not know is an error, so that a model written for a newer WAL-y is never half applied.
 *
 * <p>Immutable and shared: the driver keeps one per file (and its contents) for the whole JVM ({@link #load}).
 */
public final class Model {
    /** The top-level sections this version reads, in the order they are read. */
    static final List<String> SECTIONS = List.of("tables", "policies", "versions", "commands");

    private static final Map<Path, Model> LOADED = new ConcurrentHashMap<>();

    private final String source;
    private final String id;
    private final Tables tables;
    private final Policies policies;
    private final Versions versions;
    private final Commands commands;

    private Model(String source, String id, Tables tables, Policies policies, Versions versions, Commands commands) {
        this.source = source;
        this.id = id;
        this.tables = tables;
        this.policies = policies;
        this.versions = versions;
        this.commands = commands;
    }

    /**
     * The model in the file {@code path}, read once per content: a file changed since is read again (a connection
     * opened after an edit gets the new rules; open connections keep theirs).
     *
     * @throws ModelException naming the file, the line and the problem
     */
    public static Model load(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(abs);
        } catch (IOException e) {
            throw new ModelException(abs.toString(), 0, 0, "cannot be read (" + e + ")");
        }
        String id = sha256(bytes);
        Model known = LOADED.get(abs);
        if (known != null && known.id.equals(id)) return known;
        Model m = parse(new String(bytes, StandardCharsets.UTF_8), abs.toString(), id);
        LOADED.put(abs, m);
        return m;
    }

    /** A model from text; {@code source} names it in errors. */
    public static Model parse(String yaml, String source) {
        return parse(yaml, source, sha256(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Model parse(String yaml, String source, String id) {
        Node root = Node.parse(yaml, source);
        if (!(root.value instanceof Map<?, ?>)) throw root.error("a model file is a map of sections: " + String.join(", ", SECTIONS));
        Map<String, Node> sections = root.map("the model", SECTIONS);
        Tables tables = sections.containsKey("tables") ? Tables.read(sections.get("tables")) : Tables.NONE;
        Policies policies = sections.containsKey("policies") ? Policies.read(sections.get("policies"), tables) : Policies.NONE;
        Versions versions = sections.containsKey("versions") ? Versions.read(sections.get("versions"), tables) : Versions.NONE;
        Commands commands = sections.containsKey("commands") ? Commands.read(sections.get("commands"), tables, versions) : Commands.NONE;
        return new Model(source, id, tables, policies, versions, commands);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the model was read from. */
    public String source() {
        return source;
    }

    /** The SHA-256 of the file's bytes, hex: which model a decision in the log was taken under. */
    public String id() {
        return id;
    }

    /** The short form of {@link #id} the log records: 12 hex digits. */
    public String shortId() {
        return id.substring(0, 12);
    }

    public Tables tables() {
        return tables;
    }

    public Policies policies() {
        return policies;
    }

    public Versions versions() {
        return versions;
    }

    /** The application commands ({@code commands:}); empty when the model declares none. */
    public Commands commands() {
        return commands;
    }

    @Override
    public String toString() {
        return "model " + source + " (" + shortId() + ")";
    }
}
