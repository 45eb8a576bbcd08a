/**
 * The on-disk layout — internal to the log, stable as FORMAT.md: the constants the writer and the reader share
 * ({@link io.waly.log.format.LogFormat}), record kinds, the segment header and segment naming. Changes here are format
 * changes.
 */
package io.waly.log.format;
