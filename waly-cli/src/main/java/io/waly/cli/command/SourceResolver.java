package io.waly.cli.command;

import io.waly.jdbc.replay.JdbcReplayer;
import io.waly.log.tx.InDoubtResolver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The in-doubt rule for replays that do not do it themselves (MongoDB): ask the source database's
 * {@code txid_status()} when {@code --source} is given, else apply {@code --in-doubt}; "fail" leaves the transaction
 * undecided, and replay stops on it. The same rule {@code JdbcReplayer} applies for PostgreSQL targets.
 */
final class SourceResolver implements InDoubtResolver, AutoCloseable {
    private final Connection source;
    private final JdbcReplayer.InDoubtPolicy policy;

    SourceResolver(String url, String user, String password, JdbcReplayer.InDoubtPolicy policy) throws SQLException {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        this.source = url == null ? null : DriverManager.getConnection(url, p);
        this.policy = policy;
    }

    @Override
    public Decision resolve(long txId, long dbTxid, int connection) {
        if (source != null && dbTxid >= 0) {
            try (PreparedStatement ps = source.prepareStatement("SELECT txid_status(?)")) {
                ps.setLong(1, dbTxid);
                try (ResultSet rs = ps.executeQuery()) {
                    String s = rs.next() ? rs.getString(1) : null;
                    if ("committed".equals(s)) return Decision.COMMITTED;
                    if ("aborted".equals(s)) return Decision.ROLLED_BACK;
                }
            } catch (SQLException e) {
                // the source cannot say: the policy decides
            }
        }
        return switch (policy) {
            case COMMIT -> Decision.COMMITTED;
            case ROLLBACK -> Decision.ROLLED_BACK;
            case FAIL -> Decision.UNKNOWN;
        };
    }

    @Override
    public void close() throws SQLException {
        if (source != null) source.close();
    }
}
