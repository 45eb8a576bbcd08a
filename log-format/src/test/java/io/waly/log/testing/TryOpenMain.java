package io.waly.log.testing;

import io.waly.log.LogConfig;
import io.waly.log.LogException;
import io.waly.log.write.LogWriter;
import java.nio.file.Path;

/** Child process: tries to open the log directory in args[0] for writing. Exit 0 opened, 3 refused (message on stdout). */
public final class TryOpenMain {
    public static void main(String[] args) {
        try (LogWriter w = LogWriter.open(LogConfig.at(Path.of(args[0])))) {
            System.exit(0);
        } catch (LogException e) {
            System.out.print(e.getMessage());
            System.exit(3);
        }
    }
}
