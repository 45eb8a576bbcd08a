package io.waly.jdbc.sql;

import io.waly.command.Command;

/**
 * What the driver needs to know about one SQL string, computed once and cached: its kind, for savepoint statements
 * the savepoint's name, for writes the parsed command (with the statement's own literals in it), and whether it
 * opens with a WITH clause — whose sub-statements may write other tables than the command's, so that the rows the
 * main statement wrote never stand for all it did.
 */
public record SqlInfo(SqlKind kind, String savepointName, Command command, boolean multiStatement, boolean volatileCall,
                      boolean withClause) {

    public boolean isRead() {
        return kind == SqlKind.READ || kind == SqlKind.EMPTY;
    }
}
