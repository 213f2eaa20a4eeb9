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
        SequencerConfig cfg = SequencerConfig.resolve(flink,
                new String[] {"--sequencer.batch.size", "20", "--chain.rpc-url=http://arg", "--data-markets", "0xAB,0xcd"},
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
        assertThatThrownBy(() -> SequencerJob.config(Map.of()).dataMarkets()).hasMessageContaining("sequencer.data-markets is required");
        assertThatThrownBy(() -> SequencerJob.config(Map.of("sequencer.replay.epochs", "9-3")).replayEpochs())
                .hasMessageContaining("120-135");
        assertThat(SequencerJob.config(Map.of("sequencer.replay.epochs", "3-9")).replayEpochs()).containsExactly(3, 9);
    }

    @Test
    void everyOptionIsDocumented() throws Exception {
        Path doc = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "configuration.md");
        if (!Files.exists(doc)) {
            doc = Path.of("..", "docs", "configuration.md");
        }
        String text = Files.readString(doc);
        for (var option : SequencerConfig.allOptions()) {
            assertThat(text).as("docs/configuration.md documents " + option.key()).contains("`" + option.key() + "`");
        }
    }
}
