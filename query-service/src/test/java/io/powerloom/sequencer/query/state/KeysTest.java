package io.powerloom.sequencer.query.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeysTest {
    static final String M = "0x00000000000000000000000000000000000000aa";

    /** Reads go straight to the partition Kafka's producer wrote the key to: the two must agree for every key kind. */
    @Test
    void aKeysPartitionIsTheOneKafkasProducerPicks() {
        Set<Integer> seen = new HashSet<>();
        for (int partitions : new int[] {1, 2, 4, 7, 16}) {
            for (long n = 0; n < 500; n++) {
                for (String key :
                        new String[] {Keys.epoch(M, n), Keys.slot(n), Keys.day(M, n), Keys.marketKey(M + n), Keys.GLOBAL
                        }) {
                    int p = Keys.partition(key, partitions);
                    assertThat(p)
                            .isEqualTo(BuiltInPartitioner.partitionForKey(
                                    key.getBytes(StandardCharsets.UTF_8), partitions));
                    if (partitions == 4) {
                        seen.add(p);
                    }
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
}
