/**
 * Replay into PostgreSQL: {@link io.waly.jdbc.replay.PostgresTarget}, the {@code ReplayTarget} that the one replay
 * ({@code io.waly.log.replay.Replayer}) drives, and {@link io.waly.jdbc.replay.TableChecksums} for proving a replica
 * equal, are public API; the rest (applying a transaction, row images, sequences, sessions, the cursor) is internal
 * to the target.
 */
package io.waly.jdbc.replay;
