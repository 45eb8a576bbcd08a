package io.waly.cli.support;

import io.waly.command.Command;
import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.log.LogRecord;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One log record as people read it (the line {@code waly inspect} prints, in the manner of {@code pg_waldump}) and as
 * a JSON/YAML tree. Decodes the payload once; remembers which tables recent statements touched, so that an OUTCOME
 * line names its statement's table. Secrets are masked here ({@link Redactor}), so no output path can miss them.
 */
public final class RecordView {

    /** Statement seq → tables, for the outcome lines that follow; bounded, because outcomes follow their statement closely. */
    private final Map<Long, List<String>> statementTables = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<String>> eldest) {
            return size() > 100_000;
        }
    };

    /** A decoded record: the fields every output format shares. */
    public record View(LogRecord record, List<String> tables, String label, Map<String, Object> tree, String details) {}

    public View view(LogRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", r.seq());
        m.put("time", Times.format(r.timestamp()));
        m.put("tx", r.txId());
        m.put("kind", r.kind().name());
        List<String> tables = List.of();
        String label = "";
        String details;
        switch (r.kind()) {
            case BEGIN -> {
                Payloads.Begin b = Payloads.Begin.decode(r.payload());
                m.put("connection", b.connection());
                if (b.dbTxid() >= 0) m.put("dbTxid", b.dbTxid());
                m.put("autocommit", b.autocommit());
                if (b.isolation() != null) m.put("isolation", b.isolation());
                if (b.readOnly()) m.put("readOnly", true);
                if (b.appVersion() != null) m.put("appVersion", b.appVersion());
                if (b.dbVersion() != null) m.put("dbVersion", b.dbVersion());
                details = "conn " + b.connection() + (b.dbTxid() >= 0 ? ", db txid " + b.dbTxid() : "")
                        + (b.autocommit() ? ", autocommit" : "") + (b.isolation() != null ? ", " + b.isolation() : "")
                        + (b.appVersion() != null ? ", app " + b.appVersion() : "")
                        + (b.dbVersion() != null ? ", db version " + b.dbVersion() : "");
            }
            case STATEMENT -> {
                Payloads.Statement s = Payloads.Statement.decode(r.payload());
                Command cmd = s.command();
                tables = Commands.tables(cmd);
                label = Commands.label(cmd);
                statementTables.put(r.seq(), tables);
                String sql = Redactor.sql(s.sql());
                Set<Integer> masked = maskedParams(s);
                List<Object> params = new ArrayList<>();
                List<String> shown = new ArrayList<>();
                for (int i = 0; i < s.params().size(); i++) {
                    Value v = s.params().get(i);
                    if (masked.contains(i + 1)) {
                        params.add(Json.map("type", v.kind().tag, "value", Redactor.MASK));
                        shown.add(Redactor.MASK);
                    } else {
                        params.add(Commands.typedValue(v));
                        shown.add(Commands.display(v));
                    }
                }
                m.put("connection", s.connection());
                if (!tables.isEmpty()) m.put("tables", tables);
                m.put("command", masked.isEmpty() && !Redactor.sqlHasPassword(s.sql()) ? Commands.tree(cmd)
                        : Json.map("type", cmd.getClass().getSimpleName(), "redacted", true));
                m.put("sql", sql);
                if (!params.isEmpty()) m.put("params", params);
                if (s.batchIndex() >= 0) m.put("batchIndex", s.batchIndex());
                if (s.autocommit()) m.put("autocommit", true);
                if (s.copyData() != null) m.put("copyBytes", s.copyData().length);
                m.put("schemaVersion", s.schemaVersion());
                StringBuilder d = new StringBuilder(Commands.oneLine(sql, 160));
                if (!shown.isEmpty()) d.append("  params (").append(Commands.oneLine(String.join(", ", shown), 200)).append(')');
                if (s.batchIndex() >= 0) d.append("  batch #").append(s.batchIndex());
                if (s.copyData() != null) d.append("  ").append(Numbers.bytes(s.copyData().length)).append(" of COPY data");
                details = d.toString();
            }
            case OUTCOME -> {
                Payloads.Outcome o = Payloads.Outcome.decode(r.payload());
                tables = statementTables.getOrDefault(o.statementSeq(), List.of());
                m.put("statement", o.statementSeq());
                if (!tables.isEmpty()) m.put("tables", tables);
                m.put("ok", o.ok());
                if (o.counts() != null) m.put("counts", o.counts());
                if (o.sqlState() != null) m.put("sqlState", o.sqlState());
                if (o.message() != null) m.put("message", Redactor.sql(o.message()));
                StringBuilder d = new StringBuilder();
                if (o.ok()) {
                    d.append("ok");
                    if (o.counts() != null && o.counts().length == 1) d.append(", ").append(o.counts()[0]).append(o.counts()[0] == 1 ? " row" : " rows");
                    else if (o.counts() != null) d.append(", counts ").append(Arrays.toString(o.counts()));
                } else {
                    d.append("error ").append(o.sqlState()).append(o.message() == null ? "" : ": " + Commands.oneLine(Redactor.sql(o.message()), 160));
                }
                if (o.effects() != null && !o.effects().isEmpty()) {
                    List<Object> effects = new ArrayList<>();
                    List<String> shown = new ArrayList<>();
                    for (Payloads.Effect e : o.effects()) {
                        List<Object> rows = new ArrayList<>();
                        for (List<Value> row : e.rows()) {
                            List<Object> cells = new ArrayList<>();
                            for (int i = 0; i < row.size(); i++) {
                                String col = e.columns() != null && i < e.columns().size() ? e.columns().get(i) : null;
                                cells.add(Redactor.isSecretKey(col) ? Redactor.MASK : Commands.jsonValue(row.get(i)));
                            }
                            rows.add(cells);
                        }
                        effects.add(Json.map("kind", e.kind(), "target", e.target(), "columns", e.columns(), "rows", rows));
                        shown.add(e.kind() + " " + e.target() + " ×" + e.rows().size());
                    }
                    m.put("effects", effects);
                    d.append("; effects: ").append(String.join(", ", shown));
                }
                d.append("  (statement ").append(o.statementSeq()).append(')');
                details = d.toString();
            }
            case SAVEPOINT, RELEASE, ROLLBACK_TO -> {
                String name = Payloads.Savepoint.decode(r.payload()).name();
                m.put("savepoint", name);
                details = name;
            }
            case COMMIT -> {
                Payloads.Commit c = Payloads.Commit.decode(r.payload());
                long id = c.dbTxid();
                if (id >= 0) m.put("dbTxid", id);
                if (c.migration() != null) m.put("migration", c.migration());
                details = (id >= 0 ? "db txid " + id : "") + (c.migration() != null
                        ? (id >= 0 ? ", " : "") + "migrates to " + c.migration() + " (waly.schema_version)" : "");
            }
            case COMMITTED, ROLLBACK -> {
                Payloads.End e = Payloads.End.decode(r.payload());
                m.put("reason", e.reason());
                if (e.sqlState() != null) m.put("sqlState", e.sqlState());
                if (e.message() != null) m.put("message", Redactor.sql(e.message()));
                details = e.reason() + (e.sqlState() != null ? " " + e.sqlState() : "")
                        + (e.message() != null ? ": " + Commands.oneLine(Redactor.sql(e.message()), 160) : "");
            }
            case OPENED, CLOSED -> {
                Map<String, String> facts = Redactor.facts(Payloads.Info.decode(r.payload()).facts());
                m.put("facts", facts);
                List<String> kv = new ArrayList<>();
                facts.forEach((k, v) -> kv.add(k + "=" + v));
                details = Commands.oneLine(String.join(" ", kv), 240);
            }
            case SESSION -> {
                Payloads.Session s = Payloads.Session.decode(r.payload());
                Map<String, String> settings = Redactor.facts(s.settings());
                m.put("connection", s.connection());
                m.put("settings", settings);
                List<String> kv = new ArrayList<>();
                settings.forEach((k, v) -> kv.add(k + "=" + v));
                details = "conn " + s.connection() + ": " + Commands.oneLine(String.join(" ", kv), 220);
            }
            case MAPPED -> {
                Payloads.Mapped mp = Payloads.Mapped.decode(r.payload());
                Payloads.Statement s = mp.original();
                tables = Commands.tables(s.command());
                label = Commands.label(s.command());
                Set<Integer> masked = maskedParams(s);
                List<Object> params = new ArrayList<>();
                List<String> shown = new ArrayList<>();
                for (int i = 0; i < s.params().size(); i++) {
                    Value v = s.params().get(i);
                    params.add(masked.contains(i + 1) ? Json.map("type", v.kind().tag, "value", Redactor.MASK) : Commands.typedValue(v));
                    shown.add(masked.contains(i + 1) ? Redactor.MASK : Commands.display(v));
                }
                String sql = Redactor.sql(s.sql());
                m.put("connection", mp.connection());
                m.put("from", mp.from());
                m.put("to", mp.to());
                if (mp.model() != null) m.put("model", mp.model());
                m.put("sql", sql);
                if (!params.isEmpty()) m.put("params", params);
                details = Commands.oneLine("as sent in version " + mp.from() + ", mapped to " + mp.to() + ": " + sql
                        + (shown.isEmpty() ? "" : "  params (" + String.join(", ", shown) + ")"), 240);
            }
            case COMMAND -> {
                Payloads.AppCommand c = Payloads.AppCommand.decode(r.payload());
                m.put("connection", c.connection());
                m.put("name", c.name());
                Map<String, Object> args = new LinkedHashMap<>();
                c.args().forEach((k, v) -> args.put(k, Redactor.isSecretKey(k) ? Json.map("type", v.kind().tag, "value", Redactor.MASK)
                        : Commands.typedValue(v)));
                m.put("args", args);
                m.put("via", c.via());
                m.put("statements", c.statements());
                if (c.model() != null) m.put("model", c.model());
                details = appCommand(c) + "  (" + (Payloads.AppCommand.RECOGNISED.equals(c.via()) ? "recognised" : "called")
                        + ", " + c.statements() + " statement" + (c.statements() == 1 ? "" : "s") + ", conn " + c.connection() + ")";
                details = Commands.oneLine(details, 240);
            }
            case POLICY -> {
                Payloads.Policy p = Payloads.Policy.decode(r.payload());
                m.put("connection", p.connection());
                m.put("event", p.event());
                m.put("model", p.model());
                if (Payloads.Policy.RECORDING.equals(p.event())) {
                    if (!p.unlogged().isEmpty()) m.put("unlogged", p.unlogged());
                    if (!p.hashed().isEmpty()) m.put("hashed", p.hashed());
                    List<String> parts = new ArrayList<>();
                    if (!p.unlogged().isEmpty()) parts.add("not logged: " + String.join(", ", p.unlogged()));
                    p.hashed().forEach((t, c) -> parts.add("hashed: " + t + "(" + String.join(", ", c) + ")"));
                    details = "conn " + p.connection() + " recording policy of model " + p.model() + ": " + String.join("; ", parts);
                } else {
                    Command cmd = p.command();
                    if (cmd != null) {
                        tables = Commands.tables(cmd);
                        label = Commands.label(cmd);
                        m.put("command", Commands.tree(cmd));
                    }
                    m.put("rule", p.rule());
                    m.put("action", p.action());
                    m.put("mode", p.mode());
                    m.put("reason", p.reason());
                    if (p.sqlState() != null) m.put("sqlState", p.sqlState());
                    if (p.rows() >= 0) m.put("rows", p.rows());
                    if (p.limit() >= 0) m.put("limit", p.limit());
                    if (p.role() != null) m.put("role", p.role());
                    if (p.appVersion() != null) m.put("appVersion", p.appVersion());
                    if (p.sql() != null) m.put("sql", Redactor.sql(p.sql()));
                    details = p.event() + " by rule " + p.rule() + " (" + p.action() + ", " + p.mode() + "): " + p.reason()
                            + (p.role() != null ? ", role " + p.role() : "")
                            + (p.sql() != null ? ": " + Commands.oneLine(Redactor.sql(p.sql()), 160) : "");
                }
            }
            default -> {
                m.put("payloadBytes", r.payload().length);
                details = r.payload().length + " bytes of an unknown record kind";
            }
        }
        return new View(r, tables, label, m, details);
    }

    /** The text line: seq, time, tx, kind, table, command, details. */
    /** {@code CREATE_ACCOUNT email='ada@example.com' plan='pro'}: an application command as the domain says it. */
    public static String appCommand(Payloads.AppCommand c) {
        StringBuilder sb = new StringBuilder(c.name());
        c.args().forEach((k, v) -> sb.append(' ').append(k).append('=').append(Redactor.isSecretKey(k) ? Redactor.MASK : Commands.display(v)));
        return sb.toString();
    }

    public static String line(View v) {
        LogRecord r = v.record();
        String table = v.tables().isEmpty() ? "-" : String.join(",", v.tables());
        String kind = r.kind() == RecordKind.UNKNOWN ? "UNKNOWN" : r.kind().name();
        String what = v.label().isEmpty() ? v.details() : v.label() + "  " + v.details();
        return String.format("%8d  %s  tx %-7d %-11s %-18s %s", r.seq(), Times.format(r.timestamp()), r.txId(), kind, table, what);
    }

    /**
     * 1-based indexes of the parameters that must not be shown: all of them for a role's PASSWORD clause, and those
     * bound to a column whose name says it holds a secret (password, token, …).
     */
    static Set<Integer> maskedParams(Payloads.Statement s) {
        Set<Integer> out = new HashSet<>();
        if (s.params().isEmpty()) return out;
        if (Redactor.sqlHasPassword(s.sql())) {
            for (int i = 1; i <= s.params().size(); i++) out.add(i);
            return out;
        }
        Command c = s.command();
        Command.Insert ins = c instanceof Command.Insert i ? i : c instanceof Command.Upsert u ? u.insert() : null;
        if (ins != null && ins.columns() != null && ins.rows() != null) {
            for (List<Expr> row : ins.rows()) {
                for (int i = 0; i < row.size() && i < ins.columns().size(); i++) {
                    if (Redactor.isSecretKey(ins.columns().get(i)) && row.get(i) instanceof Expr.Param p) out.add(p.index());
                }
            }
        }
        List<Command.Assignment> sets = c instanceof Command.Update u ? u.set() : c instanceof Command.Upsert u ? u.set() : null;
        if (sets != null) {
            for (Command.Assignment a : sets) {
                if (Redactor.isSecretKey(a.column()) && a.value() instanceof Expr.Param p) out.add(p.index());
            }
        }
        return out;
    }
}
