package io.waly.jdbc;

import io.waly.log.tx.InDoubtResolver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The in-doubt rule's question to the database (FORMAT.md §6, design.md invariant 4): did the transaction with this
 * txid commit? Asked by a writer that finds transactions left in doubt by a crash, and by a replay given the source
 * database. Only {@code committed} and {@code aborted} decide; {@code in progress} or no answer leaves it in doubt.
 */
public final class TxidStatus implements InDoubtResolver, AutoCloseable {

    private final Connection source;

    private TxidStatus(Connection source) {
        this.source = source;
    }

    /** The source database as a replay's in-doubt resolver; the connection is opened here and closed with it. */
    public static TxidStatus of(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        return new TxidStatus(DriverManager.getConnection(url, p));
    }

    /** The decision for {@code dbTxid}, asked on {@code c}; UNKNOWN when the database cannot say (yet). */
    public static Decision ask(Connection c, long dbTxid) {
        if (dbTxid < 0) return Decision.UNKNOWN;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.txid_status(?)")) {
            ps.setLong(1, dbTxid);
            try (ResultSet rs = ps.executeQuery()) {
                String s = rs.next() ? rs.getString(1) : null;
                if ("committed".equals(s)) return Decision.COMMITTED;
                if ("aborted".equals(s)) return Decision.ROLLED_BACK;
                return Decision.UNKNOWN;
            }
        } catch (SQLException e) {
            return Decision.UNKNOWN;   // the database cannot say: the next rule decides
        }
    }

    @Override
    public Decision resolve(long txId, long dbTxid, int connection) {
        return ask(source, dbTxid);
    }

    @Override
    public void close() throws SQLException {
        source.close();
    }
}
