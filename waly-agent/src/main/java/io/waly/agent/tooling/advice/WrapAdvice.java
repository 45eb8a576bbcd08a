package io.waly.agent.tooling.advice;

import java.sql.Connection;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the methods where pgjdbc hands out a connection ({@code Driver.connect},
 * {@code PGXAConnection.getConnection}): the outermost such call on a thread hands the connection to WAL-y through
 * {@code io.waly.agent.bridge.Bridge}. References JDK types only (the bridge is reached reflectively in the system
 * class loader), so it links in whatever class loader defines pgjdbc. Reflection costs microseconds; these methods
 * open network connections.
 */
public final class WrapAdvice {

    private WrapAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter() throws Throwable {
        return (Integer) Class.forName("io.waly.agent.bridge.Bridge", false, ClassLoader.getSystemClassLoader())
                .getMethod("enter").invoke(null);
    }

    /**
     * A {@code SQLException} from WAL-y (its log cannot be opened and walyOnLogFailure=fail) replaces the connection,
     * which WAL-y has closed: the application sees why it has none.
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter int depth,
                            @Advice.Origin Class<?> origin,
                            @Advice.Return(readOnly = false) Connection connection,
                            @Advice.Thrown(readOnly = false) Throwable thrown) throws Throwable {
        if (depth == 0) return;   // the enter advice failed: nothing was counted
        Class<?> bridge = Class.forName("io.waly.agent.bridge.Bridge", false, ClassLoader.getSystemClassLoader());
        bridge.getMethod("exit").invoke(null);
        if (depth != 1 || thrown != null || connection == null) return;
        Object wrapped = bridge.getMethod("wrap", Class.class, Object.class).invoke(null, origin, connection);
        if (wrapped instanceof Throwable) {
            thrown = (Throwable) wrapped;
            connection = null;
        } else {
            connection = (Connection) wrapped;
        }
    }
}
