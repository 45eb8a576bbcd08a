package io.waly.jdbc.config;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogProviders;
import io.waly.log.storage.FileLogStorage;
import io.waly.log.storage.LogStorage;
import io.waly.model.Model;
import java.nio.file.Path;
import java.util.Properties;

/** The settings of one connection, resolved and checked once when it opens. */
public record WalyConfig(Path logDir, Durability durability, long flushMillis, long segmentBytes, OnLogFailure onLogFailure,
                         CaptureEffects captureEffects, long logIdleMillis, LogStorage storage, String log, Model model,
                         String appVersion) {

    /** @throws IllegalArgumentException naming the bad setting */
    public static WalyConfig from(Properties props) {
        long flush = WalyProperty.FLUSH_MILLIS.getLong(props);
        if (flush < 1) throw new IllegalArgumentException("walyFlushMillis must be at least 1 but was: " + flush);
        long seg = WalyProperty.SEGMENT_BYTES.getLong(props);
        if (seg < 4096) throw new IllegalArgumentException("walySegmentBytes must be at least 4096 but was: " + seg);
        long idle = WalyProperty.LOG_IDLE_MILLIS.getLong(props);
        if (idle < 0) throw new IllegalArgumentException("walyLogIdleMillis must not be negative but was: " + idle);
        String log = WalyProperty.LOG.get(props).trim();
        Path dir = Path.of(WalyProperty.LOG_DIR.get(props));
        if (log.isEmpty()) {
            log = null;
        } else if (LogProviders.isDirectory(log)) {
            dir = LogProviders.directory(log);   // walyLog naming a directory is walyLogDir
            log = null;
        }
        return new WalyConfig(dir, WalyProperty.DURABILITY.getEnum(props, Durability.class), flush, seg,
                WalyProperty.ON_LOG_FAILURE.getEnum(props, OnLogFailure.class), WalyProperty.CAPTURE_EFFECTS.getEnum(props, CaptureEffects.class),
                idle, FileLogStorage.INSTANCE, log, model(props), blankToNull(WalyProperty.APP_VERSION.get(props)));
    }

    /** The model walyModel names, loaded and checked (once per file content, for the JVM); null when none is named. */
    private static Model model(Properties props) {
        String path = WalyProperty.MODEL.get(props).trim();
        return path.isEmpty() ? null : Model.load(Path.of(path));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** {@code walyOnLogFailure=fail}: a write the log cannot take is refused. */
    public boolean failOnLogFailure() {
        return onLogFailure == OnLogFailure.FAIL;
    }

    /**
     * The log's location when a provider serves it ({@code kafka://…}, holding secrets: never shown), or null when the
     * log is the directory {@link #logDir()}.
     */
    @Override
    public String log() {
        return log;
    }

    /** Where the log is, as messages may show it: the directory, or the location with its secrets masked. */
    public String describeLog() {
        return log != null ? LogProviders.mask(log) : logDir.toAbsolutePath().toString();
    }

    /** A record's string would show the location's secrets. */
    @Override
    public String toString() {
        return "WalyConfig[log=" + describeLog() + ", durability=" + durability + "]";
    }

    /** The same settings over another storage: the seam tests use to inject disk faults. Driver-internal. */
    public WalyConfig withStorage(LogStorage s) {
        return new WalyConfig(logDir, durability, flushMillis, segmentBytes, onLogFailure, captureEffects, logIdleMillis, s, log,
                model, appVersion);
    }

    public LogConfig logConfig() {
        return LogConfig.at(logDir).withDurability(durability).withFlushMillis(flushMillis).withSegmentBytes(segmentBytes)
                .withStorage(storage).withIdleCloseMillis(logIdleMillis);
    }

    /** Splits properties into WAL-y's (returned) and pgjdbc's (left in {@code props}). */
    public static Properties strip(Properties props) {
        Properties waly = new Properties();
        for (String k : props.stringPropertyNames()) {
            if (WalyProperty.isWalyKey(k)) {
                waly.setProperty(k, props.getProperty(k));
                props.remove(k);
            }
        }
        return waly;
    }
}
