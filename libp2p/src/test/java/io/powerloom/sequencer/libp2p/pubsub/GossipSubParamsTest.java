package io.powerloom.sequencer.libp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GossipSubParamsTest {
    private final GossipSubParams base = GossipSubParams.powerloom();

    @Test
    void eachWithChangesItsOwnComponentsAndKeepsEveryOther() {
        GossipSubParams p = base.withHeartbeat(Duration.ofMillis(123))
                .withPruneBackoff(Duration.ofSeconds(7))
                .withMaxMessageSize(4321)
                .withSeenTtl(Duration.ofSeconds(9))
                .withDegrees(4, 3, 6, 5, 1);
        assertThat(p.heartbeat()).isEqualTo(Duration.ofMillis(123));
        assertThat(p.pruneBackoff()).isEqualTo(Duration.ofSeconds(7));
        assertThat(p.maxMessageSize()).isEqualTo(4321);
        assertThat(p.seenTtl()).isEqualTo(Duration.ofSeconds(9));
        assertThat(new int[] {p.d(), p.dLo(), p.dHi(), p.dLazy(), p.dOut()}).containsExactly(4, 3, 6, 5, 1);
        GossipSubParams back = p.withHeartbeat(base.heartbeat())
                .withPruneBackoff(base.pruneBackoff())
                .withMaxMessageSize(base.maxMessageSize())
                .withSeenTtl(base.seenTtl())
                .withDegrees(base.d(), base.dLo(), base.dHi(), base.dLazy(), base.dOut());
        assertThat(back).as("no other component moved").isEqualTo(base);
    }

    @Test
    void aCopyIsCheckedLikeANewOne() {
        assertThatThrownBy(() -> base.withDegrees(4, 5, 6, 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
