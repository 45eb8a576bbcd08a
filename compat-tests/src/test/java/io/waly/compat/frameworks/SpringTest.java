package io.waly.compat.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.waly.compat.support.RoundTrip;
import io.waly.jdbc.WalyDataSource;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.SimpleJdbcInsert;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring's JdbcTemplate family and {@code @Transactional} (the annotation read by Spring's own interceptor on an AOP
 * proxy, as a Spring application gets it) over WAL-y wrapping a HikariCP pool: REQUIRED, NESTED (savepoints),
 * REQUIRES_NEW (a second pooled connection while the first is in a transaction), rollback rules.
 */
class SpringTest {

    @TempDir
    Path logDir;

    public interface Ledger {
        void transfer(int from, int to, long amount, boolean failInside);

        void auditInNewTransaction(String what);

        void nestedAttempt(int account, long amount);
    }

    public static class LedgerService implements Ledger {
        final JdbcTemplate jdbc;
        Ledger self;   // the proxy, so that calls between methods go through the interceptor

        LedgerService(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        @Transactional
        public void transfer(int from, int to, long amount, boolean failInside) {
            jdbc.update("UPDATE account SET balance = balance - ? WHERE id = ?", amount, from);
            self.auditInNewTransaction("transfer " + from + "->" + to + " " + amount);   // commits even if we roll back
            try {
                self.nestedAttempt(to, amount);
            } catch (DataIntegrityViolationException e) {
                jdbc.update("INSERT INTO audit (what) VALUES (?)", "nested failed, outer continues");
            }
            jdbc.update("UPDATE account SET balance = balance + ? WHERE id = ?", amount, to);
            if (failInside) throw new IllegalStateException("business rule: roll back the transfer");
        }

        @Override
        @Transactional(propagation = Propagation.REQUIRES_NEW)
        public void auditInNewTransaction(String what) {
            jdbc.update("INSERT INTO audit (what) VALUES (?)", what);
        }

        @Override
        @Transactional(propagation = Propagation.NESTED)
        public void nestedAttempt(int account, long amount) {
            jdbc.update("INSERT INTO bonus (account, amount) VALUES (?, ?)", account, amount);
            // the CHECK constraint fails for big amounts: the savepoint rolls back this method's work only
            jdbc.update("UPDATE account SET balance = balance - ? * 1000 WHERE id = ?", amount, account);
        }
    }

    @Test
    void jdbcTemplateAndTransactionalWithNestedPropagationReplayExactly() throws Exception {
        RoundTrip rt = new RoundTrip("spring", logDir);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(rt.source);
        hc.setMaximumPoolSize(4);
        hc.setAutoCommit(true);
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            WalyDataSource waly = new WalyDataSource(pool);
            waly.setLogDir(logDir.toString());
            DataSource ds = waly;
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            jdbc.execute("CREATE TABLE account (id int PRIMARY KEY, owner text, balance bigint NOT NULL CHECK (balance >= 0))");
            jdbc.execute("CREATE TABLE audit (id serial PRIMARY KEY, what text, at timestamptz DEFAULT now())");
            jdbc.execute("CREATE TABLE bonus (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account int, amount bigint)");

            int[][] counts = jdbc.batchUpdate("INSERT INTO account (id, owner, balance) VALUES (?, ?, ?)",
                    List.of(new Object[] {1, "ann", 1000}, new Object[] {2, "bob", 500}, new Object[] {3, "cy", 0},
                            new Object[] {4, "dee", 42}), 3, (PreparedStatement ps, Object[] row) -> {
                        ps.setInt(1, (Integer) row[0]);
                        ps.setString(2, (String) row[1]);
                        ps.setLong(3, ((Integer) row[2]).longValue());
                    });
            assertThat(counts).hasNumberOfRows(2);
            assertThatThrownBy(() -> jdbc.update("INSERT INTO account (id, owner, balance) VALUES (1, 'dup', 0)"))
                    .isInstanceOf(DuplicateKeyException.class);

            KeyHolder keys = new GeneratedKeyHolder();
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement("INSERT INTO audit (what) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
                ps.setString(1, "opened");
                return ps;
            }, keys);
            assertThat(keys.getKeys()).containsEntry("id", 1);
            NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
            named.update("UPDATE account SET owner = :owner WHERE id = :id", new MapSqlParameterSource("owner", "Ann").addValue("id", 1));
            Number bonusId = new SimpleJdbcInsert(jdbc).withTableName("bonus").usingGeneratedKeyColumns("id")
                    .executeAndReturnKey(Map.of("account", 4, "amount", 1L));
            assertThat(bonusId.intValue()).isEqualTo(1);

            // @Transactional through Spring's interceptor
            DataSourceTransactionManager tm = new DataSourceTransactionManager(ds);
            tm.setNestedTransactionAllowed(true);
            LedgerService target = new LedgerService(jdbc);
            ProxyFactory pf = new ProxyFactory(target);
            pf.addInterface(Ledger.class);
            pf.addAdvice(new TransactionInterceptor(tm, new AnnotationTransactionAttributeSource()));
            Ledger ledger = (Ledger) pf.getProxy();
            target.self = ledger;

            ledger.transfer(1, 2, 100, false);   // nested bonus: 100*1000 > 500+... fails; savepoint rolled back
            ledger.transfer(2, 3, 1, false);     // nested bonus succeeds? 1*1000 > 0: fails too, outer continues
            assertThatThrownBy(() -> ledger.transfer(1, 3, 50, true)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ledger.transfer(3, 1, 1_000_000, false)).isInstanceOf(DataIntegrityViolationException.class);
            ledger.transfer(4, 1, 0, false);     // nested succeeds: amount 0

            // TransactionTemplate with explicit savepoints and isolation
            TransactionTemplate tt = new TransactionTemplate(tm);
            tt.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
            tt.executeWithoutResult(status -> {
                jdbc.update("UPDATE account SET balance = balance + 7 WHERE id = 4");
                Object sp = status.createSavepoint();
                jdbc.update("DELETE FROM audit");
                status.rollbackToSavepoint(sp);
                jdbc.update("INSERT INTO audit (what) VALUES ('template')");
            });
            tt.executeWithoutResult(status -> {
                jdbc.update("UPDATE account SET balance = 0");
                status.setRollbackOnly();
            });

            assertThat(jdbc.queryForList("SELECT balance FROM account ORDER BY id", Long.class)).containsExactly(900L, 599L, 1L, 49L);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit WHERE what LIKE 'transfer%'", Long.class)).isEqualTo(4);
        }
        rt.replayAndAssertEqual();
    }
}
