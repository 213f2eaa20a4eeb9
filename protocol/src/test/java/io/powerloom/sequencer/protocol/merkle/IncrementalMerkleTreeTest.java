package io.powerloom.sequencer.protocol.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.protocol.Vectors;
import io.powerloom.sequencer.protocol.crypto.Hex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frontier tree against roots of a naive full tree built in JS (different algorithm). */
class IncrementalMerkleTreeTest {

    @Test
    void zeroDigestsMatch() {
        JsonNode zs = Vectors.load("merkle.json").get("zeroDigests");
        assertThat(zs.size()).isEqualTo(33);
        for (int i = 0; i <= 32; i++) {
            assertThat(Hex.encode(IncrementalMerkleTree.zero(i)))
                    .isEqualTo(zs.get(i).asText());
        }
    }

    @Test
    void rootsMatchTheNaiveImplementation() {
        JsonNode cases = Vectors.load("merkle.json").get("cases");
        int checked = 0;
        for (JsonNode c : cases) {
            List<String> items = new ArrayList<>();
            c.get("items").forEach(i -> items.add(i.asText()));
            IncrementalMerkleTree t = new IncrementalMerkleTree();
            for (String s : items) {
                t.append(s);
            }
            assertThat(t.size()).isEqualTo(items.size());
            assertThat(Hex.encode(t.rootDigest()))
                    .as(c.get("name").asText())
                    .isEqualTo(c.get("rootDigest").asText());
            assertThat(t.rootHex())
                    .as(c.get("name").asText())
                    .isEqualTo(c.get("root").asText());
            assertThat(IncrementalMerkleTree.rootHex(items))
                    .isEqualTo(c.get("root").asText());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    @Test
    void rootCanBeReadBetweenAppends() {
        JsonNode cases = Vectors.load("merkle.json").get("cases");
        // the 100-item case: reading the root along the way must not disturb the frontier
        JsonNode c = null;
        for (JsonNode x : cases) {
            if (x.get("items").size() == 100) {
                c = x;
            }
        }
        assertThat(c).isNotNull();
        IncrementalMerkleTree t = new IncrementalMerkleTree();
        for (JsonNode i : c.get("items")) {
            t.append(i.asText());
            assertThat(t.rootHex()).startsWith("0x").hasSize(66);
        }
        assertThat(t.rootHex()).isEqualTo(c.get("root").asText());
    }

    @Test
    void orderMatters() {
        assertThat(IncrementalMerkleTree.rootHex(List.of("a", "b")))
                .isNotEqualTo(IncrementalMerkleTree.rootHex(List.of("b", "a")));
        assertThat(IncrementalMerkleTree.rootHex(List.of("a")))
                .isNotEqualTo(IncrementalMerkleTree.rootHex(List.of("a", "")));
    }
}
