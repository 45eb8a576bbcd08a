package io.waly.agent.tooling;

import io.waly.jdbc.config.WalyProperty;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's settings, resolved once at start. Each setting is looked up in this order, the first found wins:
 * <ol>
 *   <li>the agent argument string, {@code -javaagent:waly-agent.jar=walyLogDir=/x,walyDurability=async};</li>
 *   <li>the properties file named by {@code walyConfig} (itself taken from the arguments, {@code -Dwaly.config} or
 *       {@code WALY_CONFIG});</li>
 *   <li>the system property ({@code -Dwaly.logDir});</li>
 *   <li>the environment ({@code WALY_LOG_DIR});</li>
 *   <li>the default of {@link WalyProperty}.</li>
 * </ol>
 * Keys are the driver's ({@link WalyProperty}) plus the agent's own {@value #CONFIG} and {@value #ON_ERROR}. Anything
 * else in the arguments or the file is an error, so a misspelt key is reported instead of silently ignored.
 *
 * <p>This runs in every host JVM's start, where each class loaded costs a fraction of a millisecond: it loads
 * {@link WalyProperty} and the exception, nothing else of WAL-y's ({@link ConfigFile} only for a {@value #CONFIG}).
 */
public final class AgentConfig {

    public static final String CONFIG = "walyConfig";
    public static final String ON_ERROR = "walyAgentOnError";
    private static final List<String> ON_ERROR_CHOICES = List.of("start", "fail");

    // the four places a setting can come from, in order
    private final Map<String, String> args;
    private Map<String, String> file = Map.of();
    private final Properties system;
    private final Map<String, String> env;
    /** Every {@link WalyProperty}, resolved. */
    private final Properties driver = new Properties();

    private AgentConfig(Map<String, String> args, Properties system, Map<String, String> env) {
        this.args = args;
        this.system = system;
        this.env = env;
    }

    /** Every {@link WalyProperty}, resolved: what the agent's connections are configured with (read only). */
    public Properties driverProperties() {
        return driver;
    }

    public File logDir() {
        return new File(driver.getProperty(WalyProperty.LOG_DIR.getName()));
    }

    /**
     * Resolves and checks every setting.
     *
     * @throws AgentConfigException naming the bad setting and where it came from
     */
    public static AgentConfig resolve(String args, Properties system, Map<String, String> env) {
        AgentConfig c = new AgentConfig(parseArguments(args), system, env);
        String file = c.get(CONFIG);
        if (file != null) c.file = readFile(Path.of(file));
        for (WalyProperty p : WalyProperty.values()) {
            String v = c.get(p.getName());
            c.driver.setProperty(p.getName(), v != null ? v : p.getDefaultValue());
        }
        check(c.driver);
        c.failOnError();   // a bad walyAgentOnError is an error of its own
        return c;
    }

    /**
     * The checks of waly-jdbc's {@code WalyConfig.from}, in its order and with its messages (AgentConfigTest keeps the
     * two in step), made without loading {@code WalyConfig}: that loads the log's storage classes too, a millisecond
     * of every host JVM's start. The agent's connections are configured by {@code WalyConfig.from} itself.
     */
    private static void check(Properties driver) {
        try {
            long flush = WalyProperty.FLUSH_MILLIS.getLong(driver);
            if (flush < 1) throw new AgentConfigException("walyFlushMillis must be at least 1 but was: " + flush);
            long segment = WalyProperty.SEGMENT_BYTES.getLong(driver);
            if (segment < 4096) throw new AgentConfigException("walySegmentBytes must be at least 4096 but was: " + segment);
            for (WalyProperty p : WalyProperty.values()) p.get(driver);   // the choices
        } catch (IllegalArgumentException e) {
            throw new AgentConfigException(e.getMessage());
        }
    }

    /**
     * The failure policy, found without failing: a configuration too broken to resolve still says whether the
     * application may start.
     */
    public static boolean failOnError(String args, Properties system, Map<String, String> env) {
        AgentConfig c;
        try {
            c = new AgentConfig(parseArguments(args), system, env);
        } catch (AgentConfigException e) {
            c = new AgentConfig(lenientArguments(args), system, env);
        }
        try {
            String file = c.get(CONFIG);
            if (file != null) {
                String v = ConfigFile.read(Path.of(file)).getProperty(ON_ERROR);
                if (v != null) c.file = Map.of(ON_ERROR, v);
            }
        } catch (IOException | RuntimeException e) {
            // unreadable file: its policy is unknown, the others still count
        }
        try {
            return c.failOnError();
        } catch (AgentConfigException e) {
            return false;
        }
    }

    private boolean failOnError() {
        String v = get(ON_ERROR);
        if (v == null) return false;
        String lower = v.trim().toLowerCase(Locale.ROOT);
        if (!ON_ERROR_CHOICES.contains(lower)) {
            throw new AgentConfigException(ON_ERROR + " must be one of start, fail but was: " + v);
        }
        return lower.equals("fail");
    }

    private String get(String key) {
        String v = args.get(key);
        if (v == null) v = file.get(key);
        if (v == null) v = system.getProperty(systemPropertyName(key));
        if (v == null) v = env.get(environmentName(key));
        return v;
    }

    /** {@code key=value,key=value}; blanks around keys and values are ignored. */
    static Map<String, String> parseArguments(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) return out;
        for (String item : args.split(",")) {
            if (item.isBlank()) continue;
            int eq = item.indexOf('=');
            if (eq <= 0) throw new AgentConfigException("agent option '" + item.trim() + "' is not key=value (options: "
                    + knownKeys() + ")");
            String key = item.substring(0, eq).trim();
            checkKey(key, "agent option");
            if (out.put(key, item.substring(eq + 1).trim()) != null) {
                throw new AgentConfigException("agent option " + key + " is given twice");
            }
        }
        return out;
    }

    private static Map<String, String> lenientArguments(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null) return out;
        for (String item : args.split(",")) {
            int eq = item.indexOf('=');
            if (eq > 0) out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }

    private static Map<String, String> readFile(Path file) {
        Properties p;
        try {
            p = ConfigFile.read(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new AgentConfigException(CONFIG + " " + file.toAbsolutePath() + " cannot be read: " + e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            checkKey(k, "setting in " + file.toAbsolutePath() + ":");
            if (k.equals(CONFIG)) throw new AgentConfigException(CONFIG + " cannot name another file (in " + file.toAbsolutePath() + ")");
            out.put(k, p.getProperty(k).trim());
        }
        return out;
    }

    private static void checkKey(String key, String what) {
        if (!key.equals(CONFIG) && !key.equals(ON_ERROR) && WalyProperty.forName(key) == null) {
            throw new AgentConfigException("unknown " + what + " " + key + " (options: " + knownKeys() + ")");
        }
    }

    static String knownKeys() {
        List<String> keys = new ArrayList<>();
        for (WalyProperty p : WalyProperty.values()) keys.add(p.getName());
        keys.add(CONFIG);
        keys.add(ON_ERROR);
        return String.join(", ", keys);
    }

    /** {@code walyAgentOnError} → {@code waly.agentOnError}, as {@link WalyProperty#systemPropertyName()}. */
    static String systemPropertyName(String key) {
        return "waly." + Character.toLowerCase(key.charAt(4)) + key.substring(5);
    }

    /** {@code walyAgentOnError} → {@code WALY_AGENT_ON_ERROR}, as {@link WalyProperty#environmentName()}. */
    static String environmentName(String key) {
        StringBuilder b = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (i > 0 && Character.isUpperCase(c) && Character.isLowerCase(key.charAt(i - 1))) b.append('_');
            b.append(Character.toUpperCase(c));
        }
        return b.toString();   // no regex: this runs at every JVM start
    }
}
