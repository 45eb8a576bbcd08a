package io.waly.jdbc.proxy;

import io.waly.command.Value;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.capture.Parameters;
import io.waly.jdbc.capture.PreparedCapture;
import io.waly.jdbc.values.JdbcValues;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Calendar;

/**
 * The setters of a prepared statement: each binds through pgjdbc, exactly the overload the application called, and —
 * for a write — records the value bound, as a typed value with the JDBC type it was bound with, in the statement's
 * {@link Parameters}. Streams and readers are read once, recorded, and handed to pgjdbc as the same bytes. A read's
 * setters record nothing (its {@code params} is null) and cost one null check.
 */
public abstract class ParameterRecordingStatement extends DelegatingPreparedStatement {

    /** Null for reads: nothing to record. */
    private final Parameters params;
    private final PreparedCapture hook;
    /**
     * pgjdbc's statement that may run in this one's stead with the transaction's txid asked ahead of it, bound with
     * every value this one is ({@link PreparedCapture#twin}); null when there is none.
     */
    private PreparedStatement twin;

    ParameterRecordingStatement(WalyConnection connection, PreparedCapture hook) {
        super(connection, hook);
        this.params = hook.parameters();
        this.hook = hook;
        this.twin = hook.twin();
    }

    private PreparedStatement ps() {
        return (PreparedStatement) delegate;
    }

    /** A setter on pgjdbc's statement, for the twin. */
    @FunctionalInterface
    private interface Bind {
        void on(PreparedStatement twin) throws SQLException;
    }

    /**
     * The value of {@code setObject} goes to the twin too, unless binding it does something of its own on the server
     * (pgjdbc writes a LOB's content into a new large object when it is bound): then the twin is dropped.
     */
    private void mirrorObject(Object y, Bind bind) throws SQLException {
        if (y instanceof Blob || y instanceof Clob || y instanceof SQLXML || y instanceof Ref || y instanceof RowId) noTwin();
        else bind.on(twin);
    }

    /** A value the twin cannot be bound with as this statement is (a stream, a reader, a LOB): it goes, for good. */
    private void noTwin() {
        if (twin == null) return;
        twin = null;
        hook.dropTwin();
    }

    /** Callers check {@code params != null} first, so that a read's setters build no value at all. */
    private void record(int i, Value v, int jdbcType) {
        params.set(i, v, jdbcType);
    }

    @Override
    public void clearParameters() throws SQLException {
        ps().clearParameters();
        if (twin != null) twin.clearParameters();
        if (params != null) params.clear();
    }

    // ---------------------------------------------------------------- setters

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        ps().setNull(i, sqlType);
        if (twin != null) twin.setNull(i, sqlType);
        if (params != null) record(i, Value.NULL, sqlType);
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        ps().setNull(i, sqlType, typeName);
        if (twin != null) twin.setNull(i, sqlType, typeName);
        if (params != null) record(i, Value.nullOf(typeName), sqlType);
    }

    @Override
    public void setBoolean(int i, boolean x) throws SQLException {
        ps().setBoolean(i, x);
        if (twin != null) twin.setBoolean(i, x);
        if (params != null) record(i, Value.bool(x), 0);
    }

    @Override
    public void setByte(int i, byte x) throws SQLException {
        ps().setByte(i, x);
        if (twin != null) twin.setByte(i, x);
        if (params != null) record(i, new Value(Value.Kind.INT2, (long) x, null), 0);
    }

    @Override
    public void setShort(int i, short x) throws SQLException {
        ps().setShort(i, x);
        if (twin != null) twin.setShort(i, x);
        if (params != null) record(i, new Value(Value.Kind.INT2, (long) x, null), 0);
    }

    @Override
    public void setInt(int i, int x) throws SQLException {
        ps().setInt(i, x);
        if (twin != null) twin.setInt(i, x);
        if (params != null) record(i, Value.int4(x), 0);
    }

    @Override
    public void setLong(int i, long x) throws SQLException {
        ps().setLong(i, x);
        if (twin != null) twin.setLong(i, x);
        if (params != null) record(i, Value.int8(x), 0);
    }

    @Override
    public void setFloat(int i, float x) throws SQLException {
        ps().setFloat(i, x);
        if (twin != null) twin.setFloat(i, x);
        if (params != null) record(i, new Value(Value.Kind.FLOAT4, (double) x, null), 0);
    }

    @Override
    public void setDouble(int i, double x) throws SQLException {
        ps().setDouble(i, x);
        if (twin != null) twin.setDouble(i, x);
        if (params != null) record(i, Value.float8(x), 0);
    }

    @Override
    public void setBigDecimal(int i, BigDecimal x) throws SQLException {
        ps().setBigDecimal(i, x);
        if (twin != null) twin.setBigDecimal(i, x);
        if (params != null) record(i, x == null ? Value.nullOf("numeric") : Value.numeric(x), x == null ? Types.NUMERIC : 0);
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        ps().setString(i, x);
        if (twin != null) twin.setString(i, x);
        if (params != null) record(i, x == null ? Value.nullOf("varchar") : Value.text(x), stringType(x == null ? Types.VARCHAR : 0));
    }

    /** How a string was bound: with {@code stringtype=unspecified}, as pgjdbc's untyped {@code Types.OTHER}. */
    private int stringType(int usual) {
        return capture().stringsUnspecified() ? Types.OTHER : usual;
    }

    @Override
    public void setNString(int i, String x) throws SQLException {
        ps().setNString(i, x);
        if (twin != null) twin.setNString(i, x);
        if (params != null) record(i, x == null ? Value.nullOf("varchar") : Value.text(x), x == null ? Types.VARCHAR : 0);
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        ps().setBytes(i, x);
        if (twin != null) twin.setBytes(i, x);
        if (params != null) record(i, x == null ? Value.nullOf("bytea") : Value.bytes(x.clone()), x == null ? Types.VARBINARY : 0);
    }

    @Override
    public void setDate(int i, Date x) throws SQLException {
        ps().setDate(i, x);
        if (twin != null) twin.setDate(i, x);
        if (params != null) record(i, JdbcValues.date(x, null), x == null ? Types.DATE : 0);
    }

    @Override
    public void setDate(int i, Date x, Calendar cal) throws SQLException {
        ps().setDate(i, x, cal);
        if (twin != null) twin.setDate(i, x, cal);
        if (params != null) record(i, JdbcValues.date(x, cal), x == null ? Types.DATE : 0);
    }

    @Override
    public void setTime(int i, Time x) throws SQLException {
        ps().setTime(i, x);
        if (twin != null) twin.setTime(i, x);
        if (params != null) record(i, JdbcValues.time(x, null), x == null ? Types.TIME : 0);
    }

    @Override
    public void setTime(int i, Time x, Calendar cal) throws SQLException {
        ps().setTime(i, x, cal);
        if (twin != null) twin.setTime(i, x, cal);
        if (params != null) record(i, JdbcValues.time(x, cal), x == null ? Types.TIME : 0);
    }

    @Override
    public void setTimestamp(int i, Timestamp x) throws SQLException {
        ps().setTimestamp(i, x);
        if (twin != null) twin.setTimestamp(i, x);
        if (params != null) record(i, JdbcValues.timestamp(x, null), x == null ? Types.TIMESTAMP : 0);
    }

    @Override
    public void setTimestamp(int i, Timestamp x, Calendar cal) throws SQLException {
        ps().setTimestamp(i, x, cal);
        if (twin != null) twin.setTimestamp(i, x, cal);
        if (params != null) record(i, JdbcValues.timestamp(x, cal), x == null ? Types.TIMESTAMP : 0);
    }

    @Override
    public void setObject(int i, Object x) throws SQLException {
        if (params == null) {
            ps().setObject(i, x);
            return;
        }
        Object y = materialize(x);
        ps().setObject(i, y);
        if (twin != null) mirrorObject(y, t -> t.setObject(i, y));
        if (params != null) record(i, JdbcValues.of(y), y instanceof String ? stringType(0) : 0);
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        if (params == null) {
            ps().setObject(i, x, targetSqlType);
            return;
        }
        Object y = materialize(x);
        ps().setObject(i, y, targetSqlType);
        if (twin != null) mirrorObject(y, t -> t.setObject(i, y, targetSqlType));
        if (params != null) record(i, JdbcValues.of(y), targetSqlType);
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType, int scale) throws SQLException {
        if (params == null) {
            ps().setObject(i, x, targetSqlType, scale);
            return;
        }
        Object y = materialize(x);
        ps().setObject(i, y, targetSqlType, scale);
        if (twin != null) mirrorObject(y, t -> t.setObject(i, y, targetSqlType, scale));
        if (params != null) record(i, JdbcValues.of(y), targetSqlType);
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType) throws SQLException {
        if (params == null) {
            ps().setObject(i, x, targetSqlType);
            return;
        }
        Object y = materialize(x);
        ps().setObject(i, y, targetSqlType);
        if (twin != null) mirrorObject(y, t -> t.setObject(i, y, targetSqlType));
        if (params != null) record(i, JdbcValues.of(y), targetSqlType.getVendorTypeNumber() == null ? 0 : targetSqlType.getVendorTypeNumber());
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType, int scale) throws SQLException {
        if (params == null) {
            ps().setObject(i, x, targetSqlType, scale);
            return;
        }
        Object y = materialize(x);
        ps().setObject(i, y, targetSqlType, scale);
        if (twin != null) mirrorObject(y, t -> t.setObject(i, y, targetSqlType, scale));
        if (params != null) record(i, JdbcValues.of(y), targetSqlType.getVendorTypeNumber() == null ? 0 : targetSqlType.getVendorTypeNumber());
    }

    /** Streams can be read once: read them for the log and hand pgjdbc the same content. */
    private static Object materialize(Object x) throws SQLException {
        if (x instanceof InputStream in) return JdbcValues.readAll(in, -1);
        if (x instanceof Reader r) return JdbcValues.readAll(r, -1);
        return x;
    }

    @Override
    public void setArray(int i, Array x) throws SQLException {
        noTwin();
        ps().setArray(i, x);
        if (params != null) record(i, JdbcValues.array(x), x == null ? Types.ARRAY : 0);
    }

    // Each setter calls the very overload the application called: pgjdbc implements some and refuses others.

    @Override
    public void setAsciiStream(int i, InputStream x, int length) throws SQLException {
        noTwin();
        byte[] b = readIfWrite(x, length);
        ps().setAsciiStream(i, b == null ? x : new ByteArrayInputStream(b), length);
        recordText(i, b, StandardCharsets.US_ASCII);
    }

    @Override
    public void setAsciiStream(int i, InputStream x, long length) throws SQLException {
        noTwin();
        byte[] b = readIfWrite(x, length);
        ps().setAsciiStream(i, b == null ? x : new ByteArrayInputStream(b), length);
        recordText(i, b, StandardCharsets.US_ASCII);
    }

    @Override
    public void setAsciiStream(int i, InputStream x) throws SQLException {
        noTwin();
        byte[] b = readIfWrite(x, -1);
        ps().setAsciiStream(i, b == null ? x : new ByteArrayInputStream(b));
        recordText(i, b, StandardCharsets.US_ASCII);
    }

    /** The stream's bytes when this statement records parameters (null for a read, or a null stream). */
    private byte[] readIfWrite(InputStream x, long length) throws SQLException {
        return params == null || x == null ? null : JdbcValues.readAll(x, length);
    }

    private void recordText(int i, byte[] b, java.nio.charset.Charset cs) {
        if (params != null) record(i, b == null ? Value.nullOf("varchar") : Value.text(new String(b, cs)), b == null ? Types.VARCHAR : 0);
    }

    private void recordBytes(int i, byte[] b) {
        if (params != null) record(i, b == null ? Value.nullOf("bytea") : Value.bytes(b), b == null ? Types.VARBINARY : 0);
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int i, InputStream x, int length) throws SQLException {
        if (params == null) {
            ps().setUnicodeStream(i, x, length);
            return;
        }
        byte[] b = JdbcValues.readAll(x, length);
        ps().setUnicodeStream(i, b == null ? null : new ByteArrayInputStream(b), length);
        if (params != null) record(i, b == null ? Value.NULL : Value.text(new String(b, StandardCharsets.UTF_8)), 0);
    }

    @Override
    public void setBinaryStream(int i, InputStream x, int length) throws SQLException {
        noTwin();
        byte[] b = readIfWrite(x, length);
        ps().setBinaryStream(i, b == null ? x : new ByteArrayInputStream(b), length);
        recordBytes(i, b);
    }

    @Override
    public void setBinaryStream(int i, InputStream x, long length) throws SQLException {
        noTwin();
        byte[] b = readIfWrite(x, length);
        ps().setBinaryStream(i, b == null ? x : new ByteArrayInputStream(b), length);
        recordBytes(i, b);
    }

    @Override
    public void setBinaryStream(int i, InputStream x) throws SQLException {
        noTwin();
        byte[] b = readIfWrite(x, -1);
        ps().setBinaryStream(i, b == null ? x : new ByteArrayInputStream(b));
        recordBytes(i, b);
    }

    @Override
    public void setCharacterStream(int i, Reader x, int length) throws SQLException {
        noTwin();
        String t = readIfWrite(x, length);
        ps().setCharacterStream(i, t == null ? x : new StringReader(t), length);
        recordChars(i, t);
    }

    @Override
    public void setCharacterStream(int i, Reader x, long length) throws SQLException {
        noTwin();
        String t = readIfWrite(x, length);
        ps().setCharacterStream(i, t == null ? x : new StringReader(t), length);
        recordChars(i, t);
    }

    @Override
    public void setCharacterStream(int i, Reader x) throws SQLException {
        noTwin();
        String t = readIfWrite(x, -1);
        ps().setCharacterStream(i, t == null ? x : new StringReader(t));
        recordChars(i, t);
    }

    @Override
    public void setNCharacterStream(int i, Reader x, long length) throws SQLException {
        noTwin();
        String t = readIfWrite(x, length);
        ps().setNCharacterStream(i, t == null ? x : new StringReader(t), length);
        recordChars(i, t);
    }

    @Override
    public void setNCharacterStream(int i, Reader x) throws SQLException {
        noTwin();
        String t = readIfWrite(x, -1);
        ps().setNCharacterStream(i, t == null ? x : new StringReader(t));
        recordChars(i, t);
    }

    private String readIfWrite(Reader x, long length) throws SQLException {
        return params == null || x == null ? null : JdbcValues.readAll(x, length);
    }

    private void recordChars(int i, String t) {
        if (params != null) record(i, t == null ? Value.nullOf("varchar") : Value.text(t), t == null ? Types.VARCHAR : 0);
    }

    // pgjdbc turns setBlob and setClob(Clob) into a large object created over its fastpath protocol, bound by its oid.
    // For a write WAL-y creates that object itself through its logged large-object API (lo_create/lo_put in the log),
    // then binds the oid as pgjdbc does (setLong), so replay recreates the object under the same oid.

    @Override
    public void setBlob(int i, Blob x) throws SQLException {
        noTwin();
        if (params == null || x == null) {
            ps().setBlob(i, x);
            if (params != null) record(i, Value.nullOf("oid"), Types.BLOB);
            return;
        }
        bindLargeObject(i, JdbcValues.bytes(x));
    }

    @Override
    public void setBlob(int i, InputStream x, long length) throws SQLException {
        noTwin();
        if (params == null || x == null) {
            ps().setBlob(i, x, length);
            if (params != null) record(i, Value.nullOf("oid"), Types.BLOB);
            return;
        }
        bindLargeObject(i, JdbcValues.readAll(x, length));
    }

    @Override
    public void setBlob(int i, InputStream x) throws SQLException {
        noTwin();
        if (params == null || x == null) {
            ps().setBlob(i, x);
            if (params != null) record(i, Value.nullOf("oid"), Types.BLOB);
            return;
        }
        bindLargeObject(i, JdbcValues.readAll(x, -1));
    }

    @Override
    public void setClob(int i, Clob x) throws SQLException {
        noTwin();
        if (params == null || x == null) {
            ps().setClob(i, x);
            if (params != null) record(i, Value.nullOf("oid"), Types.CLOB);
            return;
        }
        org.postgresql.core.BaseConnection base = delegate.getConnection().unwrap(org.postgresql.core.BaseConnection.class);
        try {
            bindLargeObject(i, base.getEncoding().encode(JdbcValues.text(x)));
        } catch (java.io.IOException e) {
            throw new WalySQLException("cannot encode the Clob: " + e.getMessage(), WalyState.CHARACTER_NOT_IN_REPERTOIRE, e);
        }
    }

    private void bindLargeObject(int i, byte[] data) throws SQLException {
        long oid = connection.largeObjects().createWith(data);
        ps().setLong(i, oid);
        if (params != null) record(i, Value.int8(oid), 0);
    }

    @Override
    public void setClob(int i, Reader x, long length) throws SQLException {
        noTwin();
        if (params == null) {
            ps().setClob(i, x, length);
            return;
        }
        String s = JdbcValues.readAll(x, length);
        ps().setClob(i, s == null ? null : new StringReader(s), length);
        if (params != null) record(i, s == null ? Value.nullOf("oid") : new Value(Value.Kind.TEXT, s, "clob"), 0);
    }

    @Override
    public void setClob(int i, Reader x) throws SQLException {
        noTwin();
        if (params == null) {
            ps().setClob(i, x);
            return;
        }
        String s = JdbcValues.readAll(x, -1);
        ps().setClob(i, s == null ? null : new StringReader(s));
        if (params != null) record(i, s == null ? Value.nullOf("oid") : new Value(Value.Kind.TEXT, s, "clob"), 0);
    }

    @Override
    public void setNClob(int i, NClob x) throws SQLException {
        noTwin();
        ps().setNClob(i, x);
        if (params != null) record(i, x == null ? Value.nullOf("oid") : new Value(Value.Kind.TEXT, JdbcValues.text(x), "clob"), 0);
    }

    @Override
    public void setNClob(int i, Reader x, long length) throws SQLException {
        noTwin();
        if (params == null) {
            ps().setNClob(i, x, length);
            return;
        }
        String s = JdbcValues.readAll(x, length);
        ps().setNClob(i, s == null ? null : new StringReader(s), length);
        if (params != null) record(i, s == null ? Value.nullOf("oid") : new Value(Value.Kind.TEXT, s, "clob"), 0);
    }

    @Override
    public void setNClob(int i, Reader x) throws SQLException {
        noTwin();
        if (params == null) {
            ps().setNClob(i, x);
            return;
        }
        String s = JdbcValues.readAll(x, -1);
        ps().setNClob(i, s == null ? null : new StringReader(s));
        if (params != null) record(i, s == null ? Value.nullOf("oid") : new Value(Value.Kind.TEXT, s, "clob"), 0);
    }

    @Override
    public void setSQLXML(int i, SQLXML x) throws SQLException {
        noTwin();
        ps().setSQLXML(i, x);
        if (params != null) record(i, x == null ? Value.nullOf("xml") : new Value(Value.Kind.XML, x.getString(), "xml"), 0);
    }

    @Override
    public void setRef(int i, Ref x) throws SQLException {
        noTwin();
        ps().setRef(i, x);
        if (params != null) record(i, x == null ? Value.NULL : new Value(Value.Kind.OTHER, String.valueOf(x), "ref"), 0);
    }

    @Override
    public void setURL(int i, java.net.URL x) throws SQLException {
        noTwin();
        ps().setURL(i, x);
        if (params != null) record(i, x == null ? Value.NULL : Value.text(x.toString()), 0);
    }

    @Override
    public void setRowId(int i, RowId x) throws SQLException {
        noTwin();
        ps().setRowId(i, x);
        if (params != null) record(i, x == null ? Value.NULL : new Value(Value.Kind.OTHER, String.valueOf(x), "rowid"), 0);
    }
}
