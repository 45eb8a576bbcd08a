/**
 * Commands → MongoDB operations — internal to the target: pure translation of the typed command model, no I/O and no
 * SQL text ({@link io.waly.mongo.translate.CommandTranslator} is the entry point, one visit per command).
 */
package io.waly.mongo.translate;
