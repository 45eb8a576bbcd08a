package io.waly.compat.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.compat.support.RoundTrip;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Lob;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleObjectStateException;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Hibernate ORM 6 as applications use it: schema export, sequence ids (pooled, allocation 50) and identity ids,
 * relations with cascades, JDBC batching, {@code @Version}, {@code @Lob}, java.time — through a {@code WalyDataSource};
 * then the log is replayed into a fresh database and every table compared. Last, the restored database is used by
 * Hibernate again: new rows get ids that collide with nothing.
 */
class HibernateTest {

    @TempDir
    Path logDir;

    @Entity(name = "Customer")
    @Table(name = "customer")
    public static class Customer {
        @Id
        @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "customer_seq")
        @SequenceGenerator(name = "customer_seq", sequenceName = "customer_seq", allocationSize = 50)
        Long id;
        @Version
        int version;
        @Column(nullable = false)
        String name;
        LocalDate birthday;
        Instant createdAt;
        OffsetDateTime lastSeen;
        LocalDateTime localStamp;
        LocalTime wakeUp;
        Duration patience;
        UUID externalId;
        // @Lob as PostgreSQL users map it (text / bytea); Hibernate's default @Lob mapping (large objects) is Document's
        @Lob
        @JdbcTypeCode(SqlTypes.LONG32VARCHAR)
        String notes;
        @Lob
        @JdbcTypeCode(SqlTypes.LONG32VARBINARY)
        byte[] avatar;
        @OneToMany(mappedBy = "customer", cascade = CascadeType.ALL, orphanRemoval = true)
        List<PurchaseOrder> orders = new ArrayList<>();
    }

    @Entity(name = "PurchaseOrder")
    @Table(name = "purchase_order")
    public static class PurchaseOrder {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        @Version
        long version;
        @ManyToOne(fetch = FetchType.LAZY, optional = false)
        @JoinColumn(name = "customer_id")
        Customer customer;
        BigDecimal total;
        LocalDateTime placedAt;
        @OneToMany(mappedBy = "order", cascade = CascadeType.ALL, orphanRemoval = true)
        List<OrderLine> lines = new ArrayList<>();
    }

    @Entity(name = "OrderLine")
    @Table(name = "order_line")
    public static class OrderLine {
        @Id
        @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "line_seq")
        @SequenceGenerator(name = "line_seq", sequenceName = "line_seq", allocationSize = 20)
        Long id;
        @ManyToOne(fetch = FetchType.LAZY, optional = false)
        @JoinColumn(name = "order_id")
        PurchaseOrder order;
        String sku;
        int quantity;
        BigDecimal price;
    }

    /** Hibernate's default {@code @Lob} mapping on PostgreSQL: {@code oid} columns holding large objects. */
    @Entity(name = "Document")
    @Table(name = "document")
    public static class Document {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        String title;
        @Lob
        String body;
        @Lob
        byte[] scan;
    }

    static SessionFactory sessionFactory(DataSource ds, String ddl, Class<?>... entities) {
        Configuration cfg = new Configuration();
        for (Class<?> e : entities) cfg.addAnnotatedClass(e);
        cfg.getProperties().put(AvailableSettings.DATASOURCE, ds);
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, ddl);
        cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "25");
        cfg.setProperty(AvailableSettings.ORDER_INSERTS, "true");
        cfg.setProperty(AvailableSettings.ORDER_UPDATES, "true");
        cfg.setProperty(AvailableSettings.SHOW_SQL, "false");
        return cfg.buildSessionFactory();
    }

    static Customer customer(int i) {
        Customer c = new Customer();
        c.name = "customer " + i;
        c.birthday = LocalDate.of(1970, 1, 1).plusDays(i * 97L);
        c.createdAt = Instant.parse("2024-03-01T10:15:30.123456Z").plusSeconds(i * 3600L);
        c.lastSeen = OffsetDateTime.of(2025, 1, 2, 3, 4, 5, 678_000, ZoneOffset.ofHours(i % 12 - 5));
        c.localStamp = LocalDateTime.of(2025, 6, 30, 23, 59, 59).minusMinutes(i);
        c.wakeUp = LocalTime.of(6, i % 60, 0);
        c.patience = Duration.ofMillis(1234L * i);
        c.externalId = UUID.nameUUIDFromBytes(("c" + i).getBytes());
        c.notes = ("notes of customer " + i + " — ünïcødé ✓ ").repeat(1 + i % 5);
        c.avatar = new byte[] {(byte) i, 0, (byte) 0xff, 42};
        for (int o = 0; o < 2; o++) {
            PurchaseOrder po = new PurchaseOrder();
            po.customer = c;
            po.placedAt = LocalDateTime.of(2025, 2, 1, 12, 0).plusHours(i * 2L + o);
            po.total = BigDecimal.ZERO;
            for (int l = 0; l < 3; l++) {
                OrderLine line = new OrderLine();
                line.order = po;
                line.sku = "SKU-" + i + "-" + o + "-" + l;
                line.quantity = l + 1;
                line.price = new BigDecimal("9.99").add(BigDecimal.valueOf(l));
                po.total = po.total.add(line.price.multiply(BigDecimal.valueOf(line.quantity)));
                po.lines.add(line);
            }
            c.orders.add(po);
        }
        return c;
    }

    @Test
    void entitiesRelationsBatchesVersionsLobsAndJavaTimeReplayExactly() throws Exception {
        RoundTrip rt = new RoundTrip("hibernate", logDir);
        List<Long> ids = new ArrayList<>();
        try (SessionFactory sf = sessionFactory(rt.dataSource(), "create", Customer.class, PurchaseOrder.class, OrderLine.class)) {
            // batch inserts: 40 customers, 80 orders (identity: one at a time, as Hibernate must), 240 lines (batched)
            sf.inTransaction(s -> {
                for (int i = 0; i < 40; i++) {
                    Customer c = customer(i);
                    s.persist(c);
                    if (i % 20 == 19) {
                        s.flush();
                        s.clear();
                    }
                }
            });
            sf.inSession(s -> ids.addAll(s.createQuery("select c.id from Customer c order by c.id", Long.class).list()));
            assertThat(ids).hasSize(40);

            // updates bump @Version; dirty checking writes only what changed
            sf.inTransaction(s -> {
                for (Customer c : s.createQuery("from Customer c where c.id <= :max", Customer.class)
                        .setParameter("max", ids.get(9)).list()) {
                    c.name = c.name.toUpperCase();
                    c.lastSeen = c.lastSeen.plusDays(1);
                    c.notes = c.notes + " (edited)";
                }
            });

            // optimistic locking: two sessions load the same row; the second commit fails and changes nothing
            Long contested = ids.get(3);
            try (Session a = sf.openSession(); Session b = sf.openSession()) {
                a.beginTransaction();
                b.beginTransaction();
                Customer ca = a.get(Customer.class, contested);
                Customer cb = b.get(Customer.class, contested);
                ca.name = "winner";
                a.getTransaction().commit();
                cb.name = "loser";
                assertThatThrownBy(() -> b.getTransaction().commit())
                        .satisfiesAnyOf(e -> assertThat(e).isInstanceOf(OptimisticLockException.class),
                                e -> assertThat(e).hasCauseInstanceOf(StaleObjectStateException.class));
                if (b.getTransaction().isActive()) b.getTransaction().rollback();
            }
            sf.inTransaction(s -> {
                Customer c = s.get(Customer.class, contested);
                assertThat(c.name).isEqualTo("winner");
                assertThat(c.version).isEqualTo(2);
            });

            // orphan removal and cascading delete
            sf.inTransaction(s -> {
                Customer c = s.get(Customer.class, ids.get(5));
                c.orders.get(0).lines.remove(0);
                c.orders.remove(1);
                s.remove(s.get(Customer.class, ids.get(6)));
            });

            // a transaction the application rolls back leaves nothing
            try (Session s = sf.openSession()) {
                s.beginTransaction();
                s.persist(customer(999));
                s.get(Customer.class, ids.get(7)).name = "never";
                s.flush();
                s.getTransaction().rollback();
            }

            // HQL bulk statements
            sf.inTransaction(s -> {
                s.createMutationQuery("update OrderLine l set l.quantity = l.quantity + 1 where l.sku like 'SKU-1%'").executeUpdate();
                s.createMutationQuery("delete from OrderLine l where l.quantity > 3 and l.sku like 'SKU-2%'").executeUpdate();
            });
        }

        rt.replayAndAssertEqual();
        assertThat(rt.count("SELECT count(*) FROM customer")).isEqualTo(39);

        // The restored database serves Hibernate again: every id generator hands out values nobody has.
        PGSimpleDataSource restored = new PGSimpleDataSource();
        restored.setUrl(rt.target);
        try (SessionFactory sf = sessionFactory(restored, "validate", Customer.class, PurchaseOrder.class, OrderLine.class)) {
            sf.inTransaction(s -> {
                for (int i = 100; i < 160; i++) s.persist(customer(i));
            });
            sf.inTransaction(s -> {   // PostgreSQL reads large objects (Hibernate's @Lob) only inside a transaction
                Customer c = s.get(Customer.class, ids.get(3));
                assertThat(c.name).isEqualTo("winner");
                assertThat(c.notes).startsWith("notes of customer 3");
                assertThat(c.avatar).containsExactly(3, 0, 0xff, 42);
                assertThat(c.createdAt).isEqualTo(Instant.parse("2024-03-01T10:15:30.123456Z").plus(3, ChronoUnit.HOURS));
            });
        }
    }

    @Test
    void defaultLobMappingWithLargeObjectsReplaysExactly() throws Exception {
        RoundTrip rt = new RoundTrip("hibernate_lob", logDir);
        try (SessionFactory sf = sessionFactory(rt.dataSource(), "create", Document.class)) {
            sf.inTransaction(s -> {
                for (int i = 0; i < 5; i++) {
                    Document d = new Document();
                    d.title = "doc " + i;
                    d.body = "body " + i + " ✓".repeat(i * 1000);
                    d.scan = new byte[i * 5000];
                    java.util.Arrays.fill(d.scan, (byte) i);
                    s.persist(d);
                }
            });
            sf.inTransaction(s -> s.get(Document.class, 2L).body = "rewritten");
        }
        rt.replayAndAssertEqual();   // compares the oid columns and the large objects' contents
    }
}
