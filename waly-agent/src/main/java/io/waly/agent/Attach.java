package io.waly.agent;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * {@code waly attach --pid PID [--agent-jar PATH] [key=value ...]}: loads the agent into a running JVM through the
 * JDK Attach API (module {@code jdk.attach}). Options are the agent's ({@code walyLogDir=/x walyDurability=async}, or
 * one {@code key=value,key=value} string). Also {@code java -jar waly-agent.jar --pid PID ...}.
 *
 * <p>For the CLI: {@link #run(String[], PrintStream, PrintStream)} returns the exit code; {@link #attach} throws.
 */
public final class Attach {

    /** System property naming the agent jar, for callers whose class path holds this class outside the agent jar. */
    public static final String AGENT_JAR_PROPERTY = "waly.agentJar";

    private Attach() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return 0 attached, 1 the attach failed, 2 bad usage */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String pid = null;
        Path jar = null;
        List<String> options = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--pid") || a.equals("--agent-jar")) && i + 1 >= args.length) return usage(err, a + " needs a value");
            if (a.equals("--pid")) pid = args[++i];
            else if (a.startsWith("--pid=")) pid = a.substring(6);
            else if (a.equals("--agent-jar")) jar = Path.of(args[++i]);
            else if (a.startsWith("--agent-jar=")) jar = Path.of(a.substring(12));
            else if (a.equals("-h") || a.equals("--help")) {
                usage(out, null);
                return 0;
            }
            else if (a.startsWith("-")) return usage(err, "unknown option " + a);
            else options.add(a);
        }
        if (pid == null) return usage(err, "--pid is required");
        if (!pid.chars().allMatch(Character::isDigit)) return usage(err, "--pid must be a process id but was: " + pid);
        try {
            if (jar == null) jar = agentJar();
            attach(pid, String.join(",", options), jar);
            out.println("WAL-y attached to process " + pid);
            return 0;
        } catch (AgentInitializationException e) {
            err.println("waly attach: the agent did not start in process " + pid + "; its standard error says why");
            return 1;
        } catch (AgentLoadException | AttachNotSupportedException | IOException | IllegalStateException e) {
            err.println("waly attach: cannot attach to process " + pid + ": " + e.getMessage());
            return 1;
        }
    }

    /** Loads the agent jar into process {@code pid} with the agent argument string {@code options}. */
    public static void attach(String pid, String options, Path agentJar)
            throws AttachNotSupportedException, IOException, AgentLoadException, AgentInitializationException {
        if (!Files.isRegularFile(agentJar)) throw new IOException("no agent jar at " + agentJar);
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            vm.loadAgent(agentJar.toAbsolutePath().toString(), options == null || options.isEmpty() ? null : options);
        } finally {
            vm.detach();
        }
    }

    /** The agent jar: {@value #AGENT_JAR_PROPERTY}, else the jar this class was loaded from if it is the agent. */
    public static Path agentJar() {
        String p = System.getProperty(AGENT_JAR_PROPERTY);
        if (p != null) return Path.of(p);
        try {
            CodeSource cs = Attach.class.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                File f = new File(cs.getLocation().toURI());
                if (f.isFile()) {
                    try (JarFile jar = new JarFile(f)) {
                        if (jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue("Agent-Class") != null) {
                            return f.toPath();
                        }
                    }
                }
            }
        } catch (URISyntaxException | IOException | SecurityException e) {
            // fall through
        }
        throw new IllegalStateException("cannot find waly-agent.jar: give --agent-jar or -D" + AGENT_JAR_PROPERTY);
    }

    private static int usage(PrintStream to, String problem) {
        if (problem != null) to.println("waly attach: " + problem);
        to.println("usage: waly attach --pid PID [--agent-jar PATH] [key=value ...]");
        to.println("  loads WAL-y's agent into the running JVM PID; keys as for -javaagent (walyLogDir, walyDurability, ...)");
        return 2;
    }
}
