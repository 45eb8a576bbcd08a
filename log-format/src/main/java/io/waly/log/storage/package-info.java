/**
 * The writer's only way to the disk — an internal seam: {@link io.waly.log.storage.FileLogStorage} is the real one;
 * tests wrap it ({@link io.waly.log.storage.ForwardingSegmentFile}) to count forces and to inject disk faults.
 */
package io.waly.log.storage;
