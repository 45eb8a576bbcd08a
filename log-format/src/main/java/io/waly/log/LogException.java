package io.waly.log;

/** Something went wrong with the log itself: I/O, a lock, a configuration. */
public class LogException extends RuntimeException {
    public LogException(String message) {
        super(message);
    }

    public LogException(String message, Throwable cause) {
        super(message, cause);
    }
}
