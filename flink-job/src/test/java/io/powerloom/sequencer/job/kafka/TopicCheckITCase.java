package io.powerloom.sequencer.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.job.SequencerJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job's topic check at start against a real broker (auto-creation off, as in local-infra). */
class TopicCheckITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    static Map<String, String> config(String run) {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        c.put("sequencer.kafka.topics.submissions", "submissions-" + run);
        for (String t : new String[] {"finalized", "batches", "rejected", "slot-counts", "discarded"}) {
            c.put("sequencer.kafka.topics." + t, t + "-" + run);
        }
        c.put("sequencer.data-markets", "0x" + "ab".repeat(20));
        c.put("sequencer.chain.protocol-state", "0x" + "cd".repeat(20));
        return c;
    }

    Set<String> topics() throws Exception {
        return KAFKA.admin().listTopics().names().get();
    }

    @Test
    void createsTheMissingOutputTopicsWithTheSubmissionsPartitions() throws Exception {
        KAFKA.createTopic("submissions-c", 3);
        KAFKA.createTopic("batches-c", 1); // exists already: left as it is
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SequencerJob.prepare(SequencerJob.config(config("c")), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(topics()).contains("finalized-c", "batches-c", "rejected-c", "slot-counts-c", "discarded-c");
        var described = KAFKA.admin()
                .describeTopics(java.util.List.of("slot-counts-c", "discarded-c", "finalized-c", "batches-c"))
                .allTopicNames()
                .get();
        assertThat(described.get("slot-counts-c").partitions()).hasSize(3);
        assertThat(described.get("discarded-c").partitions()).hasSize(3);
        assertThat(described.get("finalized-c").partitions()).hasSize(3);
        assertThat(described.get("batches-c").partitions()).hasSize(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("created output topics")
                .contains("slot-counts-c")
                .doesNotContain("batches-c");

        // a second start finds them all and creates nothing
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        SequencerJob.prepare(SequencerJob.config(config("c")), new PrintStream(again, true, StandardCharsets.UTF_8));
        assertThat(again.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void withAccountingOffTheAccountingTopicsAreNotCreated() throws Exception {
        Map<String, String> c = config("off");
        c.put("sequencer.accounting.enabled", "false");
        SequencerJob.prepare(
                SequencerJob.config(c), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(topics())
                .contains("finalized-off", "batches-off", "rejected-off")
                .doesNotContain("slot-counts-off", "discarded-off");
    }

    @Test
    void mayNotCreateRefusesNamingTheMissingTopics() throws Exception {
        KAFKA.createTopic("finalized-r", 1);
        KAFKA.createTopic("batches-r", 1);
        KAFKA.createTopic("rejected-r", 1);
        Map<String, String> c = config("r");
        c.put("sequencer.kafka.create-topics", "false");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> SequencerJob.prepare(SequencerJob.config(c), System.out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slot-counts-r (sequencer.kafka.topics.slot-counts)")
                .hasMessageContaining("discarded-r (sequencer.kafka.topics.discarded)")
                .hasMessageNotContaining("batches-r")
                .hasMessageContaining("sequencer.kafka.create-topics");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        assertThat(topics()).doesNotContain("slot-counts-r", "discarded-r");
    }

    @Test
    void anUnreachableBrokerIsRefusedWithinTheTimeout() {
        Map<String, String> c = config("u");
        c.put("sequencer.kafka.bootstrap-servers", "127.0.0.1:" + FreePorts.next());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> SequencerJob.prepare(SequencerJob.config(c), System.out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not answer");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(TopicCheck.TIMEOUT.toMillis() + 5_000);
    }
}
