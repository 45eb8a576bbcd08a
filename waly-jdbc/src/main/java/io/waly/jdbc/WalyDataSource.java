package io.waly.jdbc;

import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.config.WalyProperty;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that gives WAL-y connections, in two ways:
 * <ul>
 *   <li>wrapping any DataSource that hands out pgjdbc connections, a HikariCP pool included:
 *       {@code new WalyDataSource(pool).setLogDir("/var/lib/app/waly")};</li>
 *   <li>as a bean, for {@code dataSourceClassName=io.waly.jdbc.WalyDataSource} in HikariCP and frameworks: set
 *       {@code url} ({@code jdbc:postgresql:} or {@code jdbc:waly:postgresql:}), {@code user}, {@code password} and
 *       any {@code waly*} setting through the setters or {@link #setProperty}.</li>
 * </ul>
 */
public class WalyDataSource implements DataSource {

    private DataSource target;
    private String url;
    private final Properties properties = new Properties();
    private PrintWriter logWriter;
    private int loginTimeout;

    public WalyDataSource() {}

    public WalyDataSource(DataSource target) {
        this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties waly = new Properties();
        Properties pg = new Properties();
        pg.putAll(properties);
        waly.putAll(WalyConfig.strip(pg));
        WalyConfig config = Driver.config(waly);
        if (target != null) {
            return Connections.open(config, () -> username == null ? target.getConnection() : target.getConnection(username, password));
        }
        if (url == null) throw new WalySQLException("WalyDataSource needs a url (or a DataSource to wrap)", WalyState.CONNECTION_UNABLE_TO_CONNECT);
        if (username != null) pg.setProperty("user", username);
        if (password != null) pg.setProperty("password", password);
        String pgUrl = url.startsWith(Driver.PREFIX) ? "jdbc:postgresql:" + url.substring(Driver.PREFIX.length()) : url;
        String stripped = Driver.stripWalyParameters(pgUrl, waly);
        WalyConfig finalConfig = Driver.config(waly);
        org.postgresql.Driver postgres = new org.postgresql.Driver();
        return Connections.open(finalConfig, () -> postgres.connect(stripped, pg));
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUrl() {
        return url;
    }

    public void setJdbcUrl(String url) {
        this.url = url;
    }

    public void setUser(String user) {
        properties.setProperty("user", user);
    }

    public void setUsername(String user) {
        setUser(user);
    }

    public void setPassword(String password) {
        properties.setProperty("password", password);
    }

    /** Any pgjdbc or {@code waly*} connection property. */
    public void setProperty(String key, String value) {
        properties.setProperty(key, value);
    }

    public void setLogDir(String dir) {
        properties.setProperty(WalyProperty.LOG_DIR.getName(), dir);
    }

    public void setWalyLogDir(String dir) {
        setLogDir(dir);
    }

    /** {@code walyLog}: a log not in a directory, {@code kafka://host:9092/topic?…}. */
    public void setLog(String location) {
        properties.setProperty(WalyProperty.LOG.getName(), location);
    }

    public void setWalyLog(String location) {
        setLog(location);
    }

    public void setDurability(String durability) {
        properties.setProperty(WalyProperty.DURABILITY.getName(), durability);
    }

    public void setWalyDurability(String durability) {
        setDurability(durability);
    }

    public void setWalyFlushMillis(String millis) {
        properties.setProperty(WalyProperty.FLUSH_MILLIS.getName(), millis);
    }

    public void setWalyOnLogFailure(String policy) {
        properties.setProperty(WalyProperty.ON_LOG_FAILURE.getName(), policy);
    }

    public void setTarget(DataSource target) {
        this.target = target;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
        properties.setProperty("loginTimeout", String.valueOf(seconds));
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("WAL-y logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return iface.cast(this);
        if (target != null) return target.unwrap(iface);
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || (target != null && target.isWrapperFor(iface));
    }
}
