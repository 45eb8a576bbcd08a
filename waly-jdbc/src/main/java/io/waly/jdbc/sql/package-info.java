/**
 * SQL → what it is and what it does — driver-internal. {@link io.waly.jdbc.sql.SqlClassifier} decides read, write or
 * transaction control (conservatively; cached per text) and {@link io.waly.jdbc.sql.CommandParser} is the one entry
 * point that turns SQL into a {@code Command} (JSqlParser, and token grammars for DDL, SET, COPY and sequence
 * reads). The only place in WAL-y that reads SQL text.
 */
package io.waly.jdbc.sql;
