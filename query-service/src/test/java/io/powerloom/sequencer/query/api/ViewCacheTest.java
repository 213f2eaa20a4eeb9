package io.powerloom.sequencer.query.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.query.state.StateVersions;
import org.junit.jupiter.api.Test;

class ViewCacheTest {
    private final StateVersions versions = new StateVersions();

    @Test
    void aKeptAnswerIsServedUntilOneOfItsKeysChanges() {
        ViewCache cache = new ViewCache(versions, 1 << 20);
        ViewCache.Stamp stamp = cache.stamp("S|1", "E|m|7");
        cache.put("slot|1|m|7", stamp, "S|1", "E|m|7", new byte[] {1, 2, 3});
        assertThat(cache.get("slot|1|m|7")).containsExactly(1, 2, 3);
        versions.changed("E|m|8");
        assertThat(cache.get("slot|1|m|7")).as("another epoch changed").isNotNull();
        versions.changed("E|m|7");
        assertThat(cache.get("slot|1|m|7")).as("its epoch changed").isNull();

        cache.put("slot|1|m|7", cache.stamp("S|1", "E|m|7"), "S|1", "E|m|7", new byte[] {4});
        assertThat(cache.get("slot|1|m|7")).containsExactly(4);
        versions.changed("S|1");
        assertThat(cache.get("slot|1|m|7")).as("its slot changed").isNull();

        cache.put("epoch|m|7", cache.stamp("E|m|7", null), "E|m|7", null, new byte[] {5});
        assertThat(cache.get("epoch|m|7")).containsExactly(5);
        versions.changedAll();
        assertThat(cache.get("epoch|m|7")).as("retention or a rebalance").isNull();
    }

    @Test
    void anAnswerReadBeforeAChangeIsNeverServedAfterIt() {
        ViewCache cache = new ViewCache(versions, 1 << 20);
        ViewCache.Stamp before = cache.stamp("S|1", null);
        versions.changed("S|1"); // an update lands while the answer is being built
        cache.put("slot|1|m", before, "S|1", null, new byte[] {1});
        assertThat(cache.get("slot|1|m")).isNull();
    }

    @Test
    void theBytesKeptStayWithinTheLimitAndTheOldestMakeRoom() {
        ViewCache cache = new ViewCache(versions, 64 * 100); // answers up to 100 bytes are kept
        for (int i = 0; i < 1_000; i++) {
            cache.put("k" + i, cache.stamp("S|" + i, null), "S|" + i, null, new byte[50]);
            assertThat(cache.bytes()).isLessThanOrEqualTo(64 * 100);
        }
        assertThat(cache.size()).isEqualTo(128);
        assertThat(cache.get("k999")).isNotNull();
        assertThat(cache.get("k0")).isNull();
        cache.put("big", cache.stamp("S|x", null), "S|x", null, new byte[101]);
        assertThat(cache.get("big"))
                .as("larger than a sixty-fourth of the limit")
                .isNull();
        ViewCache none = new ViewCache(versions, 0);
        none.put("k", none.stamp("S|1", null), "S|1", null, new byte[1]);
        assertThat(none.get("k")).isNull();
    }
}
