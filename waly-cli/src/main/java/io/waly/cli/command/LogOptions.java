package io.waly.cli.command;

import io.waly.cli.CliException;
import io.waly.log.LogException;
import io.waly.log.LogProviders;
import io.waly.log.LogSource;
import io.waly.log.read.DirectoryLog;
import java.nio.file.Path;

/**
 * Checks shared by the commands that read a log: {@code --log} names a directory, or a log a provider serves
 * ({@code kafka://host:9092/topic?…}, FORMAT.md §11).
 */
final class LogOptions {
    private LogOptions() {}

    /** The label of every {@code --log} option. */
    static final String LABEL = "DIR|URL";
    static final String DESCRIPTION = "The log: a directory, or kafka://host:9092,…/topic?client.setting=… (URL-encoded values).";

    /** True when {@code --log} names a directory. */
    static boolean isDirectory(String log) {
        if (log == null) throw CliException.usage("--log DIR|URL is required");
        return LogProviders.isDirectory(log);
    }

    /** The directory {@code --log} names (it must be one). */
    static Path directory(String log) {
        return LogProviders.directory(log);
    }

    /** The log {@code --log} names, checked to be there: a directory with segments, or a provider's log (reached lazily). */
    static LogSource source(String log) {
        if (isDirectory(log)) return requireLog(directory(log));
        try {
            return LogProviders.provider(log).source(log);
        } catch (IllegalArgumentException | LogException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** What messages and JSON show for {@code --log}: a directory's absolute path, or the location with secrets masked. */
    static String describe(String log) {
        return isDirectory(log) ? directory(log).toAbsolutePath().toString() : LogProviders.mask(log);
    }

    /** The directory must exist and hold segments; otherwise a usage error (exit 2) that says what was found. */
    static DirectoryLog requireLog(Path dir) {
        if (dir == null) throw CliException.usage("--log DIR is required");
        String missing = DirectoryLog.missing(dir);
        if (missing != null) throw CliException.usage(missing);
        return new DirectoryLog(dir);
    }
}
