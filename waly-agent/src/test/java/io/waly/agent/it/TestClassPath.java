package io.waly.agent.it;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Jars (and the reactor's class directories) of this test's class path, by artifact, for child JVMs. */
final class TestClassPath {

    private TestClassPath() {}

    private static List<Path> entries() {
        String cp = System.getProperty("java.class.path");
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && surefire.length() > cp.length()) cp = surefire;
        List<Path> out = new ArrayList<>();
        for (String e : cp.split(Pattern.quote(File.pathSeparator))) if (!e.isBlank()) out.add(Path.of(e));
        return out;
    }

    /**
     * The entry of an artifact: a jar named {@code artifactId-<digit>…}, or a reactor module's {@code artifactId/target/classes}.
     */
    static Path of(String artifactId) {
        for (Path p : entries()) {
            String name = p.getFileName().toString();
            if (name.startsWith(artifactId + "-") && name.length() > artifactId.length() + 1
                    && Character.isDigit(name.charAt(artifactId.length() + 1)) && name.endsWith(".jar")) {
                return p;
            }
            if (name.equals("classes") && p.getParent() != null && p.getParent().getParent() != null
                    && p.getParent().getParent().getFileName().toString().equals(artifactId)) {
                return p;
            }
        }
        throw new IllegalStateException(artifactId + " is not on the test class path: " + entries());
    }

    static String join(Path... paths) {
        List<String> s = new ArrayList<>();
        for (Path p : paths) s.add(p.toString());
        return String.join(File.pathSeparator, s);
    }

    static Path pgjdbc() {
        return of("postgresql");
    }

    static Path agentJar() {
        String p = System.getProperty("waly.agent.jar");
        Path jar = p != null ? Path.of(p) : Path.of("target", "waly-agent.jar");
        if (!jar.toFile().isFile()) throw new IllegalStateException("no agent jar at " + jar.toAbsolutePath() + " (run mvn verify)");
        return jar.toAbsolutePath();
    }
}
