/**
 * Databases started in-process for a user — public API of this module, production code with no test library:
 * {@link io.waly.embedded.PostgresServer} and {@link io.waly.embedded.InMemoryMongoServer}, which {@code waly demo} and
 * {@code waly check} start and test-fixtures builds on.
 */
package io.waly.embedded;
