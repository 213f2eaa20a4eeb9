package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The job graph in every anchor mode: it builds, every operator is named and has a uid (the web UI and savepoint
 * compatibility depend on them), and every function serializes (the job graph ships to the cluster).
 */
class SequencerPipelineTest {

    static StreamGraph graph(String mode) throws Exception {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.data-markets", Snapshotters.MARKET);
        c.put("sequencer.chain.protocol-state", Snapshotters.PROTOCOL_STATE);
        c.put("sequencer.anchor.mode", mode);
        c.put("sequencer.chain.signer-key-env-vars", "UNUSED_KEY");
        c.put("sequencer.accounting.enabled", "true");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SequencerJob.configure(env, SequencerJob.config(c));
        return env.getStreamGraph();
    }

    @Test
    void everyModeBuildsWithNamedUidOperatorsThatSerialize() throws Exception {
        for (String mode : List.of("commit", "audit", "none")) {
            StreamGraph g = graph(mode);
            List<String> names = new ArrayList<>();
            for (StreamNode node : g.getStreamNodes()) {
                names.add(node.getOperatorName());
                assertThat(node.getTransformationUID())
                        .as(mode + ": uid of " + node.getOperatorName())
                        .isNotBlank();
                if (node.getOperatorFactory() != null) {
                    InstantiationUtil.serializeObject(
                            node.getOperatorFactory()); // throws if a function does not serialize
                }
            }
            assertThat(names)
                    .as(mode)
                    .contains(
                            "verify: decode and recover signer",
                            "verify: slot owner, deadline, epoch limit",
                            "finalize: consensus per project and epoch",
                            "batch: epoch into sorted batches");
            if (mode.equals("commit")) {
                assertThat(names)
                        .contains(
                                "anchor: upload to IPFS",
                                "anchor: commit batch on chain",
                                "anchor: endBatchSubmissions");
            }
            assertThat(names)
                    .as(mode)
                    .contains(
                            "accounting: counts per day and slot",
                            switch (mode) {
                                case "commit" -> "accounting: commit counts on chain";
                                case "audit" -> "accounting: audit counts against the chain";
                                default -> "accounting: not committed";
                            });
            if (!mode.equals("none")) {
                assertThat(names).as(mode).contains("sink: slot-counts: Writer", "sink: discarded: Writer");
            }
        }
    }

    @Test
    void accountingIsOnByDefaultAndLeftOutWhenSwitchedOff() throws Exception {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.data-markets", Snapshotters.MARKET);
        c.put("sequencer.chain.protocol-state", Snapshotters.PROTOCOL_STATE);
        c.put("sequencer.chain.signer-key-env-vars", "UNUSED_KEY");
        StreamExecutionEnvironment on = StreamExecutionEnvironment.getExecutionEnvironment();
        SequencerJob.configure(on, SequencerJob.config(c));
        assertThat(on.getStreamGraph().getStreamNodes())
                .extracting(n -> n.getOperatorName())
                .contains("accounting: counts per day and slot", "accounting: commit counts on chain");
        assertThat(io.powerloom.sequencer.job.kafka.TopicCheck.outputs(SequencerJob.config(c)))
                .containsValues("slot-counts", "discarded");

        c.put("sequencer.accounting.enabled", "false");
        StreamExecutionEnvironment off = StreamExecutionEnvironment.getExecutionEnvironment();
        SequencerJob.configure(off, SequencerJob.config(c));
        assertThat(off.getStreamGraph().getStreamNodes())
                .noneMatch(n -> n.getOperatorName().startsWith("accounting"));
        assertThat(io.powerloom.sequencer.job.kafka.TopicCheck.outputs(SequencerJob.config(c)))
                .doesNotContainValue("slot-counts")
                .containsValues("finalized", "batches", "rejected");
    }

    @Test
    void watermarkAlignmentIsOnForUnboundedRunsOnly() {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.data-markets", Snapshotters.MARKET);
        c.put("sequencer.chain.protocol-state", Snapshotters.PROTOCOL_STATE);
        c.put("sequencer.watermark.max-drift", "90 s");
        assertThat(SequencerPipeline.alignmentDrift(SequencerJob.config(c)))
                .isEqualTo(java.time.Duration.ofSeconds(90));
        c.put("sequencer.kafka.stop-at", "latest");
        assertThat(SequencerPipeline.alignmentDrift(SequencerJob.config(c))).isZero();
    }
}
