/**
 * WAL-y's JDBC driver — public API. {@link io.waly.jdbc.Driver} ({@code jdbc:waly:postgresql://…}),
 * {@link io.waly.jdbc.WalyDataSource}, and the errors WAL-y raises itself ({@link io.waly.jdbc.WalySQLException} with a
 * {@link io.waly.jdbc.WalyState}); {@link io.waly.jdbc.Connections} wraps a connection opened elsewhere (the agent) and
 * {@link io.waly.jdbc.TxidStatus} asks the database the in-doubt question. Everything in the subpackages but
 * {@code config} and {@code replay} is driver-internal.
 */
package io.waly.jdbc;
