package io.waly.log.payload;

import static io.waly.log.payload.Cbor.*;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.waly.command.Command;
import io.waly.command.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload of each record kind (FORMAT.md, "Payloads"). Every payload is a CBOR map with named fields; absent
 * optional fields are omitted; readers ignore fields they do not know. {@link #SCHEMA_VERSION} is the version of this
 * payload schema a statement was written under.
 */
public final class Payloads {
    private Payloads() {}

    /** Version of the payload schema; recorded in every STATEMENT. */
    public static final int SCHEMA_VERSION = 1;

    // ---------------------------------------------------------------- BEGIN

    /**
     * A transaction's first write. {@code dbTxid} is the database's own transaction id ({@code txid_current()}), or
     * -1 when it could not be had; it resolves the transaction if the process dies between COMMIT and its outcome.
     * {@code appVersion} and {@code dbVersion} are the versions the transaction was written under (FORMAT.md, Begin):
     * the application's ({@code walyAppVersion}) and the database's migration version as the writer last saw it; null
     * when not known.
     */
    public record Begin(int connection, long dbTxid, boolean autocommit, String isolation, boolean readOnly,
                        String appVersion, String dbVersion) {
        public Begin(int connection, long dbTxid, boolean autocommit, String isolation, boolean readOnly) {
            this(connection, dbTxid, autocommit, isolation, readOnly, null, null);
        }

        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeNumberField("conn", connection);
                if (dbTxid >= 0) g.writeNumberField("dbTxid", dbTxid);
                if (autocommit) g.writeBooleanField("autocommit", true);
                writeOptString(g, "isolation", isolation);
                if (readOnly) g.writeBooleanField("readOnly", true);
                writeOptString(g, "appVersion", appVersion);
                writeOptString(g, "dbVersion", dbVersion);
                g.writeEndObject();
            });
        }

        public static Begin decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            return new Begin((int) num(m.get("conn"), 0), num(m.get("dbTxid"), -1), bool(m.get("autocommit")),
                    str(m.get("isolation")), bool(m.get("readOnly")), str(m.get("appVersion")), str(m.get("dbVersion")));
        }
    }

    // ---------------------------------------------------------------- STATEMENT

    /**
     * A statement as the application sent it: its SQL, its bound parameters (typed values; {@code jdbcTypes} holds the
     * {@code java.sql.Types} code each was bound with, 0 when none was given), the parsed command, and where it came
     * from. {@code copyData} carries the rows of a {@code COPY … FROM STDIN}. {@code batchIndex} is the position in a
     * JDBC batch, -1 outside one.
     */
    public record Statement(String sql, List<Value> params, int[] jdbcTypes, Command command, boolean autocommit,
                            int batchIndex, byte[] copyData, int connection, int schemaVersion, boolean prepared) {

        /** {@code prepared}: sent through a PreparedStatement (its {@code ?} are parameters), not a plain Statement. */
        public Statement(String sql, List<Value> params, int[] jdbcTypes, Command command, boolean autocommit,
                         int batchIndex, byte[] copyData, int connection, boolean prepared) {
            this(sql, params, jdbcTypes, command, autocommit, batchIndex, copyData, connection, SCHEMA_VERSION, prepared);
        }

        public Statement(String sql, List<Value> params, int[] jdbcTypes, Command command, boolean autocommit,
                         int batchIndex, byte[] copyData, int connection) {
            this(sql, params, jdbcTypes, command, autocommit, batchIndex, copyData, connection, SCHEMA_VERSION,
                    params != null && !params.isEmpty());
        }

        public Statement(String sql, List<Value> params, int[] jdbcTypes, Command command, boolean autocommit,
                         int batchIndex, byte[] copyData, int connection, int schemaVersion) {
            this(sql, params, jdbcTypes, command, autocommit, batchIndex, copyData, connection, schemaVersion,
                    params != null && !params.isEmpty());
        }

        public byte[] encode() {
            return encode(null);
        }

        /**
         * The same bytes as {@link #encode()}, with the SQL text and the command taken from {@code repeated} when they
         * are its own (the same text, the same command object) instead of being encoded again: a prepared statement
         * executed many times then encodes only its parameters. Null, or parts of another statement, are ignored.
         */
        public byte[] encode(Repeated repeated) {
            boolean spliced = repeated != null && repeated.command == command && repeated.sql.equals(sql);
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeNumberField("schemaVersion", schemaVersion);
                g.writeNumberField("conn", connection);
                if (spliced) {
                    g.writeFieldName("sql");
                    Cbor.writeEncoded(g, repeated.sqlBytes);
                } else {
                    g.writeStringField("sql", Cbor.text(sql));
                }
                if (params != null && !params.isEmpty()) {
                    g.writeFieldName("params");
                    ValueCodec.writeList(g, params);
                    if (jdbcTypes != null) {
                        g.writeFieldName("jdbcTypes");
                        g.writeArray(jdbcTypes, 0, jdbcTypes.length);
                    }
                }
                if (command != null) {
                    g.writeFieldName("command");
                    if (spliced) Cbor.writeEncoded(g, repeated.commandBytes);
                    else CommandCodec.write(g, command);
                }
                if (autocommit) g.writeBooleanField("autocommit", true);
                if (prepared) g.writeBooleanField("prepared", true);
                if (batchIndex >= 0) g.writeNumberField("batchIndex", batchIndex);
                if (copyData != null) {
                    g.writeFieldName("copyData");
                    g.writeBinary(copyData);
                }
                g.writeEndObject();
            });
        }

        /**
         * What every execution of one statement repeats in its STATEMENT record — the SQL text and the parsed command
         * — encoded once, for {@link #encode(Repeated)} to copy into each record. Immutable; share it across threads.
         */
        public static final class Repeated {
            private final String sql;
            private final Command command;
            private final byte[] sqlBytes;
            private final byte[] commandBytes;

            public Repeated(String sql, Command command) {
                this.sql = java.util.Objects.requireNonNull(sql);
                this.command = command;
                this.sqlBytes = Cbor.encode(g -> g.writeString(Cbor.text(sql)));
                this.commandBytes = command == null ? null : Cbor.encode(g -> CommandCodec.write(g, command));
            }

            /** The SQL text as logged. */
            public String sql() {
                return sql;
            }
        }

        /**
         * Decodes statements one after the other, streaming: when a statement's command is byte for byte the previous
         * one's (the rows of a batch, a loop), the decoded command is reused instead of decoded again — replay's hot
         * path. One per reader; not thread-safe.
         */
        public static final class Decoder {
            private byte[] lastCommandBytes;
            private Command lastCommand;

            public Statement decode(byte[] p) {
                if (p.length == 0) return Statement.decode(p);
                try (com.fasterxml.jackson.core.JsonParser jp = Cbor.parser(p)) {
                    if (jp.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return Statement.decode(p);
                    String sql = null;
                    List<Value> params = List.of();
                    int[] jdbcTypes = new int[0];
                    Command cmd = null;
                    boolean autocommit = false;
                    Boolean prepared = null;
                    int batchIndex = -1;
                    byte[] copyData = null;
                    int conn = 0;
                    int schemaVersion = 1;
                    while (jp.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        String field = jp.currentName();
                        jp.nextToken();
                        switch (field) {
                            case "sql" -> sql = jp.getText();
                            case "params" -> params = ValueCodec.readList(Cbor.readAny(jp));
                            case "jdbcTypes" -> {
                                List<Object> t = list(Cbor.readAny(jp));
                                jdbcTypes = new int[t.size()];
                                for (int i = 0; i < jdbcTypes.length; i++) jdbcTypes[i] = (int) num(t.get(i), 0);
                            }
                            case "command" -> {
                                int from = (int) jp.currentTokenLocation().getByteOffset();
                                jp.skipChildren();
                                int to = (int) jp.currentLocation().getByteOffset();
                                if (lastCommandBytes != null && java.util.Arrays.equals(p, from, to, lastCommandBytes, 0, lastCommandBytes.length)) {
                                    cmd = lastCommand;
                                } else {
                                    byte[] bytes = java.util.Arrays.copyOfRange(p, from, to);
                                    cmd = CommandCodec.read(Cbor.decode(bytes));
                                    lastCommandBytes = bytes;
                                    lastCommand = cmd;
                                }
                            }
                            case "autocommit" -> autocommit = jp.getBooleanValue();
                            case "prepared" -> prepared = jp.getBooleanValue();
                            case "batchIndex" -> batchIndex = jp.getIntValue();
                            case "copyData" -> copyData = jp.getBinaryValue();
                            case "conn" -> conn = jp.getIntValue();
                            case "schemaVersion" -> schemaVersion = jp.getIntValue();
                            default -> jp.skipChildren();   // a field of a newer writer
                        }
                    }
                    return new Statement(sql, params, jdbcTypes, cmd == null ? new Command.Sql("UNPARSED") : cmd, autocommit,
                            batchIndex, copyData, conn, schemaVersion, prepared != null ? prepared : !params.isEmpty());
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("payload is not valid CBOR: " + e.getMessage(), e);
                }
            }
        }

        public static Statement decode(byte[] p) {
            return fromMap(map(Cbor.decode(p)));
        }

        static Statement fromMap(Map<String, Object> m) {
            List<Value> params = ValueCodec.readList(m.get("params"));
            List<Object> types = list(m.get("jdbcTypes"));
            int[] jdbcTypes = new int[types.size()];
            for (int i = 0; i < jdbcTypes.length; i++) jdbcTypes[i] = (int) num(types.get(i), 0);
            Command cmd = m.containsKey("command") ? CommandCodec.read(m.get("command")) : new Command.Sql("UNPARSED");
            return new Statement(str(m.get("sql")), params, jdbcTypes, cmd, bool(m.get("autocommit")),
                    (int) num(m.get("batchIndex"), -1), m.get("copyData") instanceof byte[] b ? b : null,
                    (int) num(m.get("conn"), 0), (int) num(m.get("schemaVersion"), 1),
                    m.containsKey("prepared") ? bool(m.get("prepared")) : !params.isEmpty());
        }
    }

    // ---------------------------------------------------------------- OUTCOME

    /**
     * What the database produced for one statement, recorded so that replay reproduces it exactly (invariant 7):
     * {@code rows} are row images (a table's columns and the rows the statement wrote, as the database returned them),
     * {@code sequence} a sequence's value after the statement ({@code nextval}/{@code setval}) or at a transaction's end.
     */
    public record Effect(String kind, String target, List<String> columns, List<List<Value>> rows) {
        public static final String ROWS = "rows";
        public static final String SEQUENCE = "sequence";
        /**
         * The rows as they were before the statement changed them, in the order of its {@code rows}: a write by cursor
         * position on a table without a primary key, whose rows replay finds by these values instead of a key.
         */
        public static final String OLD_ROWS = "old-rows";
        /** The large objects a statement created with an OID the server chose ({@code lo_creat}, {@code lo_create(0)}, …). */
        public static final String LARGE_OBJECT = "large-object";

        /** A sequence's state: the last value it handed out. */
        public static Effect sequenceState(String sequence, long lastValue) {
            return new Effect(SEQUENCE, sequence, List.of("last_value"), List.of(List.of(Value.int8(lastValue))));
        }

        /** True for a sequence's state (not a re-run statement's pin, which also says how many values it drew). */
        public boolean isSequenceState() {
            return SEQUENCE.equals(kind) && !columns.contains("rows") && !rows.isEmpty() && rows.get(0).get(0).value() instanceof Number;
        }

        static void write(CBORGenerator g, List<Effect> effects) throws IOException {
            g.writeStartArray();
            for (Effect e : effects) {
                g.writeStartObject();
                g.writeStringField("kind", e.kind());
                g.writeStringField("target", e.target());
                writeStrings(g, "columns", e.columns());
                g.writeFieldName("rows");
                g.writeStartArray();
                for (List<Value> row : e.rows()) ValueCodec.writeList(g, row);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }

        static List<Effect> read(Object array) {
            List<Effect> effects = new ArrayList<>();
            for (Object o : list(array)) {
                Map<String, Object> e = map(o);
                List<List<Value>> rows = new ArrayList<>();
                for (Object r : list(e.get("rows"))) rows.add(ValueCodec.readList(r));
                effects.add(new Effect(str(e.get("kind")), str(e.get("target")), strings(e.get("columns")), rows));
            }
            return effects;
        }
    }

    /**
     * The outcome of the STATEMENT {@code statementSeq}: {@code ok} with update counts (one per result, or one per
     * batch element), or the error's SQLState and message.
     */
    public record Outcome(long statementSeq, boolean ok, long[] counts, String sqlState, String message, List<Effect> effects) {

        public static Outcome ok(long statementSeq, long[] counts, List<Effect> effects) {
            return new Outcome(statementSeq, true, counts, null, null, effects);
        }

        public static Outcome error(long statementSeq, String sqlState, String message) {
            return new Outcome(statementSeq, false, null, sqlState, message, List.of());
        }

        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeNumberField("stmt", statementSeq);
                g.writeBooleanField("ok", ok);
                if (counts != null) {
                    g.writeFieldName("counts");
                    g.writeArray(counts, 0, counts.length);
                }
                writeOptString(g, "sqlState", sqlState);
                writeOptString(g, "message", message);
                if (effects != null && !effects.isEmpty()) {
                    g.writeFieldName("effects");
                    Effect.write(g, effects);
                }
                g.writeEndObject();
            });
        }

        public static Outcome decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            long[] counts = null;
            if (m.containsKey("counts")) {
                List<Object> c = list(m.get("counts"));
                counts = new long[c.size()];
                for (int i = 0; i < counts.length; i++) counts[i] = num(c.get(i), 0);
            }
            return new Outcome(num(m.get("stmt"), 0), bool(m.get("ok")), counts, str(m.get("sqlState")),
                    str(m.get("message")), Effect.read(m.get("effects")));
        }
    }

    // ---------------------------------------------------------------- SAVEPOINT, RELEASE, ROLLBACK_TO

    public record Savepoint(String name) {
        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeStringField("name", Cbor.text(name));
                g.writeEndObject();
            });
        }

        public static Savepoint decode(byte[] p) {
            return new Savepoint(str(map(Cbor.decode(p)).get("name")));
        }
    }

    // ---------------------------------------------------------------- COMMIT

    /** The commit intent, durable before COMMIT is sent; carries the database transaction id again for recovery. */
    /**
     * The commit intent. {@code migration}: the migration version the transaction brings the database to by WAL-y's own
     * marker ({@code CALL waly.schema_version('2')}), null when it has none.
     */
    public record Commit(long dbTxid, String migration) {
        public Commit(long dbTxid) {
            this(dbTxid, null);
        }

        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                if (dbTxid >= 0) g.writeNumberField("dbTxid", dbTxid);
                writeOptString(g, "migration", migration);
                g.writeEndObject();
            });
        }

        public static Commit decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            return new Commit(num(m.get("dbTxid"), -1), str(m.get("migration")));
        }
    }

    // ---------------------------------------------------------------- COMMITTED, ROLLBACK

    /**
     * How a transaction ended. {@code reason}: "commit", "rollback", "commit-failed", "prepare-failed", "connection-closed",
     * "statement-failed" (an autocommit statement), "routine-failed" (COMMITTED: an autocommitted statement that failed
     * but left work behind, a CALL or DO or an index built CONCURRENTLY; replay runs it again and expects the same
     * error), or "recovered" when a later writer resolved an in-doubt transaction by asking the database
     * ({@code txid_status}). {@code sequences}: where the sequences the transaction may have drawn from stood after
     * it, when some of its draws are in no row of the log (it rolled back, or a statement of it failed): sequences are
     * not transactional, so a replay moves them there whatever the transaction's outcome.
     */
    public record End(String reason, String sqlState, String message, List<Effect> sequences) {
        public static final End COMMIT = new End("commit", null, null);
        public static final End ROLLBACK = new End("rollback", null, null);
        public static final String ROUTINE_FAILED = "routine-failed";

        public End(String reason, String sqlState, String message) {
            this(reason, sqlState, message, List.of());
        }

        public End withSequences(List<Effect> states) {
            return new End(reason, sqlState, message, states);
        }

        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeStringField("reason", reason);
                writeOptString(g, "sqlState", sqlState);
                writeOptString(g, "message", message);
                if (!sequences.isEmpty()) {
                    g.writeFieldName("sequences");
                    Effect.write(g, sequences);
                }
                g.writeEndObject();
            });
        }

        public static End decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            return new End(str(m.get("reason")), str(m.get("sqlState")), str(m.get("message")), Effect.read(m.get("sequences")));
        }
    }

    // ---------------------------------------------------------------- OPENED, CLOSED

    /** Who opened or closed the log: string facts (driver version, host, pid, database URL without secrets). */
    public record Info(Map<String, String> facts) {
        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                for (Map.Entry<String, String> e : facts.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                g.writeEndObject();
            });
        }

        public static Info decode(byte[] p) {
            Map<String, String> out = new LinkedHashMap<>();
            map(Cbor.decode(p)).forEach((k, v) -> out.put(k, str(v)));
            return new Info(out);
        }
    }

    // ---------------------------------------------------------------- SESSION

    /**
     * A source connection's session as replay must reproduce it: the settings that change how statements behave
     * (search_path, TimeZone, DateStyle, IntervalStyle, standard_conforming_strings, …), read when the connection
     * first writes. Later {@code SET} statements are logged as statements of their own.
     */
    public record Session(int connection, Map<String, String> settings) {
        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeNumberField("conn", connection);
                g.writeFieldName("settings");
                g.writeStartObject();
                for (Map.Entry<String, String> e : settings.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                g.writeEndObject();
                g.writeEndObject();
            });
        }

        public static Session decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            Map<String, String> settings = new LinkedHashMap<>();
            map(m.get("settings")).forEach((k, v) -> settings.put(k, str(v)));
            return new Session((int) num(m.get("conn"), 0), settings);
        }
    }

    // ---------------------------------------------------------------- POLICY

    /**
     * A decision taken from the model's policies (FORMAT.md, "Policy"). {@code event}: {@link #REFUSED} (a rule refused
     * the statement: before it reached the database, or after it changed more rows than a limit allows and was rolled
     * back to before it), {@link #WARNED} (a rule warned, or a rule in warn mode would have refused: the statement went
     * ahead), or {@link #RECORDING} (once per connection: what its writes leave out of the log — tables not logged,
     * columns logged as hashes). The statement's text, parameters and command are there (hashed as the recording policy
     * says), so that the record stands alone: a statement refused before the database has no STATEMENT record. A limit's
     * record has {@code rows}, what the statement changed, and {@code limit}. Numbers are −1 when absent.
     */
    public record Policy(int connection, String event, String rule, String action, String mode, String reason,
                         String sqlState, String sql, List<Value> params, Command command, long rows,
                         long limit, String role, String appVersion, String model, List<String> unlogged,
                         Map<String, List<String>> hashed) {
        public static final String REFUSED = "refused";
        public static final String WARNED = "warned";
        public static final String RECORDING = "recording";

        public Policy {
            params = params == null ? List.of() : params;
            unlogged = unlogged == null ? List.of() : unlogged;
            hashed = hashed == null ? Map.of() : hashed;
        }

        /** The recording policy a connection writes under. */
        public static Policy recording(int connection, String model, List<String> unlogged, Map<String, List<String>> hashed) {
            return new Policy(connection, RECORDING, null, null, null, null, null, null, null, null, -1, -1, null, null,
                    model, unlogged, hashed);
        }

        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeNumberField("conn", connection);
                g.writeStringField("event", event);
                writeOptString(g, "rule", rule);
                writeOptString(g, "action", action);
                writeOptString(g, "mode", mode);
                writeOptString(g, "reason", reason);
                writeOptString(g, "sqlState", sqlState);
                if (sql != null) g.writeStringField("sql", Cbor.text(sql));
                if (!params.isEmpty()) {
                    g.writeFieldName("params");
                    ValueCodec.writeList(g, params);
                }
                if (command != null) {
                    g.writeFieldName("command");
                    CommandCodec.write(g, command);
                }
                if (rows >= 0) g.writeNumberField("rows", rows);
                if (limit >= 0) g.writeNumberField("limit", limit);
                writeOptString(g, "role", role);
                writeOptString(g, "appVersion", appVersion);
                writeOptString(g, "model", model);
                if (!unlogged.isEmpty()) writeStrings(g, "unlogged", unlogged);
                if (!hashed.isEmpty()) {
                    g.writeFieldName("hashed");
                    g.writeStartObject();
                    for (Map.Entry<String, List<String>> e : hashed.entrySet()) writeStrings(g, e.getKey(), e.getValue());
                    g.writeEndObject();
                }
                g.writeEndObject();
            });
        }

        public static Policy decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            Map<String, List<String>> hashed = new LinkedHashMap<>();
            map(m.get("hashed")).forEach((k, v) -> hashed.put(k, strings(v)));
            return new Policy((int) num(m.get("conn"), 0), str(m.get("event")), str(m.get("rule")), str(m.get("action")),
                    str(m.get("mode")), str(m.get("reason")), str(m.get("sqlState")), str(m.get("sql")),
                    ValueCodec.readList(m.get("params")), m.containsKey("command") ? CommandCodec.read(m.get("command")) : null,
                    num(m.get("rows"), -1), num(m.get("limit"), -1), str(m.get("role")),
                    str(m.get("appVersion")), str(m.get("model")), strings(m.get("unlogged")), hashed);
        }
    }

    /**
     * An application command (FORMAT.md, §3.5 AppCommand): its name, its arguments by name in declaration order, how it
     * came ({@link #CALLED} explicitly, or {@link #RECOGNISED} from a statement shape), how many of the transaction's
     * next {@code STATEMENT} records it stands for, and the model it was declared in.
     */
    public record AppCommand(int connection, String name, Map<String, Value> args, String via, int statements, String model) {
        public static final String CALLED = "call";
        public static final String RECOGNISED = "recognised";

        public AppCommand {
            args = args == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(args));
        }

        public byte[] encode() {
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeNumberField("conn", connection);
                g.writeStringField("name", name);
                g.writeFieldName("args");
                g.writeStartObject();
                for (Map.Entry<String, Value> e : args.entrySet()) {
                    g.writeFieldName(e.getKey());
                    ValueCodec.write(g, e.getValue());
                }
                g.writeEndObject();
                g.writeStringField("via", via);
                g.writeNumberField("statements", statements);
                writeOptString(g, "model", model);
                g.writeEndObject();
            });
        }

        /** {@code CREATE_ACCOUNT(email => 'ada@example.com', plan => 'pro')}, for messages. */
        public String describe() {
            StringBuilder sb = new StringBuilder(name).append('(');
            int i = 0;
            for (Map.Entry<String, Value> e : args.entrySet()) {
                if (i++ > 0) sb.append(", ");
                Value v = e.getValue();
                sb.append(e.getKey()).append(" => ").append(v.isNull() ? "NULL" : v.value() instanceof String t ? "'" + t + "'" : v.value());
            }
            return sb.append(')').toString();
        }

        public static AppCommand decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            Map<String, Value> args = new LinkedHashMap<>();
            map(m.get("args")).forEach((k, v) -> args.put(k, ValueCodec.read(v)));
            return new AppCommand((int) num(m.get("conn"), 0), str(m.get("name")), args, str(m.get("via")),
                    (int) num(m.get("statements"), 1), str(m.get("model")));
        }
    }
    // ---------------------------------------------------------------- MAPPED

    /**
     * A statement an application of another schema version sent, before the driver mapped it (up or down) to the
     * database's version (FORMAT.md §3.5 Mapped, kind 16): {@code original} as a STATEMENT would hold it, {@code from}
     * the application's version and {@code to} the database's (the model's version names), {@code model} the model's id.
     * Written just before the STATEMENT that was sent, which is what replay applies.
     */
    public record Mapped(int connection, String from, String to, String model, Statement original) {
        public byte[] encode() {
            byte[] statement = original.encode();
            return Cbor.encode(g -> {
                g.writeStartObject();
                g.writeNumberField("conn", connection);
                g.writeStringField("from", from);
                g.writeStringField("to", to);
                writeOptString(g, "model", model);
                g.writeFieldName("original");
                Cbor.writeEncoded(g, statement);
                g.writeEndObject();
            });
        }

        public static Mapped decode(byte[] p) {
            Map<String, Object> m = map(Cbor.decode(p));
            return new Mapped((int) num(m.get("conn"), 0), str(m.get("from")), str(m.get("to")), str(m.get("model")),
                    Statement.fromMap(map(m.get("original"))));
        }
    }
}
