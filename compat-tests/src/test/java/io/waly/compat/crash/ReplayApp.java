package io.waly.compat.crash;

import io.waly.jdbc.replay.PostgresTarget;
import io.waly.log.replay.ReplayOptions;
import io.waly.log.replay.Replayer;
import io.waly.log.replay.ReplayListener;
import io.waly.log.replay.ReplaySummary;
import io.waly.log.tx.Transaction;
import java.nio.file.Path;

/**
 * A replay process for {@link ReplayKillTest}: replays a log into a target and is killed on the way — SIGKILL from
 * outside at a random time, or halting itself when its listener hears that the n-th transaction was applied (the
 * replayer calls it after the target committed the transaction and its cursor).
 */
public final class ReplayApp {
    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        String target = args[1];
        long haltAfter = Long.parseLong(args[2]);
        System.out.println("ready");
        System.out.flush();
        Replayer.replay(log, ReplayOptions.builder().listener(new ReplayListener() {
            private long applied;

            @Override
            public void applied(Transaction tx, ReplaySummary soFar) {
                if (++applied == haltAfter) Runtime.getRuntime().halt(CrashApp.HALTED);
            }
        }).build(), new PostgresTarget(target));
        System.exit(0);
    }
}
