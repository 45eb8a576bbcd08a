package io.waly.jdbc;

import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.config.WalyProperty;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * {@code jdbc:waly:postgresql://host:port/db?walyLogDir=…&…}: strips the {@code waly*} settings and hands
 * {@code jdbc:postgresql://host:port/db?…} with everything else exactly as given to pgjdbc; the connection it returns
 * is wrapped by WAL-y. Registered through {@code META-INF/services/java.sql.Driver} and on class initialisation.
 */
public final class Driver implements java.sql.Driver {

    public static final String PREFIX = "jdbc:waly:postgresql:";
    private static final String PG_PREFIX = "jdbc:postgresql:";

    static {
        try {
            DriverManager.registerDriver(new Driver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final org.postgresql.Driver postgres = new org.postgresql.Driver();

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) return null;
        Properties pgProps = new Properties();
        if (info != null) pgProps.putAll(info);
        Properties waly = WalyConfig.strip(pgProps);
        String pgUrl = stripWalyParameters(PG_PREFIX + url.substring(PREFIX.length()), waly);
        WalyConfig config = config(waly);
        return Connections.open(config, () -> postgres.connect(pgUrl, pgProps));
    }

    static WalyConfig config(Properties waly) throws SQLException {
        try {
            return WalyConfig.from(waly);
        } catch (IllegalArgumentException e) {
            throw new WalySQLException(e.getMessage(), WalyState.INVALID_PARAMETER_VALUE, e);
        }
    }

    /**
     * Removes {@code waly*} query parameters from the URL (into {@code waly}, where the URL beats properties, as in
     * pgjdbc) and leaves every other character of the URL as it was.
     */
    static String stripWalyParameters(String url, Properties waly) {
        int q = url.indexOf('?');
        if (q < 0) return url;
        List<String> kept = new ArrayList<>();
        for (String pair : url.substring(q + 1).split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (WalyProperty.isWalyKey(key)) {
                waly.setProperty(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } else {
                kept.add(pair);
            }
        }
        return kept.isEmpty() ? url.substring(0, q) : url.substring(0, q + 1) + String.join("&", kept);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        Properties copy = new Properties();
        if (info != null) copy.putAll(info);
        Properties waly = WalyConfig.strip(copy);
        String pgUrl = acceptsURL(url) ? stripWalyParameters(PG_PREFIX + url.substring(PREFIX.length()), waly) : url;
        List<DriverPropertyInfo> out = new ArrayList<>(Arrays.asList(postgres.getPropertyInfo(pgUrl, copy)));
        for (WalyProperty p : WalyProperty.values()) {
            DriverPropertyInfo d = new DriverPropertyInfo(p.getName(), waly.getProperty(p.getName(), p.getDefaultValue()));
            d.description = p.getDescription();
            d.choices = p.getChoices().length == 0 ? null : p.getChoices();
            out.add(d);
        }
        return out.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("WAL-y logs through SLF4J");
    }
}
