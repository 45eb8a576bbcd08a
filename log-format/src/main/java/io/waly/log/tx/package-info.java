/**
 * Committed transactions in commit order — public API for replay targets and tools:
 * {@link io.waly.log.tx.TransactionReader} turns records into {@link io.waly.log.tx.Transaction}s,
 * {@link io.waly.log.tx.InDoubtResolver} is the in-doubt rule, {@link io.waly.log.tx.Prefetcher} reads ahead.
 */
package io.waly.log.tx;
