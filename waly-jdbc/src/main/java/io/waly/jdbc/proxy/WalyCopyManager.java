package io.waly.jdbc.proxy;

import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.capture.CopyCapture;
import io.waly.jdbc.values.JdbcValues;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * pgjdbc's COPY API with the copied data in the log. The data is read completely and logged with the COPY statement
 * before any of it is sent (the write-ahead rule holds for data, too); it is then sent as the same bytes. For the
 * low-level {@link #copyIn(String)} API the COPY command is sent at once, as pgjdbc sends it — so that a bad command
 * (an unknown column, a missing table) fails at the same call as with pgjdbc — and the rows written are held until
 * {@code endCopy}, then logged and sent: nothing is applied before the log has it. The price: a COPY's data is held in
 * memory once.
 */
final class WalyCopyManager extends CopyManager {
    private final WalyConnection connection;
    private final Charset encoding;
    /** Does the sending: pgjdbc's copyIn variants call each other virtually, so WAL-y must not re-enter itself. */
    private final CopyManager real;

    WalyCopyManager(WalyConnection connection, BaseConnection base) throws SQLException {
        super(base);
        this.connection = connection;
        this.real = new CopyManager(base);
        this.encoding = base.getEncoding().name().equalsIgnoreCase("UTF8") ? java.nio.charset.StandardCharsets.UTF_8
                : Charset.forName(javaName(base.getEncoding().name()));
    }

    private static String javaName(String pgName) {
        return Charset.isSupported(pgName) ? pgName : "UTF-8";
    }

    @Override
    public long copyIn(String sql, InputStream from) throws SQLException, IOException {
        return copyIn(sql, from, 65536);
    }

    @Override
    public long copyIn(String sql, InputStream from, int bufferSize) throws SQLException, IOException {
        byte[] data = JdbcValues.readAll(from, -1);
        return logged(sql, data, () -> real.copyIn(sql, new ByteArrayInputStream(data), bufferSize));
    }

    @Override
    public long copyIn(String sql, Reader from) throws SQLException, IOException {
        return copyIn(sql, from, 65536);
    }

    @Override
    public long copyIn(String sql, Reader from, int bufferSize) throws SQLException, IOException {
        byte[] data = JdbcValues.readAll(from, -1).getBytes(encoding);
        return logged(sql, data, () -> real.copyIn(sql, new ByteArrayInputStream(data), bufferSize));
    }

    @Override
    public CopyIn copyIn(String sql) throws SQLException {
        CopyCapture copy = new CopyCapture(connection.capture(), connection.delegate(), sql);
        copy.open();
        CopyIn started;
        try {
            started = real.copyIn(sql);
        } catch (SQLException e) {
            return copy.refused(e);   // refused at once, as pgjdbc refuses it; logged as the failed statement it is
        }
        return new BufferedCopyIn(copy, started);
    }

    @FunctionalInterface
    private interface CopyWork {
        long run() throws SQLException, IOException;
    }

    private long logged(String sql, byte[] data, CopyWork work) throws SQLException {
        return new CopyCapture(connection.capture(), connection.delegate(), sql).copy(data, () -> {
            try {
                return work.run();
            } catch (IOException e) {
                throw new WalySQLException("COPY failed: " + e.getMessage(), WalyState.CONNECTION_FAILURE, e);
            }
        });
    }

    /**
     * A COPY the server has started: the rows are held until endCopy, so that they are logged before the server has any
     * of them. What describes the COPY (its format, its fields) is the server's answer, as pgjdbc gives it.
     */
    private final class BufferedCopyIn implements CopyIn {
        private final CopyCapture copy;
        private final CopyIn started;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private boolean active = true;
        private long handled = -1;

        BufferedCopyIn(CopyCapture copy, CopyIn started) {
            this.copy = copy;
            this.started = started;
        }

        @Override
        public void writeToCopy(byte[] buf, int off, int siz) {
            buffer.write(buf, off, siz);
        }

        @Override
        public void writeToCopy(org.postgresql.util.ByteStreamWriter from) throws SQLException {
            try {
                from.writeTo(() -> buffer);
            } catch (IOException e) {
                throw new WalySQLException(e.getMessage(), WalyState.IO_ERROR, e);
            }
        }

        @Override
        public void flushCopy() {
            // held until endCopy
        }

        @Override
        public long endCopy() throws SQLException {
            active = false;
            byte[] data = buffer.toByteArray();
            handled = copy.end(data, () -> {
                started.writeToCopy(data, 0, data.length);
                return started.endCopy();
            });
            return handled;
        }

        @Override
        public int getFieldCount() {
            return started.getFieldCount();
        }

        @Override
        public int getFormat() {
            return started.getFormat();
        }

        @Override
        public int getFieldFormat(int field) {
            return started.getFieldFormat(field);
        }

        @Override
        public boolean isActive() {
            return active && started.isActive();
        }

        @Override
        public void cancelCopy() throws SQLException {
            active = false;
            buffer.reset();
            try {
                started.cancelCopy();
            } finally {
                copy.cancelled();
            }
        }

        @Override
        public long getHandledRowCount() {
            return handled;
        }
    }
}
