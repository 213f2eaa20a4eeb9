package io.powerloom.sequencer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProjectEpochResultTest {
    private static final ProjectEpochKey KEY = ProjectEpochKey.of("0xm", 7, "p");

    @Test
    void theBuilderSetsEachFieldByName() {
        byte[][] texts = {{'"', 'a', '"'}, {'"', 'b', '"'}};
        ProjectEpochResult r = ProjectEpochResult.builder(KEY)
                .finalized("c1")
                .counts(2, 3)
                .cidCounts(new String[] {"c1", "c2"}, new int[] {2, 1})
                .submissions(new String[] {"i1", "i2"}, texts, new long[] {4, 5})
                .window(1000, 2000)
                .closedAtWallMs(3000)
                .build();
        assertThat(r.key()).isEqualTo(KEY);
        assertThat(r.dataMarket()).isEqualTo("0xm");
        assertThat(r.epochId()).isEqualTo(7);
        assertThat(r.projectId()).isEqualTo("p");
        assertThat(r.finalized()).isTrue();
        assertThat(r.snapshotCid()).isEqualTo("c1");
        assertThat(r.winnerCount()).isEqualTo(2);
        assertThat(r.totalCount()).isEqualTo(3);
        assertThat(r.cids()).containsExactly("c1", "c2");
        assertThat(r.cidCounts()).containsExactly(2, 1);
        assertThat(r.submissionIds()).containsExactly("i1", "i2");
        assertThat(r.submissions()).isSameAs(texts);
        assertThat(r.slotIds()).containsExactly(4, 5);
        assertThat(r.windowOpenMs()).isEqualTo(1000);
        assertThat(r.windowCloseMs()).isEqualTo(2000);
        assertThat(r.closedAtWallMs()).isEqualTo(3000);

        ProjectEpochResult moved = r.toBuilder()
                .key(ProjectEpochKey.of("0xm", 8, "p"))
                .unfinalized()
                .build();
        assertThat(moved.epochId()).isEqualTo(8);
        assertThat(moved.finalized()).isFalse();
        assertThat(moved.snapshotCid()).isNull();
        assertThat(moved.submissionIds()).containsExactly("i1", "i2");
        assertThat(moved.windowCloseMs()).isEqualTo(2000);
    }

    @Test
    void refusesArraysThatDoNotAlignAndAnEpochKey() {
        assertThatThrownBy(() -> ProjectEpochResult.builder(KEY)
                        .cidCounts(new String[] {"c1"}, new int[0])
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not align");
        assertThatThrownBy(() -> ProjectEpochResult.builder(KEY)
                        .submissions(new String[] {"i1"}, new byte[1][], new long[2])
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not align");
        assertThatThrownBy(() -> ProjectEpochResult.builder(ProjectEpochKey.ofEpoch("0xm", 7)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
