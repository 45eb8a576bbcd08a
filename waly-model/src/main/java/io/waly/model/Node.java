package io.waly.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One node of the model file with the place it was written at ({@link JsonLocation}'s line and column), so that every
 * error names the line. Read with Jackson's streaming YAML parser: no object mapping, no reflection; a key given twice
 * and a key a section does not know are errors, never silently taken or ignored.
 *
 * <p>{@link #value()} is a {@code Map<String, Node>} (in file order), a {@code List<Node>}, a {@code String}, a
 * {@code Long}, a {@code Double}, a {@code Boolean}, or null.
 */
final class Node {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    final Object value;
    final int line;
    final int column;
    final String source;

    private Node(Object value, JsonLocation at, String source) {
        this.value = value;
        this.line = at.getLineNr();
        this.column = at.getColumnNr();
        this.source = source;
    }

    /** The document of a model file: a map at the top, or an empty map for an empty file. */
    static Node parse(String text, String source) {
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) return new Node(new LinkedHashMap<String, Node>(), JsonLocation.NA, source);
            Node root = read(p, source);
            if (p.nextToken() != null) throw new ModelException(source, line(p), 0, "one YAML document only");
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ModelException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelException(source, 0, 0, "cannot be read: " + e.getMessage());
        }
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static Node read(JsonParser p, String source) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Node> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    p.nextToken();
                    if (m.containsKey(key)) {
                        throw new ModelException(source, keyAt.getLineNr(), keyAt.getColumnNr(), "'" + key
                                + "' is given twice (first at line " + m.get(key).line + ")");
                    }
                    m.put(key, read(p, source));
                }
                return new Node(m, at, source);
            }
            case START_ARRAY -> {
                List<Node> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) l.add(read(p, source));
                return new Node(l, at, source);
            }
            case VALUE_NUMBER_INT -> {
                return new Node(p.getLongValue(), at, source);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Node(p.getDoubleValue(), at, source);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node(p.getBooleanValue(), at, source);
            }
            case VALUE_NULL -> {
                return new Node(null, at, source);
            }
            default -> {
                return new Node(p.getText(), at, source);
            }
        }
    }

    /** An error at this node. */
    ModelException error(String problem) {
        return new ModelException(source, line, column, problem);
    }

    /** This node as a map whose keys must be among {@code known}; {@code what} names it in errors. */
    @SuppressWarnings("unchecked")
    Map<String, Node> map(String what, Collection<String> known) {
        if (value == null) return Map.of();
        if (!(value instanceof Map<?, ?> m)) throw error(what + " must be a map (key: value lines), not " + describe());
        if (known != null) {
            for (Map.Entry<String, Node> e : ((Map<String, Node>) m).entrySet()) {
                if (!known.contains(e.getKey())) {
                    throw e.getValue().error("unknown key '" + e.getKey() + "' in " + what + " (known: " + String.join(", ", known) + ")");
                }
            }
        }
        return (Map<String, Node>) m;
    }

    /** A map whose keys are names the file chooses (tables, routes). */
    Map<String, Node> entries(String what) {
        return map(what, null);
    }

    /** This node as a list; a single scalar is a list of one ({@code kind: DELETE} = {@code kind: [DELETE]}). */
    @SuppressWarnings("unchecked")
    List<Node> list(String what) {
        if (value == null) return List.of();
        if (value instanceof List<?> l) return (List<Node>) l;
        if (value instanceof Map<?, ?>) throw error(what + " must be a list or a single value, not a map");
        return List.of(this);
    }

    String text(String what) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) throw error(what + " must be a single value, not " + describe());
        if (value == null) throw error(what + " must not be empty");
        return value.toString();
    }

    List<String> texts(String what) {
        List<String> out = new ArrayList<>();
        for (Node n : list(what)) out.add(n.text(what));
        return out;
    }

    /** One of {@code choices}, case aside; returned lower-case. */
    String choice(String what, List<String> choices) {
        // YAML 1.1 reads a bare off/no as false: "mode: off" means the word
        String v = value instanceof Boolean b && !b && choices.contains("off") ? "off"
                : text(what).trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) throw error(what + " must be one of " + String.join(", ", choices) + " but is '" + value + "'");
        return v;
    }

    long positive(String what) {
        if (!(value instanceof Long n) || n < 1) throw error(what + " must be a positive whole number but is '" + value + "'");
        return n;
    }

    boolean bool(String what) {
        if (!(value instanceof Boolean b)) throw error(what + " must be true or false but is '" + value + "'");
        return b;
    }

    private String describe() {
        if (value instanceof Map<?, ?>) return "a map";
        if (value instanceof List<?>) return "a list";
        return "'" + value + "'";
    }
}
