package io.waly.log.write;

import static org.assertj.core.api.Assertions.*;

import io.waly.log.Durability;
import io.waly.log.LogConfig;
import io.waly.log.LogException;
import io.waly.log.format.RecordKind;
import io.waly.log.testing.ChildJvm;
import io.waly.log.testing.Logs;
import io.waly.log.testing.TryOpenMain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per directory: shared within a JVM through SharedLogs, refused to anyone else with a clear message. */
class SharedLogsTest {
    @TempDir Path dir;

    @Test
    void twoAcquiresShareOneWriterUntilTheLastCloses() throws Exception {
        Files.createDirectories(dir.resolve("x"));
        KeptOpen.Handle<LogWriter> a = SharedLogs.acquire(LogConfig.at(dir));
        // another spelling of the same directory, another config: the first opener's writer and config stand
        KeptOpen.Handle<LogWriter> b = SharedLogs.acquire(LogConfig.at(dir.resolve(".").resolve("x").resolve(".."))
                .withDurability(Durability.NONE));
        assertThat(b.writer()).isSameAs(a.writer());
        assertThat(b.writer().config().durability()).isEqualTo(Durability.FSYNC);
        assertThat(SharedLogs.references(dir)).isEqualTo(2);
        a.writer().append(RecordKind.STATEMENT, 1, new byte[1]);
        b.writer().append(RecordKind.STATEMENT, 1, new byte[1]);
        a.close();
        a.close();  // a second close of the same handle does not release someone else's reference
        assertThat(SharedLogs.references(dir)).isEqualTo(1);
        assertThat(b.writer().isClosed()).isFalse();
        b.writer().append(RecordKind.STATEMENT, 1, new byte[1]);
        b.close();
        assertThat(b.writer().isClosed()).isTrue();
        assertThat(SharedLogs.references(dir)).isZero();
        try (KeptOpen.Handle<LogWriter> c = SharedLogs.acquire(LogConfig.at(dir))) {
            assertThat(c.writer()).isNotSameAs(a.writer());
            assertThat(c.writer().lastSeq()).isEqualTo(3);
        }
        assertThat(Logs.readAll(dir)).hasSize(3);
    }

    @Test
    void aSecondPlainOpenInTheSameJvmIsRefused() {
        try (LogWriter w = LogWriter.open(LogConfig.at(dir))) {
            assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir))).isInstanceOf(LogException.class)
                    .hasMessageContaining("is already open for writing by another writer")
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("SharedLogs.acquire");
            assertThatThrownBy(() -> SharedLogs.acquire(LogConfig.at(dir))).isInstanceOf(LogException.class)
                    .hasMessageContaining("already open");
            w.append(RecordKind.STATEMENT, 1, new byte[1]);
        }
        LogWriter.open(LogConfig.at(dir)).close();  // released on close
    }

    @Test
    void aSecondProcessIsRefusedEvenAfterARefusedOpenInThisJvm() throws Exception {
        try (KeptOpen.Handle<LogWriter> h = SharedLogs.acquire(LogConfig.at(dir))) {
            // a refused open in this JVM must not drop the lock: closing any channel on the lock file would
            assertThatThrownBy(() -> LogWriter.open(LogConfig.at(dir))).isInstanceOf(LogException.class);
            ChildJvm.Result r = ChildJvm.run(ChildJvm.currentJava(), TryOpenMain.class, dir.toString());
            assertThat(r.exit()).as(r.stderr()).isEqualTo(3);
            assertThat(r.stdout()).contains("is already open for writing by another writer")
                    .contains("another process holds waly.lock");
        }
        ChildJvm.Result r = ChildJvm.run(ChildJvm.currentJava(), TryOpenMain.class, dir.toString());
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(Files.exists(dir.resolve("waly.lock"))).isTrue();
    }
}
