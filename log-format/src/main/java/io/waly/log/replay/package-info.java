/**
 * The one replay — public API: {@link io.waly.log.replay.Replayer} owns where to start and stop, follow, read-ahead,
 * the in-doubt rule, the listener and the summary, and drives a {@link io.waly.log.replay.ReplayTarget}, which
 * PostgreSQL (waly-jdbc) and MongoDB (waly-translate-mongo) implement. A new backend implements the target only.
 */
package io.waly.log.replay;
