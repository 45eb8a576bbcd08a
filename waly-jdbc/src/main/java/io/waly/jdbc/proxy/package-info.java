/**
 * WAL-y's JDBC objects — driver-internal, applications should not use this (they see {@code java.sql} interfaces;
 * {@code unwrap} reaches pgjdbc's). The {@code Delegating*} classes are generated, mechanical delegation
 * ({@code tools/GenerateDelegates.java}); the {@code Waly*} classes override only what WAL-y intercepts, say how the
 * application called, and hand the call to one hook in {@code io.waly.jdbc.capture}. No rule of the log lives here.
 */
package io.waly.jdbc.proxy;
