package io.waly.jdbc;

import java.sql.SQLException;

/** An error of WAL-y's own: a message that says what to do, a {@link WalyState}, and the cause. */
public final class WalySQLException extends SQLException {
    public WalySQLException(String message, WalyState state, Throwable cause) {
        super(message, state.getState(), cause);
    }

    public WalySQLException(String message, WalyState state) {
        super(message, state.getState());
    }
}
