package io.waly.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM running a test application, its output captured in files. */
final class ChildJvm {

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Process process;
    private final Path out;
    private final Path err;

    private ChildJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static ChildJvm start(String java, Path workDir, List<String> jvmArgs, String classPath, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        if (classPath != null) cmd.addAll(List.of("-cp", classPath));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return start(workDir, cmd);
    }

    static ChildJvm start(Path workDir, List<String> cmd) {
        try {
            Path out = Files.createTempFile(workDir, "stdout", ".txt");
            Path err = Files.createTempFile(workDir, "stderr", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            pb.environment().keySet().removeIf(k -> k.startsWith("WALY_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
            return new ChildJvm(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result run(String java, Path workDir, List<String> jvmArgs, String classPath, String mainClass, String... args) {
        return start(java, workDir, jvmArgs, classPath, mainClass, args).await(120);
    }

    long pid() {
        return process.pid();
    }

    String stdout() {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until stdout holds {@code text}; fails if the process ends first or the time is up. */
    void awaitOutput(String text, int seconds) throws InterruptedException {
        awaitOutput(out -> out.contains(text), "'" + text + "'", seconds);
    }

    /** Waits until stdout is as {@code wanted} says ({@code what}); fails if the process ends first or the time is up. */
    void awaitOutput(java.util.function.Predicate<String> wanted, String what, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (wanted.test(stdout())) return;
            if (!process.isAlive()) throw new AssertionError("the application ended before printing " + what + ": " + await(1));
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new AssertionError("no " + what + " after " + seconds + " s: " + await(5));
    }

    Result await(int seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the application did not end in " + seconds + " s:\n" + new Result(-1, stdout(),
                        Files.readString(err, StandardCharsets.UTF_8)));
            }
            return new Result(process.exitValue(), stdout(), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
