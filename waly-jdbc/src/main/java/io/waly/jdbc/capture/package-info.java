/**
 * The write-ahead rule — driver-internal, applications should not use this. Everything that decides what goes to the
 * log and when lives here: {@link io.waly.jdbc.capture.ConnectionCapture} (the transaction protocol; {@code writeAll} and
 * {@code writeIn} are the single write-ahead hook), the one hook per statement object that the proxies call
 * ({@link io.waly.jdbc.capture.StatementCapture}, {@link io.waly.jdbc.capture.PreparedCapture},
 * {@link io.waly.jdbc.capture.CopyCapture}, {@link io.waly.jdbc.capture.UpdatableRows}), the effects decision
 * ({@code EffectsPlan}, {@link io.waly.jdbc.capture.RerunSafety}) and its reading ({@code Effects}), and the log shared
 * by a JVM's connections ({@link io.waly.jdbc.capture.SharedLog}). No JDBC interface is implemented here.
 */
package io.waly.jdbc.capture;
