package io.waly.log.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.waly.log.LogRecord;
import io.waly.log.LogSource;
import io.waly.log.RecordReader;
import io.waly.log.format.RecordKind;
import io.waly.log.payload.Payloads;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A log that several writers append to at once (FORMAT.md §11): one writer's OPENED or CLOSED ends only its own stream's
 * open transactions, OUTCOMEs name their statement by the stream's own number, and connection numbers are told apart
 * by stream. The records are made here as a topic's reader hands them out (position, BEGIN's position, stream).
 */
class StreamsTest {

    private static final long SELF = -1;
    private final List<LogRecord> records = new ArrayList<>();

    /** The next record, of {@code stream} with its own number {@code streamSeq}; {@code txId} SELF: its own position. */
    private long add(long stream, long streamSeq, long txId, RecordKind kind, byte[] payload) {
        long seq = records.size() + 1;
        records.add(new LogRecord(seq, seq, txId == SELF ? seq : txId, kind, payload, new byte[32], null, seq - 1,
                stream == SELF ? seq : stream, streamSeq));
        return seq;
    }

    private LogSource source() {
        return new LogSource() {
            @Override
            public RecordReader open() {
                return new RecordReader() {
                    int next;

                    @Override
                    public RecordReader fromSeq(long seq) {
                        next = (int) Math.max(0, seq - 1);
                        return this;
                    }

                    @Override
                    public RecordReader fromTime(Instant time) {
                        return this;
                    }

                    @Override
                    public LogRecord next() {
                        return next < records.size() ? records.get(next++) : null;
                    }

                    @Override
                    public LogRecord next(long timeoutMillis) {
                        return next();
                    }

                    @Override
                    public long nextSeq() {
                        return next + 1;
                    }

                    @Override
                    public byte[] logId() {
                        return new byte[16];
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public String describe() {
                return "records";
            }
        };
    }

    private static byte[] info() {
        return new Payloads.Info(Map.of("writer", "test")).encode();
    }

    private static byte[] insert(int v) {
        return new Payloads.Statement("INSERT INTO t VALUES (" + v + ")", List.of(), new int[0], null, false, -1, null, 1).encode();
    }

    private List<Transaction> read() {
        List<Transaction> txs = new ArrayList<>();
        try (TransactionReader r = TransactionReader.open(source(), 1, 0, InDoubtResolver.NONE)) {
            Transaction t;
            while ((t = r.next()) != null) txs.add(t);
        }
        return txs;
    }

    @Test
    void oneWritersOpenedDoesNotEndAnothersTransaction() {
        long a = add(SELF, 1, 0, RecordKind.OPENED, info());
        add(a, 2, 0, RecordKind.SESSION, new Payloads.Session(1, Map.of("TimeZone", "UTC")).encode());
        long ta = add(a, 3, SELF, RecordKind.BEGIN, new Payloads.Begin(1, 100, false, null, false).encode());
        add(a, 4, ta, RecordKind.STATEMENT, insert(1));
        // a second instance starts while the first one's transaction is open; its connection 1 is another connection
        long b = add(SELF, 1, 0, RecordKind.OPENED, info());
        add(b, 2, 0, RecordKind.SESSION, new Payloads.Session(1, Map.of("TimeZone", "Europe/Paris")).encode());
        long tb = add(b, 3, SELF, RecordKind.BEGIN, new Payloads.Begin(1, 101, false, null, false).encode());
        add(b, 4, tb, RecordKind.STATEMENT, insert(2));
        // both outcomes name statement 4: each its own stream's
        add(a, 5, ta, RecordKind.OUTCOME, Payloads.Outcome.ok(4, new long[] {1}, List.of()).encode());
        add(b, 5, tb, RecordKind.OUTCOME, Payloads.Outcome.ok(4, new long[] {2}, List.of()).encode());
        add(b, 6, tb, RecordKind.COMMIT, new Payloads.Commit(101).encode());
        add(a, 6, ta, RecordKind.COMMIT, new Payloads.Commit(100).encode());
        add(b, 7, tb, RecordKind.COMMITTED, Payloads.End.COMMIT.encode());
        add(a, 7, ta, RecordKind.COMMITTED, Payloads.End.COMMIT.encode());

        List<Transaction> txs = read();
        assertThat(txs).extracting(Transaction::txId).containsExactly(tb, ta);   // in commit order, neither dropped
        Transaction.StatementStep sb = (Transaction.StatementStep) txs.get(0).steps().get(0);
        Transaction.StatementStep sa = (Transaction.StatementStep) txs.get(1).steps().get(0);
        assertThat(sb.outcome().counts()).containsExactly(2);
        assertThat(sa.outcome().counts()).containsExactly(1);
        assertThat(txs.get(0).connection()).isNotEqualTo(txs.get(1).connection());
        assertThat(txs.get(0).session()).containsEntry("TimeZone", "Europe/Paris");
        assertThat(txs.get(1).session()).containsEntry("TimeZone", "UTC");
    }

    @Test
    void aWritersOwnOpenedOrClosedEndsItsUnfinishedTransactions() {
        long a = add(SELF, 1, 0, RecordKind.OPENED, info());
        long ta = add(a, 2, SELF, RecordKind.BEGIN, new Payloads.Begin(1, -1, false, null, false).encode());
        add(a, 3, ta, RecordKind.STATEMENT, insert(1));
        long b = add(SELF, 1, 0, RecordKind.OPENED, info());
        long tb = add(b, 2, SELF, RecordKind.BEGIN, new Payloads.Begin(1, -1, false, null, false).encode());
        add(b, 3, tb, RecordKind.STATEMENT, insert(2));
        add(a, 4, 0, RecordKind.CLOSED, info());   // the first writer closes: its open transaction never commits
        add(b, 4, tb, RecordKind.COMMIT, new Payloads.Commit(-1).encode());
        add(b, 5, tb, RecordKind.COMMITTED, Payloads.End.COMMIT.encode());
        try (TransactionReader r = TransactionReader.open(source(), 1, 0, InDoubtResolver.NONE)) {
            Transaction t = r.next();
            assertThat(t.txId()).isEqualTo(tb);
            assertThat(r.next()).isNull();
            assertThat(r.counts().neverCommitted).isEqualTo(1);
        }
    }
}
