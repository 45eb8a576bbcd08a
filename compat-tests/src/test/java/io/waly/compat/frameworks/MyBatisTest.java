package io.waly.compat.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.compat.support.RoundTrip;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MyBatis 3 with annotated mappers: generated keys, dynamic-ish SQL, the BATCH executor, commit and rollback. */
class MyBatisTest {

    @TempDir
    Path logDir;

    public static class Product {
        public Long id;
        public String name;
        public BigDecimal price;
        public LocalDateTime listed;
    }

    public interface ProductMapper {
        @Update("CREATE TABLE product (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, price numeric(10,2), "
                + "listed timestamp, stock int DEFAULT 0)")
        void createTable();

        @Insert("INSERT INTO product (name, price, listed) VALUES (#{name}, #{price}, #{listed})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insert(Product p);

        @Update("UPDATE product SET price = price * #{factor} WHERE name LIKE #{pattern}")
        int reprice(@Param("factor") BigDecimal factor, @Param("pattern") String pattern);

        @Update("UPDATE product SET stock = stock + #{n} WHERE id = #{id}")
        int restock(@Param("id") long id, @Param("n") int n);

        @Delete("DELETE FROM product WHERE id = #{id}")
        int delete(long id);

        @Select("SELECT name FROM product ORDER BY id")
        List<String> names();
    }

    @Test
    void mappersBatchExecutorAndTransactionsReplayExactly() throws Exception {
        RoundTrip rt = new RoundTrip("mybatis", logDir);
        Configuration cfg = new Configuration(new Environment("waly", new JdbcTransactionFactory(), rt.dataSource()));
        cfg.addMapper(ProductMapper.class);
        SqlSessionFactory sf = new SqlSessionFactoryBuilder().build(cfg);

        try (SqlSession s = sf.openSession(true)) {
            s.getMapper(ProductMapper.class).createTable();
        }
        try (SqlSession s = sf.openSession()) {
            ProductMapper m = s.getMapper(ProductMapper.class);
            for (int i = 0; i < 10; i++) {
                Product p = new Product();
                p.name = "product " + i;
                p.price = new BigDecimal("10.00").add(BigDecimal.valueOf(i));
                p.listed = LocalDateTime.of(2024, 12, 24, 18, 0).plusDays(i);
                assertThat(m.insert(p)).isEqualTo(1);
                assertThat(p.id).isEqualTo(i + 1L);
            }
            m.reprice(new BigDecimal("1.10"), "product 1%");
            s.commit();
        }
        try (SqlSession s = sf.openSession(ExecutorType.BATCH)) {
            ProductMapper m = s.getMapper(ProductMapper.class);
            for (long id = 1; id <= 10; id++) m.restock(id, (int) id * 3);
            m.delete(4);
            s.flushStatements();
            s.commit();
        }
        try (SqlSession s = sf.openSession()) {
            ProductMapper m = s.getMapper(ProductMapper.class);
            m.delete(5);
            s.rollback();
            Product dup = new Product();
            dup.name = "product 2";
            assertThatThrownBy(() -> m.insert(dup)).isInstanceOf(PersistenceException.class).hasMessageContaining("duplicate key");
            s.rollback();
            assertThat(m.names()).hasSize(9).contains("product 5");
        }
        rt.replayAndAssertEqual();
    }
}
