package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.config.Config;
import io.powerloom.sequencer.config.ConfigLoader;
import io.powerloom.sequencer.config.OptionSet;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitClientOptionsTest {
    static final OptionSet SET = OptionSet.of("commit", "Commit client", CommitClientOptions.ALL);
    static final String CONTRACT = "0x" + "ab".repeat(20);

    @Test
    void theDefaultsAreTheBuildersAndEverySettingReachesTheClient() {
        CommitClientConfig defaults = CommitClientOptions.builder(
                        ConfigLoader.of(SET)
                                .map("f", Map.of("sequencer.chain.signer-key-env-vars", "KEY"))
                                .load(),
                        "http://rpc",
                        CONTRACT)
                .build();
        CommitClientConfig builders = CommitClientConfig.builder("http://rpc", CONTRACT)
                .chainId(31337)
                .maxConcurrentCommits(128)
                .signerKeyEnvVar("KEY")
                .build();
        assertThat(defaults).isEqualTo(builders);

        Config c = ConfigLoader.of(SET)
                .args(new String[] {
                    "--sequencer.chain.signer-key-files", "/a,/b",
                    "--sequencer.chain.priority-fee-wei", "7",
                    "--sequencer.chain.fee-bump-percent", "15",
                    "--sequencer.chain.stuck-after", "9s",
                    "--sequencer.chain.http-timeout", "3 s"
                })
                .load();
        CommitClientConfig set =
                CommitClientOptions.builder(c, "http://rpc", CONTRACT).build();
        assertThat(set.signerKeyFiles()).containsExactly("/a", "/b");
        assertThat(set.priorityFeeWei()).isEqualTo(BigInteger.valueOf(7));
        assertThat(set.feeBumpPercent()).isEqualTo(15);
        assertThat(set.stuckAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(set.httpTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aValueTheClientWouldRefuseIsRefusedAtLoadNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.of(SET)
                        .args(new String[] {"--sequencer.chain.fee-bump-percent", "5"})
                        .load())
                .hasMessageContaining("sequencer.chain.fee-bump-percent")
                .hasMessageContaining("must be at least 10");
    }
}
