package io.waly.compat.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.command.Value;
import io.waly.jdbc.values.JdbcValues;
import io.waly.jdbc.versions.RowMapping;
import io.waly.model.Model;
import io.waly.model.Versions;
import io.waly.testing.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The values a {@link io.waly.model.RowFunction} is given, per column type, are the Java classes its javadoc lists, and
 * what it returns comes back as the column's type, equal to what went in.
 */
class JavaRowValuesTest {

    /** Column → type and a literal of it. */
    private static final Map<String, String[]> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("a", new String[] {"int2", "7"});
        COLUMNS.put("b", new String[] {"int4", "-40000"});
        COLUMNS.put("c", new String[] {"int8", "9000000000"});
        COLUMNS.put("d", new String[] {"numeric", "12.50"});
        COLUMNS.put("e", new String[] {"float4", "1.5"});
        COLUMNS.put("f", new String[] {"float8", "2.25"});
        COLUMNS.put("g", new String[] {"bool", "true"});
        COLUMNS.put("h", new String[] {"date", "1815-12-10"});
        COLUMNS.put("i", new String[] {"time", "12:34:56"});
        COLUMNS.put("j", new String[] {"timestamp", "2026-12-06 15:00:00.123"});
        COLUMNS.put("k", new String[] {"timestamptz", "2026-12-06 15:00:00+00"});
        COLUMNS.put("l", new String[] {"bytea", "\\x00ff"});
        COLUMNS.put("m", new String[] {"int4[]", "{1,NULL,3}"});
        COLUMNS.put("n", new String[] {"text[]", "{\"a b\",\"c\\\"d\"}"});
        COLUMNS.put("o", new String[] {"uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"});
        COLUMNS.put("p", new String[] {"int4multirange", "{[1959,1968),[1990,2001)}"});
        COLUMNS.put("q", new String[] {"text", "Ada"});
        COLUMNS.put("s", new String[] {"int4", null});
    }

    private static String model(String function) {
        StringBuilder v1 = new StringBuilder(), v2 = new StringBuilder();
        COLUMNS.forEach((col, t) -> {
            v1.append(v1.isEmpty() ? "" : ", ").append(col).append(": \"").append(t[0]).append('"');
            v2.append(", r_").append(col).append(": \"").append(t[0]).append('"');
        });
        return "tables:\n  t: {}\nversions:\n  - version: 1\n    tables:\n      t: {columns: {" + v1 + "}}\n"
                + "  - version: 2\n    tables:\n      t:\n        columns: {" + v1 + ", classes: text" + v2 + "}\n"
                + "        up: {java: " + function + "}\n        down: {}\n";
    }

    @Test
    void theFunctionGetsTheDocumentedJavaTypesAndItsValuesComeBackAsTheColumnsTypes() throws Exception {
        Versions versions = Model.parse(model(EchoTypes.class.getName()), "types.yaml").versions();
        List<Versions.Mapping> up = versions.path("t", versions.version("1"), versions.version("2"));
        try (Connection pg = DriverManager.getConnection(EmbeddedPostgresServer.shared().newDatabase("javamap_types"))) {
            Map<String, Value> row = row(pg);
            Map<String, Value> out = RowMapping.shift(up, row, true, pg);
            assertThat(text(pg, "text", out.get("classes"))).isEqualTo("{a=Integer, b=Integer, c=Long, d=BigDecimal, e=Float, "
                    + "f=Double, g=Boolean, h=LocalDate, i=LocalTime, j=LocalDateTime, k=OffsetDateTime, l=byte[], m=List<Integer>, "
                    + "n=List<String>, o=String, p=String, q=String, s=null}");
            for (Map.Entry<String, String[]> c : COLUMNS.entrySet()) {
                String type = c.getValue()[0];
                assertThat(text(pg, type, out.get("r_" + c.getKey()))).as(c.getKey() + " " + type)
                        .isEqualTo(text(pg, type, row.get(c.getKey())));
            }
        }
    }

    @Test
    void aValueItsColumnCannotHoldFailsTheRowNamingTheMapping() throws Exception {
        Versions versions = Model.parse("""
                tables:
                  t: {}
                versions:
                  - version: 1
                    tables:
                      t: {columns: {q: text}}
                  - version: 2
                    tables:
                      t:
                        columns: {r_q: int4, classes: text}
                        up: {java: io.waly.compat.versions.EchoTypes}
                        down: {java: io.waly.compat.versions.EchoTypes}
                """, "bad.yaml").versions();
        List<Versions.Mapping> up = versions.path("t", versions.version("1"), versions.version("2"));
        try (Connection pg = DriverManager.getConnection(EmbeddedPostgresServer.shared().newDatabase("javamap_badvalue"))) {
            Map<String, Value> row = new LinkedHashMap<>();
            row.put("q", Value.text("Ada"));
            assertThatThrownBy(() -> RowMapping.shift(up, row, true, pg))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("the up mapping of t (version 1 → 2, model line 11) (Java: io.waly.compat.versions.EchoTypes)")
                    .hasMessageContaining("invalid input syntax for type integer")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(RowMapping.JAVA_FAILED));
        }
    }

    /** The row of literals, as the log would hold it. */
    private static Map<String, Value> row(Connection pg) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        COLUMNS.forEach((col, t) -> sql.append(sql.length() > 7 ? ", " : "")
                .append(t[1] == null ? "NULL" : "'" + t[1].replace("'", "''") + "'").append("::").append(t[0]));
        Map<String, Value> row = new LinkedHashMap<>();
        try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            rs.next();
            int i = 1;
            for (String col : COLUMNS.keySet()) {
                row.put(col, JdbcValues.fromResultSet(rs, i, rs.getMetaData().getColumnTypeName(i)));
                i++;
            }
        }
        return row;
    }

    private static String text(Connection pg, String type, Value v) throws SQLException {
        try (PreparedStatement ps = pg.prepareStatement("SELECT (?::" + type + ")::text")) {
            JdbcValues.bindImage(pg, ps, 1, v);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
