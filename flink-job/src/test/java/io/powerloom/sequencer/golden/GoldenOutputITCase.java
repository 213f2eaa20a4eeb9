package io.powerloom.sequencer.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.golden.GoldenFiles.InputRecord;
import io.powerloom.sequencer.golden.GoldenFiles.OutputRecord;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same Kafka input gives byte-identical outputs across versions: the stored golden input
 * ({@code src/test/resources/golden/v1/input.jsonl.gz} and {@code input-tail.jsonl}, see {@link GoldenFiles} for the
 * format and {@link GoldenInput} for what it holds) is written to a fresh broker, the job runs bounded over it with
 * IPFS upload and commits to a fresh Anvil chain (anchor mode {@code commit}, accounting on), and every committed
 * record of {@code finalized}, {@code batches} (batch CIDs, Merkle roots, epoch ends), {@code rejected},
 * {@code slot-counts} and {@code discarded} must equal, key and value byte for byte, the output recorded from the job
 * at commit eb2767a ({@code golden/v1/output/<topic>.jsonl}). Only {@code txHash}, {@code blockNumber} and
 * {@code commitLatencyMs} are cut before comparing ({@link GoldenFiles#VOLATILE_FIELDS}); records are compared as sorted
 * multisets per topic.
 *
 * <p><b>Re-recording</b>: {@code -Dgolden.record=true} runs the same job and writes the output files instead of
 * comparing (and first generates from the test fixtures whichever of {@code input.jsonl.gz} and
 * {@code input-tail.jsonl} is missing; a stored input is never overwritten). Re-record
 * only in a change whose message says that it breaks determinism on purpose — that the same input no longer gives the
 * same records, batches and CIDs — and why; a refactor or a performance change must pass this test unchanged. A
 * deliberate format change belongs in a new version folder ({@code golden/v2}), keeping v1 for as long as the job
 * must read what v1 wrote.
 */
class GoldenOutputITCase {
    @RegisterExtension
    static final SequencerTestEnv ENV =
            SequencerTestEnv.builder().slots(GoldenNetwork.PARALLELISM).build();

    static final KafkaExtension KAFKA = ENV.kafka();

    @Test
    void theGoldenInputGivesTheRecordedOutputsByteForByte() throws Exception {
        if (GoldenFiles.recording()) {
            recordInput();
        }
        Path dir = GoldenFiles.recording() ? GoldenFiles.sourceDir() : GoldenFiles.resource("");
        Properties manifest = GoldenNetwork.readManifest(dir.resolve("manifest.properties"));
        List<InputRecord> input = new ArrayList<>(GoldenFiles.readInput(dir.resolve("input.jsonl.gz")));
        input.addAll(GoldenFiles.readInput(dir.resolve("input-tail.jsonl")));

        GoldenNetwork net = new GoldenNetwork(ENV, manifest);
        net.createTopics();
        net.writeInput(input);
        net.submit(net.config(true), null).getJobExecutionResult().get();
        Map<String, List<OutputRecord>> actual = net.readOutputs();

        if (GoldenFiles.recording()) {
            for (String t : GoldenFiles.OUTPUT_TOPICS) {
                GoldenFiles.writeOutput(dir.resolve("output").resolve(t + ".jsonl"), actual.get(t));
            }
            System.out.println("golden outputs recorded in " + dir.resolve("output"));
        }
        List<String> diffs = new ArrayList<>();
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            List<OutputRecord> expected =
                    GoldenFiles.readOutput(dir.resolve("output").resolve(t + ".jsonl"));
            assertThat(expected).as("golden output of %s", t).isNotEmpty();
            String d = GoldenFiles.diff(t, expected, actual.get(t));
            if (d != null) {
                diffs.add(d);
            }
        }
        assertThat(diffs)
                .as(
                        "outputs differ from those recorded at eb2767a (golden/%s/output); re-record only with a "
                                + "change that says it breaks determinism (GoldenOutputITCase)",
                        GoldenFiles.VERSION)
                .isEmpty();
    }

    /**
     * Generates what is missing of the input from the fixtures ({@link GoldenInput}): the input and its manifest when
     * {@code input.jsonl.gz} is absent, the tail when {@code input-tail.jsonl} is absent. A stored input is never
     * regenerated: delete it on purpose.
     */
    static void recordInput() throws Exception {
        Path dir = GoldenFiles.sourceDir();
        if (!Files.exists(dir.resolve("input.jsonl.gz"))) {
            List<InputRecord> input = GoldenInput.generate();
            GoldenFiles.writeInput(dir.resolve("input.jsonl.gz"), input);
            try (OutputStream out = Files.newOutputStream(dir.resolve("manifest.properties"))) {
                GoldenInput.manifest().store(out, "golden input v1: the chain and job facts the golden tests rebuild");
            }
            System.out.println("golden input recorded in " + dir + ": " + input.size() + " records");
        }
        if (!Files.exists(dir.resolve("input-tail.jsonl"))) {
            GoldenFiles.writeInput(
                    dir.resolve("input-tail.jsonl"),
                    GoldenInput.tail(GoldenFiles.readInput(dir.resolve("input.jsonl.gz"))));
        }
    }
}
