package io.waly.log.payload;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CBOR (RFC 8949) through Jackson's streaming API: the generator on the write path, and a small generic reader that
 * turns a payload into maps, lists and scalars, from which the payload types pick the fields they know. Unknown
 * fields are skipped, so that a newer writer's records still read here and an older record reads in a newer reader.
 */
public final class Cbor {
    private Cbor() {}

    private static final CBORFactory FACTORY = CBORFactory.builder().build();
    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    @FunctionalInterface
    public interface Body {
        void write(CBORGenerator g) throws IOException;
    }

    /**
     * One generator per thread, kept from record to record: encoding runs on the application's threads, and making a
     * generator (its context, its recycled buffers, a thread-local lookup) cost as much as encoding a small payload.
     * CBOR values follow each other at the root with nothing in between, so each record's bytes are what the stream
     * received since the last one.
     */
    private static final class Encoder {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        final CBORGenerator generator;

        Encoder() {
            try {
                generator = FACTORY.createGenerator(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final ThreadLocal<Encoder> ENCODERS = ThreadLocal.withInitial(Encoder::new);

    public static byte[] encode(Body body) {
        Encoder e = ENCODERS.get();
        try {
            body.write(e.generator);
            e.generator.flush();
        } catch (IOException x) {
            ENCODERS.remove();   // a value left half written: this generator is never used again
            throw new UncheckedIOException(x);
        } catch (RuntimeException | Error x) {
            ENCODERS.remove();
            throw x;
        }
        byte[] bytes = e.out.toByteArray();
        e.out.reset();
        if (bytes.length > 1 << 20) ENCODERS.remove();  // do not keep a huge statement's buffer alive
        return bytes;
    }

    /**
     * Writes {@code encoded}, one complete CBOR value encoded earlier by {@link #encode}, as the value of the field just
     * named in a map begun with {@code writeStartObject()} (indefinite length: no count of entries to keep): the bytes are
     * those writing the value itself would give, without the work. The generator is told a value was written, so that
     * the fields after it are accepted.
     */
    static void writeEncoded(CBORGenerator g, byte[] encoded) throws IOException {
        g.writeBytes(encoded, 0, encoded.length);
        ((com.fasterxml.jackson.dataformat.cbor.CBORWriteContext) g.getOutputContext()).writeValue();
    }

    /** Decodes a payload into maps (insertion-ordered), lists, String, Long/BigInteger, Double, BigDecimal, byte[], Boolean, null. */
    public static Object decode(byte[] payload) {
        if (payload.length == 0) return new LinkedHashMap<String, Object>();
        try (JsonParser p = FACTORY.createParser(payload)) {
            p.nextToken();
            return readAny(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("payload is not valid CBOR: " + e.getMessage(), e);
        }
    }

    /** A parser over a payload, for the readers that stream instead of decoding the whole tree. */
    static JsonParser parser(byte[] payload) throws IOException {
        return FACTORY.createParser(payload);
    }

    static Object readAny(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, readAny(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) l.add(readAny(p));
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case BIG_INTEGER -> p.getBigIntegerValue();
                    default -> p.getLongValue();
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL ? p.getDecimalValue() : p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            case VALUE_EMBEDDED_OBJECT -> {
                Object o = p.getEmbeddedObject();
                return o instanceof byte[] ? o : String.valueOf(o);
            }
            default -> throw new IOException("unexpected CBOR token " + t);
        }
    }

    /** Renders a payload as JSON text (bytes as base64 strings), for people and for {@code jq}. */
    public static void toJson(byte[] payload, Writer out, boolean pretty) {
        try (JsonParser p = FACTORY.createParser(payload); JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (pretty) g.useDefaultPrettyPrinter();
            if (p.nextToken() != null) g.copyCurrentStructure(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Text as CBOR can hold it: a Java string may carry a lone UTF-16 surrogate, which UTF-8 cannot encode. pgjdbc
     * sends such a string as Java's encoder makes it ('?' for the lone surrogate), so the log records exactly that.
     */
    public static String text(String s) {
        if (s == null) return null;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return s;
    }

    // ---- helpers for the payload readers ----

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static String str(Object o) {
        return o == null ? null : o.toString();
    }

    static long num(Object o, long dflt) {
        return o instanceof Number n ? n.longValue() : dflt;
    }

    static boolean bool(Object o) {
        return Boolean.TRUE.equals(o);
    }

    static void writeStrings(CBORGenerator g, String field, List<String> values) throws IOException {
        if (values == null) return;
        g.writeFieldName(field);
        g.writeStartArray(values, values.size());
        for (String s : values) g.writeString(s);
        g.writeEndArray();
    }

    static List<String> strings(Object o) {
        if (o == null) return null;
        List<String> out = new ArrayList<>();
        for (Object x : list(o)) out.add(str(x));
        return out;
    }

    static void writeOptString(CBORGenerator g, String field, String value) throws IOException {
        if (value != null) g.writeStringField(field, value);
    }
}
