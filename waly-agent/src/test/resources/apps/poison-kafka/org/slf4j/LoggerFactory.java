package org.slf4j;

/** The application's own "SLF4J": the Kafka client in WAL-y must never log through it (its copy is relocated, silent). */
public class LoggerFactory {
    static {
        if (true) throw new IllegalStateException("the application's LoggerFactory was loaded by someone else");
    }
}
