package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class SequencerConfigTest {

    @Test
    void argumentsOverrideFlinkConfigAndEnvironmentOverridesArguments() {
        Configuration flink = new Configuration();
        flink.setString("sequencer.batch.size", "10");
        flink.setString("sequencer.chain.rpc-url", "http://flink");
        SequencerConfig cfg = SequencerConfig.resolve(
                flink,
                new String[] {
                    "--sequencer.batch.size", "20", "--chain.rpc-url=http://arg", "--data-markets", "0xAB,0xcd"
                },
                Map.of("SEQUENCER_CHAIN_RPC_URL", "http://env"));
        assertThat(cfg.get(SequencerConfig.BATCH_SIZE)).isEqualTo(20);
        assertThat(cfg.get(SequencerConfig.RPC_URL)).isEqualTo("http://env");
        assertThat(cfg.dataMarkets()).containsExactly("0xab", "0xcd");
    }

    @Test
    void clearErrorsForBadInput() {
        assertThatThrownBy(() -> SequencerConfig.resolve(new Configuration(), new String[] {"oops"}, Map.of()))
                .hasMessageContaining("oops: unexpected argument");
        assertThatThrownBy(() -> SequencerConfig.resolve(new Configuration(), new String[] {"--batch.size"}, Map.of()))
                .hasMessageContaining("missing value");
        assertThatThrownBy(() -> SequencerJob.config(Map.of()).dataMarkets())
                .hasMessageContaining("sequencer.data-markets: is required");
        assertThatThrownBy(() -> SequencerJob.config(Map.of("sequencer.replay.epochs", "9-3"))
                        .replayEpochs())
                .hasMessageContaining("120-135");
        assertThat(SequencerJob.config(Map.of("sequencer.replay.epochs", "3-9")).replayEpochs())
                .containsExactly(3, 9);
    }

    @Test
    void anUnknownKeyIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> SequencerConfig.resolve(
                        new Configuration(), new String[] {"--sequencer.batch.sise", "10"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequencer.batch.sise: unknown setting")
                .hasMessageContaining("sequencer.batch.size")
                .hasMessageContaining("sequencer.chain.rpc-url");
        Configuration flink = new Configuration();
        flink.setString("sequencer.window.early-grase", "1 s");
        flink.setString("taskmanager.numberOfTaskSlots", "2"); // Flink's own keys are not ours to judge
        assertThatThrownBy(() -> SequencerConfig.resolve(flink, new String[0], Map.of()))
                .hasMessageContaining("sequencer.window.early-grase: unknown setting");
    }

    @Test
    void everyDeclaredOptionIsKnown() throws Exception {
        int declared = 0;
        for (var f : SequencerConfig.class.getDeclaredFields()) {
            if (f.getType() == io.powerloom.sequencer.config.Option.class) {
                declared++;
                assertThat(SequencerConfig.allOptions())
                        .contains((io.powerloom.sequencer.config.Option<?>) f.get(null));
            }
        }
        assertThat(SequencerConfig.allOptions()).hasSize(declared);
    }

    @Test
    void badValuesAreRefusedAtStartNamingTheKey() {
        assertThatThrownBy(() -> resolve("--sequencer.batch.size", "ten"))
                .hasMessageContaining("sequencer.batch.size")
                .hasMessageContaining("ten");
        assertThatThrownBy(() -> resolve("--sequencer.batch.size", "0"))
                .hasMessageContaining("sequencer.batch.size")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> resolve("--sequencer.consensus.min-share", "1.5"))
                .hasMessageContaining("sequencer.consensus.min-share")
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> resolve("--sequencer.anchor.mode", "comit"))
                .hasMessageContaining("sequencer.anchor.mode")
                .hasMessageContaining("allowed values: commit, audit, none");
        assertThatThrownBy(() -> resolve("--sequencer.checkpoint-interval", "soon"))
                .hasMessageContaining("sequencer.checkpoint-interval")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> resolve("--sequencer.replay.epochs", "9-3")).hasMessageContaining("120-135");
        assertThat(resolve("--sequencer.batch.size", "7").get(SequencerConfig.BATCH_SIZE))
                .isEqualTo(7);
    }

    @Test
    void decisionSettingsHoldTheValuesInEffectDefaultsIncluded() {
        var s = SequencerJob.config(Map.of(
                        "sequencer.batch.size",
                        "8",
                        "sequencer.verify.full-nodes",
                        "0xB,0xa",
                        "sequencer.chain.protocol-state",
                        "0xABC"))
                .decisionSettings();
        assertThat(s)
                .containsEntry("sequencer.batch.size", "8")
                .containsEntry("sequencer.batch.max-document-bytes", Integer.toString(1 << 20))
                .containsEntry("sequencer.verify.full-nodes", "0xa,0xb")
                .containsEntry("sequencer.window.early-grace", "30000 ms")
                .containsEntry("sequencer.chain.protocol-state", "0xabc");
        assertThat(s.keySet())
                .containsExactlyInAnyOrderElementsOf(SequencerConfig.DECISION_OPTIONS.stream()
                        .map(o -> o.key())
                        .toList());
    }

    @Test
    void nonDefaultsAreTheSettingsThatDifferFromTheirDefaults() {
        var cfg = SequencerJob.config(Map.of(
                "sequencer.batch.size",
                "50",
                "sequencer.consensus.min-share",
                "0.5",
                "sequencer.data-markets",
                "0xab",
                "sequencer.checkpoint-interval",
                "5 s"));
        assertThat(cfg.nonDefaults())
                .containsExactly(
                        Map.entry("sequencer.consensus.min-share", "0.5"), Map.entry("sequencer.data-markets", "0xab"));
    }

    private static SequencerConfig resolve(String... args) {
        return SequencerConfig.resolve(new Configuration(), args, Map.of());
    }

    @Test
    void modesAndPositionsAreTypedAndCheckedAtStart() {
        assertThat(resolve("--sequencer.anchor.mode", "AUDIT").get(SequencerConfig.ANCHOR_MODE))
                .isEqualTo(SequencerConfig.AnchorMode.AUDIT);
        assertThat(resolve().get(SequencerConfig.STOP_AT).isNone()).isTrue();
        SequencerConfig.KafkaPosition stop =
                resolve("--sequencer.kafka.stop-at", "offsets:0=12,1=7").get(SequencerConfig.STOP_AT);
        assertThat(stop.kind()).isEqualTo(SequencerConfig.KafkaPosition.Kind.OFFSETS);
        assertThat(stop.argument()).isEqualTo("0=12,1=7");
        assertThat(resolve("--sequencer.kafka.start-from", "timestamp:1700000000000")
                        .get(SequencerConfig.START_FROM)
                        .toString())
                .isEqualTo("timestamp:1700000000000");
        assertThatThrownBy(() -> resolve("--sequencer.kafka.stop-at", "nope"))
                .hasMessageContaining("sequencer.kafka.stop-at")
                .hasMessageContaining(
                        "allowed values: committed-or-earliest, earliest, latest, none, timestamp, offsets");
        assertThatThrownBy(() -> resolve("--sequencer.kafka.stop-at", "earliest"))
                .hasMessageContaining("must be none, latest, timestamp:… or offsets:…");
        assertThatThrownBy(() -> resolve("--sequencer.kafka.start-from", "timestamp:soon"))
                .hasMessageContaining("sequencer.kafka.start-from")
                .hasMessageContaining("timestamp:<epoch ms> expected");
        assertThatThrownBy(() -> resolve("--sequencer.kafka.start-from", "offsets:0-1"))
                .hasMessageContaining("offsets:0=120,1=98");
    }

    @Test
    void theSharedKafkaAndChainKeysAreTheOtherProcessesKeys() {
        assertThat(SequencerConfig.KAFKA_BOOTSTRAP)
                .isSameAs(io.powerloom.sequencer.protocol.config.SharedOptions.KAFKA_BOOTSTRAP);
        assertThat(SequencerConfig.RPC_URL.key()).isEqualTo("sequencer.chain.rpc-url");
        assertThat(SequencerConfig.TOPIC_SUBMISSIONS.defaultValue())
                .isEqualTo(io.powerloom.sequencer.protocol.records.Topics.SUBMISSIONS);
    }

    @Test
    void theConfigurationReferenceIsGeneratedFromTheseOptions() throws Exception {
        Path doc = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "configuration.md");
        if (!Files.exists(doc)) {
            doc = Path.of("..", "docs", "configuration.md");
        }
        io.powerloom.sequencer.config.ConfigDocs.verify(doc, REGENERATE, SequencerConfig.OPTIONS);
    }

    static final String REGENERATE = "mvn -B -ntp -q -pl flink-job -am test -Dtest=SequencerConfigTest "
            + "-Dconfig.docs.write=true -Dsurefire.failIfNoSpecifiedTests=false";
}
