package io.waly.agent.bridge;

import java.io.File;
import java.util.LinkedHashMap;
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
 *   <li>the default.</li>
 * </ol>
 * Keys are the driver's ({@link #DRIVER}) plus the agent's own {@value #CONFIG} and {@value #ON_ERROR}. Anything else
 * in the arguments or the file is an error, so a misspelt key is reported instead of silently ignored.
 *
 * <p>This runs in every host JVM's start, before its main class, where each class loaded and each new code path costs
 * (README "Overhead"); so it stands alone. The driver's settings and their checks are those of waly-jdbc's
 * {@code WalyProperty} and {@code WalyConfig.from} (same order, same messages), written out here: those classes are in
 * the agent's pack, and reading them would cost the pack's class loader at every start. AgentConfigTest holds the two
 * in step. The agent's connections are configured by {@code WalyConfig.from} itself, with the values resolved here.
 */
public final class AgentConfig {

    public static final String CONFIG = "walyConfig";
    public static final String ON_ERROR = "walyAgentOnError";
    private static final String LOG_DIR = "walyLogDir";
    private static final String LOG = "walyLog";
    /** waly-jdbc's settings, in {@code WalyProperty}'s order: the name, the default, then the values allowed if few. */
    static final String[][] DRIVER = {
            {LOG_DIR, "./waly-log"},
            {LOG, ""},
            {"walyDurability", "fsync", "fsync", "async", "none"},
            {"walyFlushMillis", "200"},
            {"walyOnLogFailure", "fail", "fail", "continue"},
            {"walyLogIdleMillis", "10000"},
            {"walySegmentBytes", "67108864"},
            {"walyCaptureEffects", "auto", "auto", "always", "never"},
            {"walyModel", ""},
            {"walyAppVersion", ""}};
    private static final String[] ON_ERROR_SETTING = {ON_ERROR, "start", "start", "fail"};   // as a DRIVER row

    // the four places a setting can come from, in order
    private final Map<String, String> args;
    private Map<String, String> file = Map.of();
    private final Properties system;
    private final Map<String, String> env;
    /** Every driver setting, resolved. */
    private final Properties driver = new Properties();

    private AgentConfig(Map<String, String> args, Properties system, Map<String, String> env) {
        this.args = args;
        this.system = system;
        this.env = env;
    }

    /** Every driver setting, resolved: what the agent's connections are configured with (read only). */
    public Properties driverProperties() {
        return driver;
    }

    public File logDir() {
        return new File(driver.getProperty(LOG_DIR));
    }

    /**
     * The directory the log is written to; null when {@code walyLog} names a log elsewhere ({@code kafka://…}). As
     * {@code WalyConfig.from}: a {@code walyLog} that is a path or {@code file://} is the directory.
     */
    private File logDirectory() {
        String log = driver.getProperty(LOG).trim();
        if (log.isEmpty()) return logDir();
        if (scheme(log) != null) return null;
        if (log.regionMatches(true, 0, "file://", 0, 7)) return new File(java.net.URI.create(log));
        return new File(log);
    }

    /**
     * The log must be one the agent can write, now rather than at the first connection, so that the application is told
     * at start: a writable directory (created if missing, as the first connection would), or a Kafka topic, which the
     * first connection reaches ({@code walyOnLogFailure} judges then, as for the driver).
     *
     * @throws IllegalArgumentException if it is not
     */
    public void checkLog() {
        File dir = logDirectory();
        if (dir != null) {
            checkWritable(dir);
            return;
        }
        String scheme = scheme(driver.getProperty(LOG).trim());
        if (!scheme.equals("kafka")) {
            throw new IllegalArgumentException("walyLog names a " + scheme + ":// log, which the agent cannot write (a directory or kafka://…)");
        }
    }

    /**
     * {@code LogProviders.scheme}, without its regular expression (this runs at start): the location's scheme, lower
     * case, or null for a directory (a path, or {@code file://}).
     */
    static String scheme(String location) {
        int end = location.indexOf("://");
        if (end <= 0) return null;
        for (int i = 0; i < end; i++) {
            char c = location.charAt(i);
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (!letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'))) return null;
        }
        String s = location.substring(0, end).toLowerCase(Locale.ROOT);
        return s.equals("file") ? null : s;
    }

    /**
     * Resolves and checks every setting.
     *
     * @throws IllegalArgumentException naming the bad setting and where it came from
     */
    public static AgentConfig resolve(String args, Properties system, Map<String, String> env) {
        AgentConfig c = new AgentConfig(parseArguments(args), system, env);
        String file = c.get(CONFIG);
        if (file != null) c.file = readFile(file);
        for (String[] setting : DRIVER) {
            String v = c.get(setting[0]);
            c.driver.setProperty(setting[0], v != null ? v : setting[1]);
        }
        c.check();
        c.failOnError();   // a bad walyAgentOnError is an error of its own
        return c;
    }

    /** {@code WalyConfig.from}'s checks, in its order. */
    private void check() {
        long flush = integer("walyFlushMillis");
        if (flush < 1) throw new IllegalArgumentException("walyFlushMillis must be at least 1 but was: " + flush);
        long segment = integer("walySegmentBytes");
        if (segment < 4096) throw new IllegalArgumentException("walySegmentBytes must be at least 4096 but was: " + segment);
        long idle = integer("walyLogIdleMillis");
        if (idle < 0) throw new IllegalArgumentException("walyLogIdleMillis must not be negative but was: " + idle);
        for (String[] setting : DRIVER) {
            if (setting.length > 2) choice(setting, driver.getProperty(setting[0]));
        }
    }

    /** {@code WalyProperty.getLong}. */
    private long integer(String key) {
        String v = driver.getProperty(key);
        try {
            return Long.parseLong(v.trim());
        } catch (IllegalArgumentException e) {   // NumberFormatException, not named: verifying would load it at every start
            throw new IllegalArgumentException(key + " must be an integer but was: " + v);
        }
    }

    /** {@code WalyProperty.get}: one of {@code setting[2..]}, case and blanks aside. */
    private static String choice(String[] setting, String v) {
        String lower = v.trim().toLowerCase(Locale.ROOT);
        for (int i = 2; i < setting.length; i++) {
            if (setting[i].equals(lower)) return lower;
        }
        StringBuilder allowed = new StringBuilder();
        for (int i = 2; i < setting.length; i++) allowed.append(i > 2 ? ", " : "").append(setting[i]);
        throw new IllegalArgumentException(setting[0] + " must be one of " + allowed + " but was: " + v);
    }

    /**
     * The failure policy, found without failing: a configuration too broken to resolve still says whether the
     * application may start.
     */
    public static boolean failOnError(String args, Properties system, Map<String, String> env) {
        AgentConfig c;
        try {
            c = new AgentConfig(parseArguments(args), system, env);
        } catch (IllegalArgumentException e) {
            c = new AgentConfig(lenientArguments(args), system, env);
        }
        try {
            String file = c.get(CONFIG);
            if (file != null) {
                String v = ConfigFile.read(file, file).getProperty(ON_ERROR);
                if (v != null) c.file = Map.of(ON_ERROR, v);
            }
        } catch (RuntimeException e) {
            // unreadable file: its policy is unknown, the others still count
        }
        try {
            return c.failOnError();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean failOnError() {
        String v = get(ON_ERROR);
        return v != null && choice(ON_ERROR_SETTING, v).equals("fail");
    }

    private String get(String key) {
        String v = args.get(key);
        if (v == null) v = file.get(key);
        if (v == null) v = system.getProperty(systemPropertyName(key));
        if (v == null) v = env.get(environmentName(key));
        return v;
    }

    /**
     * The log directory must be writable now, not at the first connection, so that the application is told at start.
     * It is created if missing, as the first connection would.
     *
     * @throws IllegalArgumentException if it is not
     */
    public static void checkWritable(File dir) {
        // java.io.File, not NIO: its few classes are already loaded at start; canWrite is access(2), which also knows
        // read-only mounts and ACLs
        File abs = dir.getAbsoluteFile();
        String problem;
        try {
            abs.mkdirs();
            problem = !abs.isDirectory() ? "it is not a directory and cannot be created"
                    : !abs.canWrite() ? "permission denied" : null;
        } catch (RuntimeException e) {   // a SecurityException, say (not named: verifying would load it at every start)
            problem = e.toString();
        }
        if (problem != null) throw new IllegalArgumentException("walyLogDir " + abs + " is not a writable directory (" + problem + ")");
    }

    /** {@code key=value,key=value}; blanks around keys and values are ignored. */
    static Map<String, String> parseArguments(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) return out;
        for (String item : args.split(",")) {
            if (item.isBlank()) continue;
            int eq = item.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("agent option '" + item.trim() + "' is not key=value (options: "
                    + knownKeys() + ")");
            String key = item.substring(0, eq).trim();
            checkKey(key, "agent option");
            if (out.put(key, item.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("agent option " + key + " is given twice");
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

    private static Map<String, String> readFile(String file) {
        String absolute = new File(file).getAbsolutePath();
        Properties p = ConfigFile.read(file, absolute);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            checkKey(k, "setting in " + absolute + ":");
            if (k.equals(CONFIG)) throw new IllegalArgumentException(CONFIG + " cannot name another file (in " + absolute + ")");
            out.put(k, p.getProperty(k).trim());
        }
        return out;
    }

    private static void checkKey(String key, String what) {
        if (key.equals(CONFIG) || key.equals(ON_ERROR)) return;
        for (String[] setting : DRIVER) {
            if (setting[0].equals(key)) return;
        }
        throw new IllegalArgumentException("unknown " + what + " " + key + " (options: " + knownKeys() + ")");
    }

    static String knownKeys() {
        StringBuilder keys = new StringBuilder();
        for (String[] setting : DRIVER) keys.append(setting[0]).append(", ");
        return keys.append(CONFIG).append(", ").append(ON_ERROR).toString();
    }

    /** {@code walyAgentOnError} → {@code waly.agentOnError}, as {@code WalyProperty.systemPropertyName()}. */
    static String systemPropertyName(String key) {
        return "waly." + Character.toLowerCase(key.charAt(4)) + key.substring(5);
    }

    /**
     * {@code walyAgentOnError} → {@code WALY_AGENT_ON_ERROR}, as {@code WalyProperty.environmentName()}'s regular
     * expression {@code ([a-z])([A-Z])} does for these ASCII keys; char arithmetic, as this runs at every JVM start.
     */
    static String environmentName(String key) {
        StringBuilder b = new StringBuilder(key.length() + 4);
        char previous = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean upper = c >= 'A' && c <= 'Z';
            if (upper && previous >= 'a' && previous <= 'z') b.append('_');
            b.append(c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c);
            previous = c;
        }
        return b.toString();
    }
}
