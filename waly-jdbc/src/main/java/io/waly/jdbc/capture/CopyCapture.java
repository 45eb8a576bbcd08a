package io.waly.jdbc.capture;

import io.waly.jdbc.sql.SqlInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One {@code COPY … FROM} through pgjdbc's {@code CopyManager}: its data is logged with the statement before any of it
 * is sent (the write-ahead rule holds for data, too), and where the sequences its rows drew from stood after it, so
 * that replay copies again from the same place ({@link EffectsPlan#ofCopy}). Either in one call ({@link #copy}), or
 * for the low-level API in three: {@link #open} before the command is sent, {@link #end} when its data ends,
 * {@link #cancelled}. Driver-internal.
 */
public final class CopyCapture {
    private final ConnectionCapture capture;
    private final Connection physical;
    private final SqlInfo info;
    private final String sql;
    private final EffectsPlan plan;
    /** The order of the data's fields when some are logged as hashes (the recording policy); null otherwise. */
    private final List<String> hashedLayout;
    private ConnectionCapture.Mode mode;

    /** Classifies the COPY and decides its plan: asked before the COPY starts, since while it runs the connection answers nothing else. */
    public CopyCapture(ConnectionCapture capture, Connection physical, String sql) {
        this.capture = capture;
        this.physical = physical;
        this.sql = sql;
        this.info = capture.classify(sql);
        this.plan = EffectsPlan.ofCopy(capture, info, physical);
        this.hashedLayout = capture.copyLayoutToHash(info);
    }

    /** A whole COPY: logged with its data, then sent by {@code send}, which answers the rows copied. */
    public long copy(byte[] data, ConnectionCapture.Work<Long> send) throws SQLException {
        StatementLog st = log(data);
        return capture.write(st, () -> sent(st, send));
    }

    /** Opens what the COPY needs before its command is sent, for the low-level API whose data comes later. */
    public void open() throws SQLException {
        mode = capture.open(info, false);
    }

    /**
     * The server refused the COPY's command at once, as pgjdbc reports it: logged as the failed statement it is, and
     * thrown (this never returns; its type is the caller's).
     */
    public <T> T refused(SQLException e) throws SQLException {
        return capture.writeIn(mode, List.of(log(new byte[0])), () -> {
            throw e;
        });
    }

    /** The COPY's data ended: logged, then sent by {@code send}, which answers the rows copied. */
    public long end(byte[] data, ConnectionCapture.Work<Long> send) throws SQLException {
        StatementLog st = log(data);
        return capture.writeIn(mode, List.of(st), () -> sent(st, send));
    }

    /** The COPY was cancelled before its data ended: nothing of it reaches the log. */
    public void cancelled() {
        capture.abandon(mode);
    }

    private StatementLog log(byte[] data) {
        StatementLog st = new StatementLog(info, sql, List.of(), null, data, -1);
        st.copyColumns = hashedLayout;
        return st;
    }

    private long sent(StatementLog st, ConnectionCapture.Work<Long> send) throws SQLException {
        long rows = send.run();
        st.counts(rows);
        // where the sequences the rows drew from stood: replay puts them there before copying again
        if (plan.readsBack() && rows > 0) st.effects(Effects.readSequences(physical, plan.pin(), rows));
        return rows;
    }
}
