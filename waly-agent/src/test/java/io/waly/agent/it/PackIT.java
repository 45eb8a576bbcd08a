package io.waly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built jar's pack, read by the agent's own class loader as the agent makes it at the first pgjdbc class: classes,
 * resources as streams and as URLs (a {@code META-INF/services} file of the hidden waly-jdbc), child-first, the rest
 * from the parent. Here the agent jar's ordinary classes are loaded by a fresh {@link URLClassLoader}, as the system
 * class loader loads them in an application.
 */
class PackIT {

    URLClassLoader agentJar;
    ClassLoader tooling;

    @BeforeEach
    void toolingLoader() throws Exception {
        agentJar = new URLClassLoader(new URL[] {TestClassPath.agentJar().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> loaderClass = agentJar.loadClass("io.waly.agent.bridge.AgentClassLoader");
        Method tooling = loaderClass.getDeclaredMethod("tooling", String.class, Properties.class);
        tooling.setAccessible(true);
        Object transformer = tooling.invoke(null, "io.waly.agent.tooling.PgjdbcTransformer", new Properties());
        this.tooling = transformer.getClass().getClassLoader();
        assertThat(this.tooling.getClass()).isSameAs(loaderClass);
    }

    @AfterEach
    void close() throws Exception {
        agentJar.close();
    }

    @Test
    void classesComeFromThePackTheBridgeFromTheAgentJarTheRestFromTheParent() throws Exception {
        assertThat(tooling.loadClass("io.waly.shaded.bytebuddy.ByteBuddy").getClassLoader()).isSameAs(tooling);
        assertThat(tooling.loadClass("io.waly.jdbc.config.WalyConfig").getClassLoader()).isSameAs(tooling);
        assertThat(tooling.loadClass("io.waly.agent.bridge.Bridge").getClassLoader()).isSameAs(agentJar);
        assertThat(tooling.loadClass("java.sql.Connection").getClassLoader()).isSameAs(ClassLoader.getPlatformClassLoader());
        assertThat(tooling.loadClass("java.lang.String").getClassLoader()).isNull();
        assertThat(agentJar.getResource("io/waly/shaded/bytebuddy/ByteBuddy.class")).as("hidden from other loaders").isNull();
    }

    @Test
    void resourcesAsStreamsAndAsUrls() throws Exception {
        try (InputStream in = tooling.getResourceAsStream("io/waly/agent/tooling/advice/WrapAdvice.class")) {
            byte[] b = in.readAllBytes();
            assertThat(b).startsWith((byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE);
        }
        List<URL> urls = Collections.list(tooling.getResources("META-INF/services/java.sql.Driver"));
        assertThat(urls).hasSize(1);
        URL url = urls.get(0);
        assertThat(url.getProtocol()).isEqualTo("waly-agent");
        assertThat(url).isEqualTo(tooling.getResource("/META-INF/services/java.sql.Driver"));
        try (InputStream in = url.openStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("io.waly.jdbc.Driver");
        }
        try (InputStream in = new URL(url, "io.waly.shaded.jackson.core.JsonFactory").openStream()) {
            assertThat(in.readAllBytes()).as("a URL relative to a packed resource").isNotEmpty();
        }
        assertThat(tooling.getResource("no/such/resource")).isNull();
        assertThat(tooling.getResourceAsStream("no/such/resource")).isNull();
    }
}
