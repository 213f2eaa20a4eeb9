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
                .hasMessageContaining("unexpected argument 'oops'");
        assertThatThrownBy(() -> SequencerConfig.resolve(new Configuration(), new String[] {"--batch.size"}, Map.of()))
                .hasMessageContaining("missing value");
        assertThatThrownBy(() -> SequencerJob.config(Map.of()).dataMarkets())
                .hasMessageContaining("sequencer.data-markets is required");
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
                .hasMessageContaining("unknown setting sequencer.batch.sise")
                .hasMessageContaining("sequencer.batch.size")
                .hasMessageContaining("sequencer.chain.rpc-url");
        Configuration flink = new Configuration();
        flink.setString("sequencer.window.early-grase", "1 s");
        flink.setString("taskmanager.numberOfTaskSlots", "2"); // Flink's own keys are not ours to judge
        assertThatThrownBy(() -> SequencerConfig.resolve(flink, new String[0], Map.of()))
                .hasMessageContaining("unknown setting sequencer.window.early-grase");
    }

    @Test
    void everyDeclaredOptionIsKnown() throws Exception {
        int declared = 0;
        for (var f : SequencerConfig.class.getDeclaredFields()) {
            if (f.getType() == org.apache.flink.configuration.ConfigOption.class) {
                declared++;
                assertThat(SequencerConfig.allOptions())
                        .contains((org.apache.flink.configuration.ConfigOption<?>) f.get(null));
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
                .hasMessageContaining("commit, audit or none");
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
    void everyOptionIsDocumented() throws Exception {
        Path doc = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "configuration.md");
        if (!Files.exists(doc)) {
            doc = Path.of("..", "docs", "configuration.md");
        }
        String text = Files.readString(doc);
        for (var option : SequencerConfig.allOptions()) {
            assertThat(text)
                    .as("docs/configuration.md documents " + option.key())
                    .contains("`" + option.key() + "`");
        }
    }
}
