package io.waly.jdbc.capture;

import io.waly.command.Value;
import io.waly.jdbc.WalySQLException;
import io.waly.jdbc.WalyState;
import io.waly.jdbc.values.JdbcValues;
import io.waly.log.payload.Payloads;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGResultSetMetaData;

/**
 * Writes through an updatable result set, as the statements they amount to: pgjdbc builds and runs an UPDATE, INSERT
 * or DELETE of the result's single table keyed by its primary key; WAL-y logs the same statement, with the pending
 * column values as parameters, before pgjdbc runs it. An inserted row is logged with its image as pgjdbc read it
 * back, so that defaults and serial keys replay exactly.
 */
public final class UpdatableRows {
    private final ConnectionCapture capture;
    private final Connection physical;
    private final ResultSet rs;
    private final Map<String, Object> pending = new LinkedHashMap<>();
    private String table;
    private String effectTarget;
    private List<String> keys;

    /** For {@code rs}, pgjdbc's updatable result set on the connection {@code physical}. */
    public UpdatableRows(ConnectionCapture capture, Connection physical, ResultSet rs) {
        this.capture = capture;
        this.physical = physical;
        this.rs = rs;
    }

    /** An {@code update*} call: the column's value, pending until the row is written. */
    public void pending(Object column, Object value) throws SQLException {
        String name = column instanceof Integer i ? baseColumn(i) : String.valueOf(column);
        pending.put(name, value);
    }

    public void clear() {
        pending.clear();
    }

    private String baseColumn(int i) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        String base = md.unwrap(PGResultSetMetaData.class).getBaseColumnName(i);
        return base == null || base.isEmpty() ? md.getColumnName(i) : base;
    }

    private void resolveTable() throws SQLException {
        if (table != null) return;
        PGResultSetMetaData md = rs.getMetaData().unwrap(PGResultSetMetaData.class);
        String schema = md.getBaseSchemaName(1);
        String name = md.getBaseTableName(1);
        table = (schema == null || schema.isEmpty() ? "" : quote(schema) + ".") + quote(name);
        effectTarget = (schema == null || schema.isEmpty() ? "" : schema + ".") + name;
        keys = new ArrayList<>();
        DatabaseMetaData dmd = physical.getMetaData();
        try (ResultSet pk = dmd.getPrimaryKeys(null, schema == null || schema.isEmpty() ? null : schema, name)) {
            while (pk.next()) keys.add(pk.getString("COLUMN_NAME"));
        }
    }

    public void updateRow() throws SQLException {
        resolveTable();
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
        List<Value> params = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, Object> e : pending.entrySet()) {
            if (n++ > 0) sql.append(", ");
            sql.append(quote(e.getKey())).append(" = ?");
            params.add(JdbcValues.of(e.getValue()));
        }
        appendKeyCondition(sql, params);
        run(sql.toString(), params, () -> rs.updateRow(), false);
    }

    public void insertRow() throws SQLException {
        resolveTable();
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table);
        List<Value> params = new ArrayList<>();
        if (pending.isEmpty()) {
            sql.append(" DEFAULT VALUES");
        } else {
            sql.append(" (").append(String.join(", ", pending.keySet().stream().map(UpdatableRows::quote).toList()))
                    .append(") VALUES (");
            int n = 0;
            for (Object v : pending.values()) {
                sql.append(n++ > 0 ? ", ?" : "?");
                params.add(JdbcValues.of(v));
            }
            sql.append(')');
        }
        run(sql.toString(), params, () -> rs.insertRow(), true);
    }

    public void deleteRow() throws SQLException {
        resolveTable();
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(table);
        List<Value> params = new ArrayList<>();
        appendKeyCondition(sql, params);
        run(sql.toString(), params, () -> rs.deleteRow(), false);
    }

    private void appendKeyCondition(StringBuilder sql, List<Value> params) throws SQLException {
        if (keys.isEmpty()) throw new WalySQLException("No primary key found for table " + table + ".", WalyState.INVALID_CURSOR_STATE);
        sql.append(" WHERE ");
        for (int k = 0; k < keys.size(); k++) {
            if (k > 0) sql.append(" AND ");
            sql.append(quote(keys.get(k))).append(" = ?");
            params.add(JdbcValues.of(rs.getObject(keys.get(k))));
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws SQLException;
    }

    private void run(String sql, List<Value> params, Action action, boolean imageAfter) throws SQLException {
        capture.writeAs(sql, params, () -> {
            action.run();
            return imageAfter ? List.of(image()) : List.of();
        });
        pending.clear();
    }

    /**
     * The inserted row as the database holds it, defaults included: pgjdbc's row buffer has the generated key but
     * not the other defaults, so the row is read back by its key.
     */
    private Payloads.Effect image() throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(table);
        List<Value> params = new ArrayList<>();
        appendKeyCondition(sql, params);
        try (java.sql.PreparedStatement ps = physical.prepareStatement(sql.toString())) {
            for (int i = 0; i < keys.size(); i++) ps.setObject(i + 1, rs.getObject(keys.get(i)));
            try (ResultSet row = ps.executeQuery()) {
                ResultSetMetaData md = row.getMetaData();
                List<String> cols = new ArrayList<>();
                List<Value> values = new ArrayList<>();
                row.next();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    cols.add(md.getColumnName(i));
                    values.add(JdbcValues.fromResultSet(row, i, md.getColumnTypeName(i)));
                }
                return new Payloads.Effect(Payloads.Effect.ROWS, effectTarget, cols, List.of(values));
            }
        }
    }

    private static String quote(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }
}
