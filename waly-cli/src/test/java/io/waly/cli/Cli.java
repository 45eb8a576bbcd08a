package io.waly.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code waly} in-process, as the shell would, and keeps what it printed on stdout and stderr. */
public final class Cli {

    public record Run(int exitCode, String out, String err, CommandLine commandLine) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {}

    public static Run run(String... args) {
        return run(new CommandLine(new Main()), args);
    }

    public static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString(), cl);
    }
}
