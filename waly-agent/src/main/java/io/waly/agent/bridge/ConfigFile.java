package io.waly.agent.bridge;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads a {@code walyConfig} file. A class of its own so that the readers it needs are loaded only when there is such a
 * file, not in every host JVM's start (see {@link AgentConfig}).
 */
final class ConfigFile {

    private ConfigFile() {}

    /** @throws IllegalArgumentException for a malformed Unicode escape */
    static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }
}
