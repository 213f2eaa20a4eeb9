package io.powerloom.sequencer.finalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsensusTest {

    @Test
    void mostFrequentCidWins() {
        Consensus.Outcome o = new Consensus(1, 0).decide(Map.of("b", 3, "a", 2, "c", 1));
        assertThat(o.winner()).isEqualTo("b");
        assertThat(o.winnerCount()).isEqualTo(3);
        assertThat(o.total()).isEqualTo(6);
        assertThat(o.quorum()).isTrue();
    }

    @Test
    void tiesGoToTheSmallestCidWhateverTheOrder() {
        Map<String, Integer> one = new LinkedHashMap<>();
        one.put("bafkz", 2);
        one.put("bafka", 2);
        Map<String, Integer> other = new LinkedHashMap<>();
        other.put("bafka", 2);
        other.put("bafkz", 2);
        assertThat(new Consensus(1, 0).decide(one).winner()).isEqualTo("bafka");
        assertThat(new Consensus(1, 0).decide(other).winner()).isEqualTo("bafka");
    }

    @Test
    void oneSubmissionIsEnoughByDefault() {
        assertThat(new Consensus(1, 0).decide(Map.of("x", 1)).quorum()).isTrue();
    }

    @Test
    void quorumNeedsMinCountAndMinShare() {
        assertThat(new Consensus(3, 0).decide(Map.of("x", 2)).quorum()).isFalse();
        assertThat(new Consensus(2, 0).decide(Map.of("x", 2)).quorum()).isTrue();
        assertThat(new Consensus(1, 0.51).decide(Map.of("x", 2, "y", 2)).quorum())
                .isFalse();
        assertThat(new Consensus(1, 0.5).decide(Map.of("x", 2, "y", 2)).quorum())
                .isTrue();
        assertThat(new Consensus(1, 0).decide(Map.of()).quorum()).isFalse();
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> new Consensus(0, 0)).hasMessageContaining("min-count");
        assertThatThrownBy(() -> new Consensus(1, 1.5)).hasMessageContaining("min-share");
    }
}
