package io.waly.agent.bridge;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads a {@code walyConfig} file. A class of its own so that the classes it needs are loaded only when there is such
 * a file, not in every host JVM's start (see {@link AgentConfig}).
 */
final class ConfigFile {

    private ConfigFile() {}

    /**
     * @param shown the file's name in the message
     * @throws IllegalArgumentException if it cannot be read, or has a malformed Unicode escape
     */
    static Properties read(String file, String shown) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(AgentConfig.CONFIG + " " + shown + " cannot be read: " + e);
        }
        return p;
    }
}
