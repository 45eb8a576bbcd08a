/**
 * The {@code waly*} settings — public API: {@link io.waly.jdbc.config.WalyProperty} names each setting once (name,
 * default, description, choices; it feeds {@code Driver.getPropertyInfo}), a setting with choices has an enum here, and
 * {@link io.waly.jdbc.config.WalyConfig} is one connection's settings, resolved and checked when it opens.
 */
package io.waly.jdbc.config;
