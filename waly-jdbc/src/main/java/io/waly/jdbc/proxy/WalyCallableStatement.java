package io.waly.jdbc.proxy;

import io.waly.jdbc.capture.PreparedCapture;

/**
 * A callable statement: {@code {call f(?)}} and {@code CALL p(…)} are writes unless provably read-only, logged with
 * their IN parameters like any prepared write; OUT parameters are pgjdbc's, untouched.
 */
public final class WalyCallableStatement extends DelegatingCallableStatement {
    WalyCallableStatement(WalyConnection connection, PreparedCapture hook) {
        super(connection, hook);
    }
}
