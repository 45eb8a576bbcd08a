/**
 * The log's two doors — public API: {@link io.waly.log.LogSink} (what the driver appends through, with its durability
 * contract) and {@link io.waly.log.LogSource} (what every reader opens {@link io.waly.log.RecordReader}s from), where a
 * log lives ({@link io.waly.log.LogProviders}, and the {@link io.waly.log.LogProvider} SPI a log elsewhere than a
 * directory plugs in through), the records read back, the settings and the errors. A directory is the default
 * implementation ({@code write}, {@code read}).
 */
package io.waly.log;
