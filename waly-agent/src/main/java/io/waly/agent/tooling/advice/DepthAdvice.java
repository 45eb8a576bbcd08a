package io.waly.agent.tooling.advice;

import net.bytebuddy.asm.Advice;

/**
 * Inlined into methods that make a connection the agent must leave alone: it only counts the call, so that the
 * {@code Driver.connect} inside does not wrap. Used for {@code PGXADataSource.getXAConnection} (pgjdbc casts the
 * physical connection to {@code BaseConnection}) and for WAL-y's own {@code Connections.open} in the application's
 * class loader (a {@code jdbc:waly:} connection is already WAL-y's: one wrapper, not two). JDK types only, as
 * {@link WrapAdvice}.
 */
public final class DepthAdvice {

    private DepthAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter() throws Throwable {
        Class.forName("io.waly.agent.bridge.Bridge", false, ClassLoader.getSystemClassLoader()).getMethod("enter").invoke(null);
        return true;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter boolean counted) throws Throwable {
        if (counted) {
            Class.forName("io.waly.agent.bridge.Bridge", false, ClassLoader.getSystemClassLoader()).getMethod("exit").invoke(null);
        }
    }
}
