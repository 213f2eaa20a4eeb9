package io.powerloom.sequencer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    enum Mode {
        COMMIT,
        AUDIT,
        NONE,
        COMMITTED_OR_EARLIEST
    }

    static final Option<String> RPC = Option.string("sequencer.chain.rpc-url")
            .defaultValue("http://127.0.0.1:8545")
            .description("rpc")
            .deprecatedKeys("chain.rpc.url");
    static final Option<Integer> STREAMS = Option.integer("sequencer.collect.max-streams")
            .defaultValue(20000)
            .atLeast(1)
            .deprecatedKeys("collect.max.streams");
    static final Option<Duration> LINGER = Option.duration("sequencer.kafka.linger")
            .defaultValue(Duration.ofMillis(5))
            .notNegative();
    static final Option<Duration> RUN_FOR = Option.duration("sequencer.local.duration", ChronoUnit.SECONDS);
    static final Option<Long> MAX_BYTES = Option.byteSize("sequencer.collect.max-message-bytes")
            .defaultValue(64L * 1024)
            .deprecatedKeys("collect.max.message.bytes");
    static final Option<Mode> MODE =
            Option.enumeration("sequencer.anchor.mode", Mode.class).defaultValue(Mode.COMMIT);
    static final Option<List<String>> PEERS =
            Option.list("sequencer.gossip.bootstrap-peers").defaultValue(List.of());
    static final Option<Boolean> ENABLED =
            Option.bool("sequencer.gossip.enabled").defaultValue(false);
    static final Option<String> MARKET = Option.string("sequencer.data-market").description("required");

    static final OptionSet SET = OptionSet.of(
                    "test", "Test", List.of(RPC, STREAMS, LINGER, RUN_FOR, MAX_BYTES, MODE, PEERS, ENABLED, MARKET))
            .withPassThrough("sequencer.kafka.producer.", "kafka.producer.")
            .withLegacyEnvPrefix("SEQUENCER_BRIDGE_");

    @Test
    void laterSourcesOverrideEarlierOnesFileThenArgumentsThenEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.properties");
        Files.writeString(
                file,
                "sequencer.chain.rpc-url=http://file\nsequencer.collect.max-streams=5\nsequencer.kafka.linger=7ms\n");
        Config c = ConfigLoader.of(SET)
                .file(file)
                .args(new String[] {"--sequencer.collect.max-streams", "6", "--chain.rpc-url=http://arg"})
                .env(Map.of("SEQUENCER_CHAIN_RPC_URL", "http://env", "SEQUENCER_GOSSIP_ENABLED", " "))
                .load();
        assertThat(c.get(RPC)).isEqualTo("http://env");
        assertThat(c.get(STREAMS)).isEqualTo(6);
        assertThat(c.get(LINGER)).isEqualTo(Duration.ofMillis(7));
        assertThat(c.get(ENABLED)).isFalse(); // a blank variable is unset
        assertThat(c.get(MODE)).isEqualTo(Mode.COMMIT);
        assertThat(c.get(MARKET)).isNull();
        assertThatThrownBy(() -> c.require(MARKET)).hasMessageContaining("sequencer.data-market: is required");
    }

    @Test
    void aDeprecatedKeyIsAcceptedWithOneWarningNamingTheNewKey() {
        List<String> logged = new ArrayList<>();
        Config c = ConfigLoader.of(SET)
                .onWarning(logged::add)
                .map("bridge.properties", Map.of("chain.rpc.url", "http://old", "collect.max.streams", "9"))
                .map("more.properties", Map.of("chain.rpc.url", "http://old2"))
                .env(Map.of("SEQUENCER_BRIDGE_COLLECT_MAX_MESSAGE_BYTES", "1KiB"))
                .load();
        assertThat(c.get(RPC)).isEqualTo("http://old2");
        assertThat(c.get(STREAMS)).isEqualTo(9);
        assertThat(c.get(MAX_BYTES)).isEqualTo(1024L);
        assertThat(logged)
                .contains(
                        "deprecated setting chain.rpc.url (in bridge.properties): use sequencer.chain.rpc-url instead",
                        "deprecated setting collect.max.streams (in bridge.properties): use "
                                + "sequencer.collect.max-streams instead")
                .anyMatch(l ->
                        l.contains("collect.max.message.bytes") && l.contains("sequencer.collect.max-message-bytes"))
                .hasSize(4);
        assertThat(c.warnings()).isEqualTo(logged);
    }

    @Test
    void anOldVariableNamedLikeTheNewOneIsTheNewOneWithoutAWarning() {
        OptionSet query = OptionSet.of(
                        "q",
                        "Q",
                        List.of(Option.string("sequencer.query.http-advertised").deprecatedKeys("http.advertised")))
                .withLegacyEnvPrefix("SEQUENCER_QUERY_");
        Config c = ConfigLoader.of(query)
                .env(Map.of("SEQUENCER_QUERY_HTTP_ADVERTISED", "10.0.0.1:8090"))
                .load();
        assertThat(c.raw("sequencer.query.http-advertised")).isEqualTo("10.0.0.1:8090");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void theNewKeyWinsOverItsDeprecatedKeyInOneSource() {
        Config c = ConfigLoader.of(SET)
                .map(
                        "f",
                        new java.util.TreeMap<>(
                                Map.of("sequencer.chain.rpc-url", "http://new", "chain.rpc.url", "http://old")))
                .load();
        assertThat(c.get(RPC)).isEqualTo("http://new");
    }

    @Test
    void passThroughKeysKeepTheirNameFromEverySource() {
        Config c = ConfigLoader.of(SET)
                .map("f", Map.of("kafka.producer.acks", "1", "sequencer.kafka.producer.linger.ms", "3"))
                .env(Map.of(
                        "SEQUENCER_KAFKA_PRODUCER_BATCH_SIZE", "100",
                        "SEQUENCER_BRIDGE_KAFKA_PRODUCER_COMPRESSION_TYPE", "lz4"))
                .load();
        assertThat(c.withPrefix("sequencer.kafka.producer."))
                .containsOnly(
                        Map.entry("acks", "1"),
                        Map.entry("linger.ms", "3"),
                        Map.entry("batch.size", "100"),
                        Map.entry("compression.type", "lz4"));
        assertThat(c.warnings()).hasSize(2);
    }

    @Test
    void unknownKeysAreRefusedNamingTheKeyAndTheKnownOnes() {
        assertThatThrownBy(() -> ConfigLoader.of(SET).map("bridge.properties", Map.of("collect.max.stream", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("collect.max.stream: unknown setting (in bridge.properties)")
                .hasMessageContaining("sequencer.collect.max-streams")
                .hasMessageContaining("sequencer.kafka.producer.*");
        assertThatThrownBy(() -> ConfigLoader.of(SET).args(new String[] {"--sequencer.anchor.mod", "x"}))
                .hasMessageContaining("sequencer.anchor.mod: unknown setting");
        // a shared map (the Flink configuration) holds other owners' keys; only ours are judged
        assertThat(ConfigLoader.of(SET)
                        .sharedMap("flink", Map.of("taskmanager.numberOfTaskSlots", "2"))
                        .load()
                        .values())
                .isEmpty();
        assertThatThrownBy(() -> ConfigLoader.of(SET).sharedMap("flink", Map.of("sequencer.batch.sise", "2")))
                .hasMessageContaining("sequencer.batch.sise: unknown setting");
        // environment variables that name no setting are someone else's
        assertThat(ConfigLoader.of(SET)
                        .env(Map.of("SEQUENCER_SIGNER_KEY", "0xabc"))
                        .load()
                        .values())
                .isEmpty();
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> load("--sequencer.collect.max-streams", "ten"))
                .hasMessageContaining("sequencer.collect.max-streams")
                .hasMessageContaining("'ten'")
                .hasMessageContaining("not an integer");
        assertThatThrownBy(() -> load("--sequencer.collect.max-streams", "0"))
                .hasMessageContaining("sequencer.collect.max-streams")
                .hasMessageContaining("must be at least 1");
        assertThatThrownBy(() -> load("--collect.max.streams", "0"))
                .hasMessageContaining("collect.max.streams (now sequencer.collect.max-streams): bad value '0'");
        assertThatThrownBy(() -> load("--sequencer.anchor.mode", "comit"))
                .hasMessageContaining("sequencer.anchor.mode")
                .hasMessageContaining("allowed values: commit, audit, none, committed-or-earliest");
        assertThatThrownBy(() -> load("--sequencer.kafka.linger", "soon"))
                .hasMessageContaining("sequencer.kafka.linger");
        assertThatThrownBy(() -> load("--sequencer.kafka.linger", "5 fortnights"))
                .hasMessageContaining("unknown duration unit 'fortnights'");
        assertThatThrownBy(() -> load("--sequencer.gossip.enabled", "yes"))
                .hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> load("--sequencer.collect.max-message-bytes", "1 parsec"))
                .hasMessageContaining("unknown size unit");
        assertThatThrownBy(() -> load("oops")).hasMessageContaining("oops: unexpected argument");
        assertThatThrownBy(() -> load("--sequencer.kafka.linger")).hasMessageContaining("missing value");
    }

    @Test
    void valuesParseInEveryDocumentedForm() {
        assertThat(load("--sequencer.kafka.linger", "250ms").get(LINGER)).isEqualTo(Duration.ofMillis(250));
        assertThat(load("--sequencer.kafka.linger", "2 min").get(LINGER)).isEqualTo(Duration.ofMinutes(2));
        assertThat(load("--sequencer.kafka.linger", "2m").get(LINGER)).isEqualTo(Duration.ofMinutes(2));
        assertThat(load("--sequencer.kafka.linger", "30 s").get(LINGER)).isEqualTo(Duration.ofSeconds(30));
        assertThat(load("--sequencer.kafka.linger", "1h").get(LINGER)).isEqualTo(Duration.ofHours(1));
        assertThat(load("--sequencer.kafka.linger", "40").get(LINGER)).isEqualTo(Duration.ofMillis(40));
        assertThat(load("--sequencer.local.duration", "150").get(RUN_FOR)).isEqualTo(Duration.ofSeconds(150));
        assertThat(load("--sequencer.collect.max-message-bytes", "64KiB").get(MAX_BYTES))
                .isEqualTo(65536L);
        assertThat(load("--sequencer.collect.max-message-bytes", "1 mb").get(MAX_BYTES))
                .isEqualTo(1L << 20);
        assertThat(load("--sequencer.collect.max-message-bytes", "100").get(MAX_BYTES))
                .isEqualTo(100L);
        assertThat(load("--sequencer.anchor.mode", "AUDIT").get(MODE)).isEqualTo(Mode.AUDIT);
        assertThat(load("--sequencer.anchor.mode", "committed_or_earliest").get(MODE))
                .isEqualTo(Mode.COMMITTED_OR_EARLIEST);
        assertThat(load("--sequencer.gossip.bootstrap-peers", " /ip4/a ; /ip4/b,, ")
                        .get(PEERS))
                .containsExactly("/ip4/a", "/ip4/b");
        // the format of each type reads back as the same value
        assertThat(ValueType.DURATION.format(Duration.ofMillis(500))).isEqualTo("500 ms");
        assertThat(ValueType.DURATION.format(Duration.ofMinutes(5))).isEqualTo("5 min");
        assertThat(ValueType.BYTES.format(1L << 20)).isEqualTo("1 MiB");
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(1500), Duration.ofHours(26), Duration.ofNanos(7))) {
            assertThat(ValueType.DURATION.parse(ValueType.DURATION.format(d))).isEqualTo(d);
        }
    }

    @Test
    void flagsTakeNoValue() {
        assertThat(Args.parse(new String[] {"--help", "--slots", "3"}, Set.of("help")))
                .containsExactly(Map.entry("help", "true"), Map.entry("slots", "3"));
    }

    @Test
    void aKeyIsDeclaredOnce() {
        assertThatThrownBy(() -> OptionSet.of("x", "X", List.of(RPC, Option.string("chain.rpc.url"))))
                .hasMessageContaining("chain.rpc.url declared twice");
    }

    private static Config load(String... args) {
        return ConfigLoader.of(SET).args(args).load();
    }
}
