/**
 * Replay into MongoDB — public API: {@link io.waly.mongo.MongoTarget}, the {@code ReplayTarget} the one replay
 * ({@code io.waly.log.replay.Replayer}) drives, with its options ({@link io.waly.mongo.OnUntranslatable}); running
 * operations, the cursor and the server's capabilities are internal to the target.
 */
package io.waly.mongo;
