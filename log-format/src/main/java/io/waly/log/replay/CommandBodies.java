package io.waly.log.replay;

import io.waly.log.payload.Payloads;
import io.waly.log.tx.Transaction;
import java.util.List;
import java.util.Map;

/**
 * The bodies of their own that application commands (FORMAT.md §3.5 AppCommand) have for a backend other than
 * PostgreSQL, as the model file declares them (waly-model): a target runs a command's own body instead of translating
 * the statements the command ran at capture. An interface here, as {@link Route} is, so that a target needs no
 * dependency on the model.
 */
public interface CommandBodies {

    /** No command has a body of its own: every statement is translated. */
    CommandBodies NONE = (command, tx) -> null;

    /**
     * The MongoDB operations of {@code command}'s own body, its arguments in place, for the schema version that counts
     * for {@code tx} (the one it was written under, or the target's); null when the command has none there (its
     * statements are then translated).
     */
    List<DocumentOp> mongo(Payloads.AppCommand command, Transaction tx);

    /**
     * One operation on a collection. The documents are trees of {@code Map<String, Object>} (in order),
     * {@code List<Object>} and {@link io.waly.command.Value}.
     *
     * @param document the document inserted ({@code INSERT_ONE}), the update ({@code UPDATE_*}: operators such as
     *                 {@code $set}), null for deletes
     * @param filter   the documents it applies to (empty: every one); null for {@code INSERT_ONE}
     * @param where    the command and the place in the model file, for messages ({@code CREATE_ACCOUNT, line 12})
     */
    record DocumentOp(Kind kind, String collection, Map<String, Object> filter, Map<String, Object> document, String where) {
        public enum Kind { INSERT_ONE, UPDATE_ONE, UPDATE_MANY, DELETE_ONE, DELETE_MANY }
    }
}
