package io.waly.compat.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM on this test's class path, killed with SIGKILL ({@link Process#destroyForcibly}) or halting itself. */
final class Child implements AutoCloseable {
    final Process process;
    private final Path stderr;

    Child(Path stderr, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");   // starts faster; the child's speed is not what is measured
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        this.stderr = stderr;
        this.process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    }

    /** Waits for the child's first line on stdout (it says "ready" when its work has started). */
    String awaitLine(long timeoutMillis) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (r.ready()) return r.readLine();
            if (!process.isAlive()) return r.readLine();
            Thread.sleep(5);
        }
        return null;
    }

    /** SIGKILL, and waits until the process is gone. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** The exit status, or -1 after killing a child that did not exit within the time. */
    int waitFor(long timeoutMillis) throws InterruptedException {
        if (process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) return process.exitValue();
        kill();
        return -1;
    }

    String stderr() {
        try {
            return java.nio.file.Files.readString(stderr);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
