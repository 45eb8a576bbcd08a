package io.waly.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A call of one of the model's application commands from Java, on a WAL-y connection:
 *
 * <pre>
 * WalyCall.of("CREATE_ACCOUNT").arg("email", "ada@example.com").arg("plan", "pro").run(connection);
 * </pre>
 *
 * The arguments are Java values as JDBC's {@code setObject} takes them ({@code String}, {@code Integer}, {@code Long},
 * {@code BigDecimal}, {@code Boolean}, {@code LocalDate}, {@code OffsetDateTime}, {@code UUID}, null). It is the SQL call
 * {@code CALL waly.create_account(email => ?, plan => ?)} made for you, so it is checked, logged and run exactly as that
 * call is: in the connection's transaction, or in one of its own in autocommit.
 */
public final class WalyCall {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");

    private final String command;
    private final Map<String, Object> args = new LinkedHashMap<>();

    private WalyCall(String command) {
        this.command = command;
    }

    /** A call of the command declared as {@code command} in the model (case aside). */
    public static WalyCall of(String command) {
        if (!NAME.matcher(command).matches()) throw new IllegalArgumentException("not a command's name: " + command);
        return new WalyCall(command);
    }

    /** The argument {@code name}; given twice, the last value counts. */
    public WalyCall arg(String name, Object value) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("not an argument's name: " + name);
        args.put(name, value);
        return this;
    }

    /** The call as SQL: {@code CALL waly.create_account(email => ?, plan => ?)}. */
    public String sql() {
        List<String> named = new ArrayList<>();
        for (String n : args.keySet()) named.add(n + " => ?");
        return "CALL waly." + command + "(" + String.join(", ", named) + ")";
    }

    /** Runs the call on {@code connection}, a WAL-y connection whose model declares the command. */
    public void run(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql())) {
            int i = 1;
            for (Object v : args.values()) ps.setObject(i++, v);
            ps.execute();
        }
    }
}
