package io.waly.jdbc.proxy;

import io.waly.command.Value;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;
import org.postgresql.util.ByteStreamWriter;

/**
 * pgjdbc's large-object API with the writes in the log. pgjdbc talks to large objects over the fastpath protocol,
 * not SQL, so WAL-y logs each operation as the SQL function that does the same — {@code lo_create(oid)},
 * {@code lo_put(oid, offset, data)}, {@code lo_truncate}, {@code lo_unlink(oid)} — which replay runs, creating the
 * objects under the same oids. Large objects live in transactions (pgjdbc refuses them in autocommit), so a creation,
 * logged right after the server assigned the oid, is never committed without its record before it.
 */
final class WalyLargeObjects extends LargeObjectManager {
    private final WalyConnection connection;
    private final BaseConnection base;

    WalyLargeObjects(WalyConnection connection, BaseConnection base) throws SQLException {
        super(base);
        this.connection = connection;
        this.base = base;
    }

    /** Logs one large-object operation as its SQL function call, around the work that does it. */
    void log(String sql, List<Value> params, Runnable2 work) throws SQLException {
        connection.capture().writeAs(sql, params, () -> {
            work.run();
            return List.of();
        });
    }

    @FunctionalInterface
    interface Runnable2 {
        void run() throws SQLException;
    }

    @Override
    public long createLO() throws SQLException {
        return createLO(READWRITE);
    }

    @Override
    public long createLO(int mode) throws SQLException {
        long oid = super.createLO(mode);
        log("SELECT lo_create(?)", List.of(Value.int8(oid)), () -> { });
        return oid;
    }

    @Override
    @Deprecated
    public int create() throws SQLException {
        return (int) createLO();
    }

    @Override
    @Deprecated
    public int create(int mode) throws SQLException {
        return (int) createLO(mode);
    }

    @Override
    public void unlink(long oid) throws SQLException {
        log("SELECT lo_unlink(?)", List.of(Value.int8(oid)), () -> super.unlink(oid));
    }

    @Override
    @Deprecated
    public void unlink(int oid) throws SQLException {
        unlink((long) oid);
    }

    @Override
    public void delete(long oid) throws SQLException {
        unlink(oid);
    }

    @Override
    @Deprecated
    public void delete(int oid) throws SQLException {
        unlink((long) oid);
    }

    @Override
    public LargeObject open(long oid, int mode, boolean commitOnClose) throws SQLException {
        return new Logged(this, base, oid, mode, commitOnClose);
    }

    @Override
    public LargeObject open(long oid) throws SQLException {
        return open(oid, READWRITE, false);
    }

    @Override
    public LargeObject open(long oid, boolean commitOnClose) throws SQLException {
        return open(oid, READWRITE, commitOnClose);
    }

    @Override
    public LargeObject open(long oid, int mode) throws SQLException {
        return open(oid, mode, false);
    }

    @Override
    @Deprecated
    public LargeObject open(int oid) throws SQLException {
        return open((long) oid, READWRITE, false);
    }

    @Override
    @Deprecated
    public LargeObject open(int oid, boolean commitOnClose) throws SQLException {
        return open((long) oid, READWRITE, commitOnClose);
    }

    @Override
    @Deprecated
    public LargeObject open(int oid, int mode) throws SQLException {
        return open((long) oid, mode, false);
    }

    @Override
    @Deprecated
    public LargeObject open(int oid, int mode, boolean commitOnClose) throws SQLException {
        return open((long) oid, mode, commitOnClose);
    }

    /** Creates a large object holding these bytes, logged; for setBlob/setClob, as pgjdbc does them. */
    long createWith(byte[] data) throws SQLException {
        long oid = createLO(READWRITE);
        try (LargeObject lo = open(oid, WRITE, false)) {
            lo.write(data);
        }
        return oid;
    }

    /** A large object whose writes are logged as {@code lo_put}/{@code lo_truncate} at the position they write. */
    private static final class Logged extends LargeObject {
        private final WalyLargeObjects manager;

        Logged(WalyLargeObjects manager, BaseConnection base, long oid, int mode, boolean commitOnClose) throws SQLException {
            super(base.getFastpathAPI(), oid, mode, base, commitOnClose);
            this.manager = manager;
        }

        @Override
        public void write(byte[] buf) throws SQLException {
            write(buf, 0, buf.length);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws SQLException {
            byte[] data = java.util.Arrays.copyOfRange(buf, off, off + len);
            long at = tell64();
            manager.log("SELECT lo_put(?, ?, ?)", List.of(Value.int8(getLongOID()), Value.int8(at), Value.bytes(data)),
                    () -> super.write(data, 0, data.length));
        }

        @Override
        public void write(ByteStreamWriter writer) throws SQLException {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try {
                writer.writeTo(() -> out);
            } catch (java.io.IOException e) {
                throw new WalySQLException(e.getMessage(), WalyState.IO_ERROR, e);
            }
            write(out.toByteArray());
        }

        @Override
        public void truncate(int len) throws SQLException {
            truncate64(len);
        }

        @Override
        public void truncate64(long len) throws SQLException {
            manager.log("SELECT lo_truncate64(lo_open(?, 131072), ?)", List.of(Value.int8(getLongOID()), Value.int8(len)),
                    () -> super.truncate64(len));
        }
    }
}
