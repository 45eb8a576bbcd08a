package io.waly.agent.bridge;

/**
 * What the advice inlined into pgjdbc calls (reflectively, see the package documentation): a per-thread depth counter that makes nested connection-making calls count
 * once (as OpenTelemetry's {@code CallDepth}), and the hand-over of a new connection to WAL-y.
 *
 * <p>The depth counts every call on the way to a physical connection that the agent watches: {@code Driver.connect},
 * {@code PGXADataSource.getXAConnection} and WAL-y's own {@code io.waly.jdbc.Connections.open} in the application's
 * class loader. Only the outermost {@code Driver.connect} (or {@code PGXAConnection.getConnection}) wraps; so a
 * connection that WAL-y's driver makes for a {@code jdbc:waly:} URL, or that pgjdbc makes for an XA connection (which
 * must stay a {@code BaseConnection}), is never wrapped by the agent.
 */
public final class Bridge {

    /** The name advice looks up in the system class loader. */
    public static final String NAME = "io.waly.agent.bridge.Bridge";

    /** The agent side: finds (or makes) the WAL-y driver classes for the pgjdbc that made the connection. */
    public interface Handler {
        /**
         * @param origin the instrumented pgjdbc class, whose class loader identifies the pgjdbc
         * @return the WAL-y connection, the connection unchanged, or a {@code SQLException} for the application
         */
        Object wrap(Class<?> origin, Object connection);
    }

    /** WAL-y's driver code as loaded next to one pgjdbc: {@code java.sql.Connection} in, out. */
    public interface Wrapper {
        /** @return the WAL-y connection, the connection unchanged, or a {@code SQLException} for the application */
        Object wrap(Object connection);
    }

    private static final ThreadLocal<int[]> DEPTH = new ThreadLocal<>() {
        @Override
        protected int[] initialValue() {
            return new int[1];
        }
    };

    private static volatile Handler handler;

    private Bridge() {}

    /** Called once, when the agent has started. */
    public static synchronized void install(Handler h) {
        if (handler == null) handler = h;
    }

    /** @return the depth of this call: 1 for the outermost */
    public static int enter() {
        return ++DEPTH.get()[0];
    }

    public static void exit() {
        int[] d = DEPTH.get();
        if (d[0] > 0) d[0]--;
    }

    /** Never throws: whatever goes wrong leaves the application its connection. */
    public static Object wrap(Class<?> origin, Object connection) {
        Handler h = handler;
        if (h == null) return connection;
        try {
            return h.wrap(origin, connection);
        } catch (Throwable t) {
            Report.once("bridge", "a connection could not be wrapped and runs without WAL-y: " + t);
            return connection;
        }
    }
}
