package io.waly.log;

import java.util.Objects;

/**
 * A home for logs other than a directory, such as a Kafka topic: found by {@link LogProviders} through
 * {@link java.util.ServiceLoader}, by the scheme of a location ({@code kafka://broker:9092/topic?…}), so that the driver
 * and the command line reach a log's home without depending on its client library. A provider lives in a module of its
 * own, with its own jar ({@code META-INF/services/io.waly.log.LogProvider}).
 */
public interface LogProvider {

    /** The scheme of the locations this provider serves, lower case, without {@code ://}: {@code "kafka"}. */
    String scheme();

    /** The log at {@code location}, for readers. Opening it is lazy: nothing is contacted until a reader is opened. */
    LogSource source(String location);

    /**
     * This JVM's writer of the log at {@code location}, shared by every caller that names the same location and opened
     * by the first (whose options stand), like {@link io.waly.log.write.SharedLogs} for a directory. The writer's first
     * record is the first one appended (the driver's OPENED); it closes when the last handle closed and its idle time
     * passed.
     *
     * @throws LogException when the log cannot be reached or written
     */
    SinkHandle acquire(String location, SinkOptions options);

    /** The location as it may be shown to people: every secret in it replaced by {@code ********}. */
    default String describe(String location) {
        return LogProviders.mask(location);
    }

    /** A reference to a shared writer. Close it once; closing it again does nothing. */
    interface SinkHandle extends AutoCloseable {
        LogSink sink();

        /**
         * Runs {@code hook} right before the writer closes (idle, or at shutdown): the place to append a last record
         * such as CLOSED.
         */
        void beforeClose(Runnable hook);

        /** What the writer's opening found that its OPENED record should say (a directory's recovery); often nothing. */
        default java.util.Map<String, String> openingFacts() {
            return java.util.Map.of();
        }

        @Override
        void close();
    }

    /** How a writer is opened: its durability and how long it outlives its last handle. */
    record SinkOptions(Durability durability, long idleCloseMillis) {
        public SinkOptions {
            Objects.requireNonNull(durability, "durability");
            if (idleCloseMillis < 0) throw new IllegalArgumentException("idle close time must not be negative but was: " + idleCloseMillis);
        }
    }
}
