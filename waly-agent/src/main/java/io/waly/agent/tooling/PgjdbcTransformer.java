package io.waly.agent.tooling;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.waly.agent.bridge.AgentClassLoader;
import io.waly.agent.bridge.Bridge;
import io.waly.agent.bridge.LazyTransformer;
import io.waly.agent.tooling.advice.DepthAdvice;
import io.waly.agent.tooling.advice.WrapAdvice;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Properties;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * The instrumentations, one per class (the names are {@link LazyTransformer#TARGETS}), each a Byte Buddy advice
 * inlined into one narrowly matched method. Decoration only: no member is added, so the same transformation serves a
 * class being loaded and one retransformed after a dynamic attach.
 *
 * <ul>
 *   <li>{@code org.postgresql.Driver.connect(String, Properties)}: wrap. Every pgjdbc way to a physical connection
 *       passes here: {@code DriverManager}, the driver called directly, {@code BaseDataSource.getConnection} (behind
 *       {@code PGSimpleDataSource}, {@code PGConnectionPoolDataSource}, {@code PGPoolingDataSource}) and every pool
 *       built on the driver or on those data sources.</li>
 *   <li>{@code org.postgresql.xa.PGXADataSource.getXAConnection(String, String)}: count only; pgjdbc casts the physical
 *       connection of an XA connection to {@code BaseConnection}, so it stays pgjdbc's.</li>
 *   <li>{@code org.postgresql.xa.PGXAConnection.getConnection()}: wrap the logical handle instead.</li>
 *   <li>{@code io.waly.jdbc.Connections.open(...)} in the application's class loader: count only, so a connection
 *       made by the application's own WAL-y ({@code jdbc:waly:}, {@code WalyDataSource}) keeps its one wrapper.</li>
 * </ul>
 */
public final class PgjdbcTransformer implements ClassFileTransformer {

    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE);
    private final Map<String, AsmVisitorWrapper> advice;

    /** Made by {@link LazyTransformer} at the first pgjdbc class, with the settings resolved at start. */
    public PgjdbcTransformer(AgentClassLoader tooling, Properties config) {
        // the advice calls the bridge, so its handler must be there before the first instrumented class runs; here
        // rather than at start, where its classes would cost every host JVM's start
        Bridge.install(new DriverLoaders(tooling, config));
        Advice wrap = Advice.to(WrapAdvice.class);
        Advice depth = Advice.to(DepthAdvice.class);
        advice = Map.of(
                "org/postgresql/Driver", wrap.on(named("connect").and(takesArguments(2)).and(returns(named("java.sql.Connection")))),
                "org/postgresql/xa/PGXAConnection", wrap.on(named("getConnection").and(takesArguments(0))
                        .and(returns(named("java.sql.Connection")))),
                "org/postgresql/xa/PGXADataSource", depth.on(named("getXAConnection").and(takesArguments(2))),
                "io/waly/jdbc/Connections", depth.on(named("open").and(isStatic())));
        if (!advice.keySet().equals(LazyTransformer.TARGETS)) throw new IllegalStateException("targets out of step");
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined, ProtectionDomain domain,
                            byte[] bytes) {
        AsmVisitorWrapper visitor = advice.get(className);
        if (visitor == null) return null;
        String name = className.replace('/', '.');
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes),
                ClassFileLocator.ForClassLoader.of(loader));
        TypeDescription type = TypePool.Default.of(locator).describe(name).resolve();
        return byteBuddy.decorate(type, locator).visit(visitor).make().getBytes();
    }
}
