/**
 * The command model — public API, the algebra a write is parsed into (design.md): {@link io.waly.command.Command}
 * (DML, typed DDL, settings, sequence reads, COPY, {@code Sql} for the rest), {@link io.waly.command.Expr} and
 * {@link io.waly.command.Value}. Database-independent; no backend needs SQL text beyond it.
 */
package io.waly.command;
