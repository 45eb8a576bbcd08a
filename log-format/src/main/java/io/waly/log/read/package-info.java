/**
 * Reading a log directory — public API: {@link io.waly.log.read.LogReader} (seek by sequence or time, follow) and
 * {@link io.waly.log.read.LogVerifier}; {@link io.waly.log.read.SegmentReader} checks one segment for both and for
 * the writer's recovery, and is internal to the log.
 */
package io.waly.log.read;
