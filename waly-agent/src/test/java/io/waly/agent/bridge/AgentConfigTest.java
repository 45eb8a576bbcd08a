package io.waly.agent.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waly.jdbc.config.WalyConfig;
import io.waly.jdbc.config.WalyProperty;
import io.waly.log.LogProviders;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    @TempDir
    Path dir;

    static Properties sys(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    @Test
    void precedenceIsArgumentsThenFileThenSystemPropertiesThenEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("waly.properties"), "walyLogDir=/from/file\nwalyDurability=async\n");
        Properties system = sys("waly.logDir", "/from/sys", "waly.durability", "none", "waly.flushMillis", "50");
        Map<String, String> env = Map.of("WALY_LOG_DIR", "/from/env", "WALY_FLUSH_MILLIS", "70", "WALY_SEGMENT_BYTES", "8192");

        Properties p = AgentConfig.resolve("walyLogDir=/from/args,walyConfig=" + file, system, env).driverProperties();

        assertThat(p.getProperty("walyLogDir")).isEqualTo("/from/args");
        assertThat(p.getProperty("walyDurability")).isEqualTo("async");
        assertThat(p.getProperty("walyFlushMillis")).isEqualTo("50");
        assertThat(p.getProperty("walySegmentBytes")).isEqualTo("8192");
        assertThat(p.getProperty("walyOnLogFailure")).isEqualTo("fail");
        assertThat(p.getProperty("walyCaptureEffects")).isEqualTo("auto");
    }

    @Test
    void theFileCanBeNamedBySystemPropertyOrEnvironment() throws Exception {
        Path a = Files.writeString(dir.resolve("a.properties"), "walyLogDir=/a\n");
        Path b = Files.writeString(dir.resolve("b.properties"), "walyLogDir=/b\n");
        assertThat(AgentConfig.resolve(null, sys("waly.config", a.toString()), Map.of("WALY_CONFIG", b.toString())).logDir())
                .isEqualTo(new File("/a"));
        assertThat(AgentConfig.resolve("", sys(), Map.of("WALY_CONFIG", b.toString())).logDir()).isEqualTo(new File("/b"));
    }

    @Test
    void defaults() {
        assertThat(AgentConfig.resolve(null, sys(), Map.of()).logDir()).isEqualTo(new File("./waly-log"));
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> AgentConfig.resolve("walyDurability=maybe", sys(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("walyDurability must be one of fsync, async, none but was: maybe");
        assertThatThrownBy(() -> AgentConfig.resolve("walyLogdir=/x", sys(), Map.of()))
                .hasMessageStartingWith("unknown agent option walyLogdir (options: walyLogDir, ");
        assertThatThrownBy(() -> AgentConfig.resolve("walyLogDir=/x,walyLogDir=/y", sys(), Map.of()))
                .hasMessage("agent option walyLogDir is given twice");
        assertThatThrownBy(() -> AgentConfig.resolve("walyLogDir", sys(), Map.of()))
                .hasMessageStartingWith("agent option 'walyLogDir' is not key=value");
        assertThatThrownBy(() -> AgentConfig.resolve(null, sys(), Map.of("WALY_FLUSH_MILLIS", "0")))
                .hasMessage("walyFlushMillis must be at least 1 but was: 0");
        assertThatThrownBy(() -> AgentConfig.resolve("walyAgentOnError=sometimes", sys(), Map.of()))
                .hasMessage("walyAgentOnError must be one of start, fail but was: sometimes");
        assertThatThrownBy(() -> AgentConfig.resolve("walyConfig=" + dir.resolve("none"), sys(), Map.of()))
                .hasMessageContaining("cannot be read");
    }

    /** The agent's copy of the driver's settings (startup cost, see AgentConfig) is waly-jdbc's. */
    @Test
    void driverSettingsAreWalyProperty() {
        WalyProperty[] properties = WalyProperty.values();
        assertThat(AgentConfig.DRIVER.length).isEqualTo(properties.length);
        for (int i = 0; i < properties.length; i++) {
            String[] setting = AgentConfig.DRIVER[i];
            assertThat(setting[0]).isEqualTo(properties[i].getName());
            assertThat(setting[1]).as(setting[0]).isEqualTo(properties[i].getDefaultValue());
            assertThat(Arrays.copyOfRange(setting, 2, setting.length)).as(setting[0]).containsExactly(properties[i].getChoices());
            assertThat(AgentConfig.systemPropertyName(setting[0])).isEqualTo(properties[i].systemPropertyName());
            assertThat(AgentConfig.environmentName(setting[0])).isEqualTo(properties[i].environmentName());
        }
        assertThat(AgentConfig.environmentName(AgentConfig.ON_ERROR)).isEqualTo("WALY_AGENT_ON_ERROR");
    }

    /** The agent checks the driver's settings without WalyConfig (startup cost): it must accept and refuse the same. */
    @Test
    void checksAsTheDriverDoes() {
        String[][] cases = {
                {"walyFlushMillis", "0"}, {"walyFlushMillis", "1"}, {"walyFlushMillis", "-3"}, {"walyFlushMillis", " 20 "},
                {"walyFlushMillis", "soon"}, {"walySegmentBytes", "4095"}, {"walySegmentBytes", "4096"},
                {"walySegmentBytes", "1e6"}, {"walyDurability", "ASYNC"}, {"walyDurability", " none "},
                {"walyDurability", "maybe"}, {"walyOnLogFailure", "continue"}, {"walyOnLogFailure", "ignore"},
                {"walyCaptureEffects", "Always"}, {"walyCaptureEffects", "sometimes"}, {"walyLogDir", "relative/dir"}};
        for (String[] c : cases) {
            Properties driver = AgentConfig.resolve(null, sys(), Map.of()).driverProperties();
            driver.setProperty(c[0], c[1]);
            String driverSays = null;
            try {
                WalyConfig.from(driver);
            } catch (IllegalArgumentException e) {
                driverSays = e.getMessage();
            }
            String agentSays = null;
            try {
                AgentConfig.resolve(c[0] + "=" + c[1], sys(), Map.of());
            } catch (IllegalArgumentException e) {
                agentSays = e.getMessage();
            }
            assertThat(agentSays).as(c[0] + "=" + c[1]).isEqualTo(driverSays);
        }
    }

    @Test
    void theFailurePolicyIsFoundEvenInABrokenConfiguration() throws Exception {
        assertThat(AgentConfig.failOnError("walyLogdir=/x,walyAgentOnError=fail", sys(), Map.of())).isTrue();
        assertThat(AgentConfig.failOnError("garbage,walyAgentOnError=fail", sys(), Map.of())).isTrue();
        assertThat(AgentConfig.failOnError("walyDurability=maybe", sys("waly.agentOnError", "fail"), Map.of())).isTrue();
        assertThat(AgentConfig.failOnError(null, sys(), Map.of("WALY_AGENT_ON_ERROR", "FAIL"))).isTrue();
        Path file = Files.writeString(dir.resolve("f.properties"), "walyAgentOnError=fail\nbogus=1\n");
        assertThat(AgentConfig.failOnError("walyConfig=" + file, sys(), Map.of())).isTrue();   // despite the bad key
        assertThat(AgentConfig.failOnError("walyAgentOnError=start", sys("waly.agentOnError", "fail"), Map.of())).isFalse();
        assertThat(AgentConfig.failOnError(null, sys(), Map.of())).isFalse();
    }

    /** A directory, checked at start; a Kafka topic, reached at the first connection; nothing else. */
    @Test
    void theLogIsADirectoryOrAKafkaTopic() throws Exception {
        for (String l : List.of("/var/lib/x", "relative/dir", "file:///tmp/x", "FILE:///tmp/x", "kafka://k1:9092,k2:9092/t?a=b",
                "Kafka://k/t", "s3://bucket/x", "/odd/a://b", "9p://x", "a+b.c-d://x", "://x")) {
            assertThat(AgentConfig.scheme(l)).as(l).isEqualTo(LogProviders.scheme(l));
        }
        AgentConfig.resolve("walyLog=kafka://127.0.0.1:9/t", sys(), Map.of()).checkLog();
        assertThatThrownBy(() -> AgentConfig.resolve("walyLog=s3://bucket/log", sys(), Map.of()).checkLog())
                .hasMessage("walyLog names a s3:// log, which the agent cannot write (a directory or kafka://…)");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> AgentConfig.resolve("walyLog=" + file.toUri(), sys(), Map.of()).checkLog())
                .hasMessageContaining("is not a writable directory");
        AgentConfig.resolve("walyLog=" + dir.resolve("by-walyLog").toUri(), sys(), Map.of()).checkLog();
        assertThat(dir.resolve("by-walyLog")).isDirectory();
    }

    @Test
    void theLogDirectoryMustBeWritable() throws Exception {
        AgentConfig.checkWritable(dir.resolve("new/log").toFile());
        assertThat(dir.resolve("new/log")).isDirectory().isEmptyDirectory();
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> AgentConfig.checkWritable(file.resolve("log").toFile()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a writable directory");
    }
}
