/**
 * What records carry — public API, the payload schema of FORMAT.md §3: {@link io.waly.log.payload.Payloads} (one type
 * per record kind, encoded and decoded), and the CBOR codecs of commands, DDL and values; {@code LegacyDdl} reads the
 * older DDL form. Readers skip what they do not know, so fields can be added without breaking them.
 */
package io.waly.log.payload;
