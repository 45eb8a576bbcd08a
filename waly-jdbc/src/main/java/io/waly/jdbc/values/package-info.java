/**
 * JDBC values ↔ the command model's {@code Value}, both directions — driver-internal: what a setter bound becomes a
 * typed value in the log, and replay binds it back the same way.
 */
package io.waly.jdbc.values;
