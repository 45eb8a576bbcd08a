package io.waly.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.listener.logging.AbstractQueryLoggingListener;

/**
 * The two JDBC loggers WAL-y is compared with, each set up as its users typically run it: every statement written to
 * a file as a line of text, handed to the operating system as it is logged (one {@code write} per entry, no fsync),
 * which is what p6spy's {@code FileLogger} does and what a file appender with immediate flush (logback's default)
 * does for datasource-proxy's SLF4J listener. Neither makes anything durable: their fair WAL-y counterparts are
 * {@code waly-async} and {@code waly-none}; {@code waly-fsync} buys more than they offer.
 */
final class Loggers {
    private Loggers() {}

    private static final List<FileQueryLogger> DSPROXY_LOGGERS = new ArrayList<>();

    /**
     * p6spy reads its options once, at the first use of its driver, from {@code spy.properties} and then from
     * {@code p6spy.config.*} system properties; these say: file logger, single-line format, statements, batch
     * elements (each row of a JDBC batch, as WAL-y logs them; p6spy leaves them out by default), commits and
     * rollbacks; not result sets; no JMX.
     */
    static void configureP6spy(Path logFile) {
        System.setProperty("p6spy.config.appender", "com.p6spy.engine.spy.appender.FileLogger");
        System.setProperty("p6spy.config.logfile", logFile.toString());
        System.setProperty("p6spy.config.append", "true");
        System.setProperty("p6spy.config.logMessageFormat", "com.p6spy.engine.spy.appender.SingleLineFormat");
        System.setProperty("p6spy.config.excludecategories", "info,debug,result,resultset");
        System.setProperty("p6spy.config.jmx", "false");
        System.setProperty("p6spy.config.driverlist", "org.postgresql.Driver");
    }

    /** datasource-proxy's own entry format (the one its SLF4J and JUL listeners write), to a file. */
    static synchronized QueryExecutionListener datasourceProxyListener(Path file) {
        FileQueryLogger l = new FileQueryLogger(file);
        DSPROXY_LOGGERS.add(l);
        return l;
    }

    static synchronized void flushDatasourceProxy() {
        for (FileQueryLogger l : DSPROXY_LOGGERS) l.flush();
    }

    static synchronized void closeAll() {
        for (FileQueryLogger l : DSPROXY_LOGGERS) l.close();
        DSPROXY_LOGGERS.clear();
    }

    /** An SLF4J-free datasource-proxy listener: one line per query (with its parameters) written to a file. */
    static final class FileQueryLogger extends AbstractQueryLoggingListener {
        private final BufferedWriter out;

        FileQueryLogger(Path file) {
            try {
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            setWriteConnectionId(true);
            setLoggingCondition(() -> true);
        }

        @Override
        protected void writeLog(String message) {
            synchronized (out) {
                try {
                    out.write(message);
                    out.newLine();
                    out.flush();   // immediate flush, as a file appender does by default: one write(2) per entry
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        void flush() {
            synchronized (out) {
                try {
                    out.flush();
                } catch (IOException ignored) {
                    // closed
                }
            }
        }

        void close() {
            synchronized (out) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // nothing to keep
                }
            }
        }
    }
}
