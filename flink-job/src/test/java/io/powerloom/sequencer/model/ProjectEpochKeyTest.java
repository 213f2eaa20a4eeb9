package io.powerloom.sequencer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProjectEpochKeyTest {
    private static final String M = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";

    @Test
    void encodesTheStringsTheKeyedStagesHaveAlwaysKeyedBy() {
        // these strings are what savepoints hold and what Flink hashes into key groups: they must never change
        assertThat(ProjectEpochKey.of(M, 57, "aave:0xabc").encode()).isEqualTo(M + "|57|aave:0xabc");
        assertThat(ProjectEpochKey.ofEpoch(M, 57).encode()).isEqualTo(M + "|57");
        assertThat(ProjectEpochKey.ofEpoch(M, -1L).encode()).isEqualTo(M + "|18446744073709551615");
        SignedSubmission s = new SignedSubmission("id", "peer", 1, M, 2, 9, "p|q", "cid", 4, "0xs", new byte[0]);
        assertThat(ProjectEpochKey.of(s).encode()).isEqualTo(M + "|9|p|q");
    }

    @Test
    void parsesWhatItEncodesAProjectIdMayHoldBars() {
        ProjectEpochKey k = ProjectEpochKey.parse(M + "|18446744073709551615|a|b|c");
        assertThat(k).isEqualTo(ProjectEpochKey.of(M, -1L, "a|b|c"));
        assertThat(k.isEpoch()).isFalse();
        assertThat(k.epoch()).isEqualTo(ProjectEpochKey.ofEpoch(M, -1L));
        assertThat(ProjectEpochKey.parse(M + "|3")).isEqualTo(ProjectEpochKey.ofEpoch(M, 3));
        assertThat(ProjectEpochKey.parse(M + "|3").isEpoch()).isTrue();
        assertThat(ProjectEpochKey.parse(M + "|3|")).isEqualTo(ProjectEpochKey.of(M, 3, ""));
    }

    @Test
    void refusesWhatIsNotAKey() {
        assertThatThrownBy(() -> ProjectEpochKey.parse(M)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProjectEpochKey.parse(M + "|x|p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a market|epoch key");
        assertThatThrownBy(() -> ProjectEpochKey.of(M, 1, null)).isInstanceOf(NullPointerException.class);
    }
}
