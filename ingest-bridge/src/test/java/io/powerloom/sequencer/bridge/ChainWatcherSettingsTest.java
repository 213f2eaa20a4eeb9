package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.bridge.chain.ChainWatcherConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainWatcherSettingsTest {
    @TempDir
    Path dir;

    @Test
    void helmStylePropertiesPlusTheRpcUrlFromTheEnvironment() throws Exception {
        Path file = dir.resolve("bridge.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "bridge.id=bridge-3",
                        "kafka.bootstrap.servers=kafka:9092",
                        "chain.protocol.state.address=0xABCDEF0123456789abcdef0123456789ABCDEF01",
                        "chain.confirmations=5",
                        "chain.start.block=12345",
                        "chain.topic.protocol.chain=pc",
                        "chain.topic.slots=sl",
                        "chain.poll.interval=250ms"));
        BridgeConfig config = BridgeConfig.load(file, Map.of("SEQUENCER_BRIDGE_CHAIN_RPC_URL", "http://rpc:8545"));
        assertThat(ChainWatcherSettings.enabled(config)).isTrue();
        ChainWatcherConfig c = ChainWatcherSettings.from(config);
        assertThat(c.rpcUrl()).isEqualTo("http://rpc:8545");
        assertThat(c.protocolStateAddress()).isEqualTo("0xabcdef0123456789abcdef0123456789abcdef01");
        assertThat(c.confirmations()).isEqualTo(5);
        assertThat(c.startBlock()).isEqualTo(12345);
        assertThat(c.chainTopic()).isEqualTo("pc");
        assertThat(c.slotsTopic()).isEqualTo("sl");
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.transactionalId()).isEqualTo("chain-watcher-bridge-3");
    }

    @Test
    void withoutRpcUrlTheWatcherIsOff() {
        assertThat(ChainWatcherSettings.enabled(BridgeConfig.defaults())).isFalse();
        assertThat(ChainWatcherSettings.enabled(BridgeConfig.of(Map.of("chain.confirmations", "3"))))
                .isFalse();
    }

    @Test
    void aMisspelledChainKeyIsRefusedAlsoWhenTheWatcherIsOff() {
        assertThatThrownBy(() -> BridgeConfig.of(Map.of("chain.rcp.url", "http://x")))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("chain.rcp.url")
                .hasMessageContaining("sequencer.chain.rpc-url");
        assertThat(ChainWatcherSettings.enabled(BridgeConfig.of(Map.of("chain.confirmations", "3"))))
                .isFalse();
    }

    @Test
    void unknownMissingAndMalformedKeysAreTypedErrors() {
        assertThatThrownBy(() -> ChainWatcherSettings.from(BridgeConfig.of(Map.of(
                        "chain.rpc.url",
                        "http://x",
                        "chain.protocol.state.address",
                        "0x" + "11".repeat(20),
                        "chain.confirmation",
                        "2"))))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("chain.confirmation");
        assertThatThrownBy(() -> ChainWatcherSettings.from(BridgeConfig.of(Map.of("chain.rpc.url", "http://x"))))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("sequencer.chain.protocol-state");
        assertThatThrownBy(() -> ChainWatcherSettings.from(BridgeConfig.of(Map.of(
                        "chain.rpc.url",
                        "http://x",
                        "chain.protocol.state.address",
                        "0x" + "11".repeat(20),
                        "chain.confirmations",
                        "many"))))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("chain.confirmations")
                .hasMessageContaining("not an integer");
        assertThatThrownBy(() -> ChainWatcherSettings.from(
                        BridgeConfig.of(Map.of("chain.rpc.url", "http://x", "chain.protocol.state.address", "0x1234"))))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("protocolStateAddress");
        assertThatThrownBy(() -> ChainWatcherSettings.from(BridgeConfig.of(Map.of(
                        "chain.rpc.url",
                        "http://x",
                        "chain.protocol.state.address",
                        "0x" + "11".repeat(20),
                        "chain.poll.interval",
                        "often"))))
                .isInstanceOf(io.powerloom.sequencer.config.ConfigException.class)
                .hasMessageContaining("chain.poll.interval");
    }
}
