package io.waly.log.replay;

import io.waly.log.payload.Payloads;

/**
 * The part of the log a target takes: a mirror or a read model that should receive only some tables or some kinds of
 * command. {@link Replayer} hands a target each committed transaction with only the statements its route takes
 * (savepoints and sequence states stay); the cursor moves past the whole transaction all the same, so following the
 * log with a route skips nothing on the way. The model file declares routes (waly-model); {@link #ALL} takes
 * everything.
 */
public interface Route {

    /** Every statement: replay without a route. */
    Route ALL = new Route() {
        @Override
        public boolean takes(Payloads.Statement statement) {
            return true;
        }

        @Override
        public String toString() {
            return "everything";
        }
    };

    /** True when the target receives this statement. */
    boolean takes(Payloads.Statement statement);
}
