package io.waly.cli;

/**
 * The exit codes of every {@code waly} command. Scripts depend on them: they never change meaning.
 */
public final class ExitCode {
    private ExitCode() {}

    /** The command did what it was asked: the log verified, the replay finished, the tables matched. */
    public static final int OK = 0;
    /**
     * A check failed: {@code verify} found a damaged log, {@code check} found a table that differs, {@code replay}
     * stopped on a statement that failed on the target (or on a transaction it may not decide).
     */
    public static final int CHECK_FAILED = 1;
    /** Usage or environment error: a bad option, a missing log, a database that cannot be reached or may not be written. */
    public static final int USAGE = 2;

    /** The lines {@code --help} prints under "Exit codes". */
    public static final String[] HELP = {
        "0:ok",
        "1:a check failed: the log is damaged (verify), a table differs (check), replay stopped on a failing statement",
        "2:usage or environment error: bad option, no log, database unreachable, target refused",
    };
}
