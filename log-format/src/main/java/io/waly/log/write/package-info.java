/**
 * Writing a log directory — public API: {@link io.waly.log.write.LogWriter} (framing, the hash chain, segment rollover,
 * group commit: it frames and forces) and {@link io.waly.log.write.SharedLogs} (the one writer per directory of a JVM,
 * shared by reference count). Internal: the directory lock ({@code DirectoryLock}) and recovery at open
 * ({@code LogTail}, reported as {@link io.waly.log.write.Recovery}).
 */
package io.waly.log.write;
