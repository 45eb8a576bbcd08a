package io.waly.agent.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds the test applications: compiles the sources under {@code src/test/resources/apps/<name>} (and the shared
 * workload in {@code apps/shared}) with javac and packs
 * the classes into a jar. Only sources are checked in; the jars are made fresh by each run.
 */
final class TestApps {

    private TestApps() {}

    /** @param classPath what the sources compile against (pgjdbc, a pool, …) */
    static Path build(String name, Path workDir, String classPath) {
        try {
            Path classes = Files.createDirectories(workDir.resolve(name + "-classes"));
            List<String> files = new ArrayList<>();
            for (String dir : List.of(name, "shared")) {
                Path src = Path.of(TestApps.class.getResource("/apps/" + dir).toURI());
                try (Stream<Path> s = Files.walk(src)) {
                    s.filter(p -> p.toString().endsWith(".java")).forEach(p -> files.add(p.toString()));
                }
            }
            List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-Xlint:none", "-d", classes.toString()));
            if (classPath != null && !classPath.isEmpty()) args.addAll(List.of("-classpath", classPath));
            args.addAll(files);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            StringWriter diagnostics = new StringWriter();
            java.io.PrintWriter w = new java.io.PrintWriter(diagnostics);
            int rc = javac.run(null, OutputStream.nullOutputStream(), new WriterOutputStream(w), args.toArray(new String[0]));
            w.flush();
            if (rc != 0) throw new IllegalStateException("cannot compile test application " + name + ":\n" + diagnostics);
            Path jar = workDir.resolve(name + ".jar");
            jar(classes, jar);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m); Stream<Path> s = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }

    private static final class WriterOutputStream extends OutputStream {
        private final java.io.Writer w;

        WriterOutputStream(java.io.Writer w) {
            this.w = w;
        }

        @Override
        public void write(int b) throws IOException {
            w.write(b);
        }
    }
}
