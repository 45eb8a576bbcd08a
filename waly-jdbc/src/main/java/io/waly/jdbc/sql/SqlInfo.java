package io.waly.jdbc.sql;

import io.waly.command.Command;

/**
 * What the driver needs to know about one SQL string, computed once and cached: its kind, for savepoint statements
 * the savepoint's name, and for writes the parsed command (with the statement's own literals in it).
 */
public record SqlInfo(SqlKind kind, String savepointName, Command command, boolean multiStatement, boolean volatileCall) {

    public boolean isRead() {
        return kind == SqlKind.READ || kind == SqlKind.EMPTY;
    }
}
