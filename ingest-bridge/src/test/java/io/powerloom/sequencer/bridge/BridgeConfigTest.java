package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        BridgeConfig c = BridgeConfig.defaults();
        assertThat(c.submissionsTopic()).isEqualTo("submissions");
        assertThat(c.rejectsTopic()).isEqualTo("submissions-rejected");
        assertThat(c.maxMessageBytes()).isEqualTo(64 * 1024);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.relays()).isEmpty();
        assertThat(c.kafkaProducerOverrides()).isEmpty();
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
        Path file = dir.resolve("bridge.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "bridge.id = bridge-7",
                        "kafka.bootstrap.servers=broker-a:9092",
                        "heartbeat.interval=250ms",
                        "collect.max.message.bytes=128KiB",
                        "libp2p.relays=/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWA, /dns4/relay.example/tcp/4001/p2p/12D3KooWB",
                        "kafka.producer.batch.size=65536",
                        "chain.rpc.url=http://file"));
        Map<String, String> env = Map.of(
                "SEQUENCER_BRIDGE_KAFKA_BOOTSTRAP_SERVERS", "broker-env:9093",
                "SEQUENCER_BRIDGE_COLLECT_STREAM_INFLIGHT_HIGH", "1000",
                "SEQUENCER_BRIDGE_KAFKA_PRODUCER_BUFFER_MEMORY", "1048576",
                "SEQUENCER_BRIDGE_CHAIN_RPC_URL", "http://env:8545",
                "UNRELATED_VARIABLE", "ignored");
        BridgeConfig c = BridgeConfig.load(file, env);
        assertThat(c.bridgeId()).isEqualTo("bridge-7");
        assertThat(c.kafkaBootstrapServers()).isEqualTo("broker-env:9093");
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxMessageBytes()).isEqualTo(128 * 1024);
        assertThat(c.streamInFlightHigh()).isEqualTo(1000);
        assertThat(c.relays())
                .containsExactly("/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWA", "/dns4/relay.example/tcp/4001/p2p/12D3KooWB");
        assertThat(c.kafkaProducerOverrides())
                .containsEntry("batch.size", "65536")
                .containsEntry("buffer.memory", "1048576");
        assertThat(c.get(BridgeConfig.RPC_URL)).isEqualTo("http://env:8545");
        // every old key and variable still works, each with one warning naming its new key
        assertThat(c.warnings())
                .contains(
                        "deprecated setting kafka.bootstrap.servers (in " + file + "): use "
                                + "sequencer.kafka.bootstrap-servers instead",
                        "deprecated setting chain.rpc.url (in environment (SEQUENCER_BRIDGE_*)): use "
                                + "sequencer.chain.rpc-url instead");
    }

    @Test
    void environmentNameMapping() {
        assertThat(BridgeConfig.envName("sequencer.kafka.bootstrap-servers"))
                .isEqualTo("SEQUENCER_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(BridgeConfig.envName("sequencer.libp2p.identity-key-file"))
                .isEqualTo("SEQUENCER_LIBP2P_IDENTITY_KEY_FILE");
    }

    @Test
    void unknownKeyIsATypedErrorNamingTheKey() throws Exception {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "kafka.bootstrap.server=x:1\n");
        assertThatThrownBy(() -> BridgeConfig.load(file, Map.of()))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.server")
                .hasMessageContaining("unknown")
                .extracting(e -> ((io.powerloom.sequencer.config.ConfigException) e).key())
                .isEqualTo("kafka.bootstrap.server");
    }

    @Test
    void malformedValuesAreTypedErrors() {
        assertThatThrownBy(() -> BridgeConfig.of(Map.of("heartbeat.interval", "soon")))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("heartbeat.interval");
        assertThatThrownBy(() -> BridgeConfig.of(Map.of("collect.max.message.bytes", "big")))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("collect.max.message.bytes");
        assertThatThrownBy(() -> BridgeConfig.of(Map.of("collect.stream.inflight.low", "600")))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("low-water");
        assertThatThrownBy(() -> BridgeConfig.of(Map.of("http.listen", "8080")))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> BridgeConfig.of(Map.of("heartbeat.interval", "0s")))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void missingFileIsATypedError() {
        assertThatThrownBy(() -> BridgeConfig.load(dir.resolve("nope.properties"), Map.of()))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("cannot read");
    }

    @Test
    void sizesAndDurationsInEveryForm() {
        BridgeConfig c = BridgeConfig.of(Map.of(
                "collect.max.message.bytes",
                "1MiB",
                "kafka.linger",
                "0",
                "shutdown.timeout",
                "2m",
                "collect.reject.raw.max.bytes",
                "512"));
        assertThat(c.maxMessageBytes()).isEqualTo(1 << 20);
        assertThat(c.kafkaLinger()).isZero();
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.rejectRawMaxBytes()).isEqualTo(512);
        assertThat(c.httpListen().getPort()).isEqualTo(8080);
        assertThat(List.of(c.with(Map.of("http.listen", "127.0.0.1:0"))
                        .httpListen()
                        .getPort()))
                .containsExactly(0);
    }

    @Test
    void argumentsOverrideTheFileAndTheEnvironmentOverridesArguments() throws Exception {
        Path file = dir.resolve("bridge.properties");
        Files.writeString(file, "sequencer.collect.max-streams=5\nsequencer.bridge.id=file\n");
        BridgeConfig c = BridgeConfig.load(
                file,
                new String[] {"--sequencer.collect.max-streams", "6", "--bridge.id=arg"},
                Map.of("SEQUENCER_BRIDGE_ID", "env"));
        assertThat(c.maxStreams()).isEqualTo(6);
        assertThat(c.bridgeId()).isEqualTo("env");
    }

    @Test
    void theSharedKeysAreTheJobsKeys() {
        BridgeConfig c = BridgeConfig.of(Map.of(
                "sequencer.kafka.bootstrap-servers", "k:9092",
                "sequencer.kafka.topics.submissions", "subs",
                "sequencer.chain.rpc-url", "http://rpc"));
        assertThat(c.kafkaBootstrapServers()).isEqualTo("k:9092");
        assertThat(c.submissionsTopic()).isEqualTo("subs");
        assertThat(ChainWatcherSettings.enabled(c)).isTrue();
        assertThat(c.warnings()).isEmpty();
        assertThat(BridgeConfig.RPC_URL).isSameAs(io.powerloom.sequencer.protocol.config.SharedOptions.RPC_URL);
        assertThat(ChainWatcherSettings.enabled(c.with(Map.of("sequencer.chain-watcher.enabled", "false"))))
                .isFalse();
    }

    @Test
    void theConfigurationReferenceIsGeneratedFromTheseOptions() throws Exception {
        Path doc = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "configuration.md");
        if (!Files.exists(doc)) {
            doc = Path.of("..", "docs", "configuration.md");
        }
        io.powerloom.sequencer.config.ConfigDocs.verify(
                doc,
                "mvn -B -ntp -q -pl ingest-bridge -am test -Dtest=BridgeConfigTest -Dconfig.docs.write=true "
                        + "-Dsurefire.failIfNoSpecifiedTests=false",
                BridgeConfig.OPTIONS);
    }
}
