package io.waly.jdbc.config;

import io.waly.log.Durability;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every WAL-y setting, once: its connection-property name, default, description and allowed values. The same setting
 * can come from the connection (URL query or {@code Properties}), a system property ({@code -Dwaly.logDir}) or the
 * environment ({@code WALY_LOG_DIR}); the connection beats the JVM, which beats the environment. All are stripped
 * before pgjdbc sees the properties. A setting with a few allowed values has an enum ({@link Durability},
 * {@link OnLogFailure}, {@link CaptureEffects}) whose constants, lower-cased, are its choices; code reads it as that
 * enum ({@link #getEnum}), never as text.
 */
public enum WalyProperty {
    LOG_DIR("walyLogDir", "./waly-log", "Directory of the log; one writer process per directory."),
    LOG("walyLog", "", "Where the log lives, when not in walyLogDir: kafka://host1:9092,host2:9092/topic?client.setting=… "
            + "(a Kafka topic that many application instances append to; needs waly-log-kafka's jar beside the driver; the agent bundles it), or a directory. "
            + "Empty: walyLogDir."),
    DURABILITY("walyDurability", "fsync", "When a commit's records are on disk: fsync (before COMMIT is sent), async "
            + "(forced every walyFlushMillis), none (handed to the OS only).", Durability.class),
    FLUSH_MILLIS("walyFlushMillis", "200", "In async durability, the longest time between forces of the log."),
    ON_LOG_FAILURE("walyOnLogFailure", "fail", "When the log cannot be written: fail (refuse the write with SQLState "
            + "58030 before it reaches the database) or continue (run it unlogged; the log has a gap).", OnLogFailure.class),
    LOG_IDLE_MILLIS("walyLogIdleMillis", "10000", "How long the log stays open after the last connection using it closed, "
            + "so that connections opened and closed one after the other share one writer; 0 closes it with the last connection."),
    SEGMENT_BYTES("walySegmentBytes", String.valueOf(64L * 1024 * 1024), "Size at which the log rolls to a new segment file."),
    CAPTURE_EFFECTS("walyCaptureEffects", "auto", "Record the rows a write produced (RETURNING images) so replay is exact: "
            + "auto (when re-execution could differ: volatile functions, serial/identity/volatile defaults), always, never.",
            CaptureEffects.class),
    MODEL("walyModel", "", "The model file (YAML): mutation policies (rules that refuse, warn about or limit writes; "
            + "tables not logged; columns logged as hashes). Empty: none. A model that does not load refuses the connection, "
            + "naming the file's line."),
    APP_VERSION("walyAppVersion", "", "The application's version: recorded in every transaction's BEGIN, matched by the model's rules and versions (appVersions). Empty: none.");

    private static final Map<String, WalyProperty> BY_NAME;
    static {
        Map<String, WalyProperty> m = new HashMap<>();
        for (WalyProperty p : values()) {
            if (m.put(p.name, p) != null) throw new IllegalStateException("duplicate property " + p.name);
        }
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private final String name;
    private final String defaultValue;
    private final String description;
    private final Class<? extends Enum<?>> type;   // null: any text
    private final String[] choices;

    WalyProperty(String name, String defaultValue, String description) {
        this(name, defaultValue, description, null);
    }

    WalyProperty(String name, String defaultValue, String description, Class<? extends Enum<?>> type) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = description;
        this.type = type;
        this.choices = type == null ? new String[0]
                : Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    public String getName() {
        return name;
    }

    public String getDefaultValue() {
        return defaultValue;
    }

    public String getDescription() {
        return description;
    }

    public String[] getChoices() {
        return choices.clone();
    }

    /** {@code walyLogDir} → {@code waly.logDir}. */
    public String systemPropertyName() {
        return "waly." + Character.toLowerCase(name.charAt(4)) + name.substring(5);
    }

    /** {@code walyLogDir} → {@code WALY_LOG_DIR}. */
    public String environmentName() {
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    public static WalyProperty forName(String name) {
        return BY_NAME.get(name);
    }

    /** True for keys WAL-y owns (and strips before pgjdbc sees them). */
    public static boolean isWalyKey(String key) {
        return key.startsWith("waly") && key.length() > 4 && Character.isUpperCase(key.charAt(4));
    }

    /** The effective value: connection property, then system property, then environment, then default. */
    public String get(Properties connectionProps) {
        String v = connectionProps == null ? null : connectionProps.getProperty(name);
        if (v == null) v = System.getProperty(systemPropertyName());
        if (v == null) v = System.getenv(environmentName());
        if (v == null) v = defaultValue;
        if (choices.length > 0) {
            String lower = v.trim().toLowerCase(Locale.ROOT);
            for (String c : choices) if (c.equals(lower)) return c;
            throw new IllegalArgumentException(name + " must be one of " + String.join(", ", choices) + " but was: " + v);
        }
        return v;
    }

    /** The effective value of a setting with choices, as its enum ({@code walyDurability=async} is {@code Durability.ASYNC}). */
    public <E extends Enum<E>> E getEnum(Properties connectionProps, Class<E> type) {
        if (type != this.type) throw new IllegalArgumentException(name + " is not a " + type.getSimpleName());
        return Enum.valueOf(type, get(connectionProps).toUpperCase(Locale.ROOT));
    }

    public long getLong(Properties connectionProps) {
        String v = get(connectionProps);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer but was: " + v);
        }
    }
}
