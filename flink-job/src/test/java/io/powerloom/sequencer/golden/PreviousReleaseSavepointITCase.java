package io.powerloom.sequencer.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.golden.GoldenFiles.InputRecord;
import io.powerloom.sequencer.golden.GoldenFiles.OutputRecord;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A savepoint of the previous release restores into this job. The savepoint ({@code golden/v1/savepoint/}) was taken
 * by the job at commit eb2767a (heap state backend, canonical format, parallelism 2, accounting on, anchor mode
 * commit): an unbounded run over the golden input without its tail, stopped with a savepoint once epochs 1 and 2 were
 * finalized, batched, committed and counted, while epoch 3 waited for event time — so the savepoint holds state in the
 * slot rules (epoch counters, last simulations), finalize (epoch 3's windows and timers), batch, the anchor operators,
 * accounting (the day's ledger, pending epochs) and the broadcast chain history, plus the Kafka source positions.
 * What that run had committed before stopping is {@code golden/v1/savepoint-output-before/<topic>.jsonl.gz}. The
 * savepoint's files are stored gzipped ({@code savepoint/<file>.gz}) and unpacked into a temporary folder for each
 * run; a canonical savepoint refers to its files relative to its {@code _metadata}, so it restores from anywhere.
 *
 * <p>The test writes the same input at the same offsets to a fresh broker, deploys the same chain, starts this job
 * from a copy of the savepoint, and moves event time on with the input's tail (heartbeats and a block head). The job
 * must then emit exactly the golden output ({@code golden/v1/output}, see {@link GoldenOutputITCase}) minus what was
 * committed before the savepoint: epoch 3 finalizes, batches, commits and is counted byte for byte as in the bounded
 * run, and nothing decided before the savepoint is emitted again. A changed operator uid fails the restore (its state
 * cannot be mapped); a state serializer whose class or layout changed without a migration fails it as well.
 *
 * <p><b>Re-recording</b> ({@code -Dgolden.record=true}, after {@link GoldenOutputITCase} has its input) takes a new
 * savepoint from the current job. That makes the test meaningless for the change that does it: it is only allowed
 * together with a change that says it breaks savepoint compatibility on purpose.
 */
class PreviousReleaseSavepointITCase {
    @RegisterExtension
    static final SequencerTestEnv ENV =
            SequencerTestEnv.builder().slots(GoldenNetwork.PARALLELISM).build();

    static final KafkaExtension KAFKA = ENV.kafka();

    private static final Duration WAIT = Duration.ofSeconds(45);

    @Test
    void aSavepointOfThePreviousReleaseRestoresAndFinishesTheOpenEpochExactlyOnce() throws Exception {
        Path dir = GoldenFiles.recording() ? GoldenFiles.sourceDir() : GoldenFiles.resource("");
        Properties manifest = GoldenNetwork.readManifest(dir.resolve("manifest.properties"));
        List<InputRecord> input = GoldenFiles.readInput(dir.resolve("input.jsonl.gz"));
        List<InputRecord> tail = GoldenFiles.readInput(dir.resolve("input-tail.jsonl"));
        Map<String, List<OutputRecord>> golden = new TreeMap<>();
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            golden.put(t, GoldenFiles.readOutput(dir.resolve("output").resolve(t + ".jsonl")));
        }
        GoldenNetwork net = new GoldenNetwork(ENV, manifest);
        net.createTopics();
        net.writeInput(input);
        if (GoldenFiles.recording()) {
            record(net, dir, golden);
            return;
        }

        Map<String, List<OutputRecord>> before = new TreeMap<>();
        Map<String, List<OutputRecord>> expected = new TreeMap<>();
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            before.put(
                    t,
                    GoldenFiles.readOutput(
                            dir.resolve("savepoint-output-before").resolve(t + ".jsonl.gz")));
            expected.put(t, GoldenFiles.minus(golden.get(t), before.get(t)));
        }
        assertThat(expected.get("finalized"))
                .as("the savepoint has an open epoch left to finalize")
                .isNotEmpty();
        assertThat(before.get("finalized")).as("and epochs finalized before it").isNotEmpty();

        Path savepoint = Files.createTempDirectory("golden-savepoint").resolve("savepoint");
        gunzipAll(dir.resolve("savepoint"), savepoint);
        JobClient job = net.submit(net.config(false), savepoint);
        try {
            net.writeInput(tail); // event time moves past epoch 3's close
            Map<String, List<OutputRecord>> after = awaitOutputs(
                    net,
                    job,
                    m -> GoldenFiles.OUTPUT_TOPICS.stream()
                            .allMatch(t -> m.get(t).size() >= expected.get(t).size()));
            Thread.sleep(1_000); // and nothing more arrives (checkpoints commit every 300 ms)
            after = net.readOutputs();
            List<String> diffs = new ArrayList<>();
            for (String t : GoldenFiles.OUTPUT_TOPICS) {
                String d = GoldenFiles.diff(t, expected.get(t), after.get(t));
                if (d != null) {
                    diffs.add(d);
                }
            }
            assertThat(diffs)
                    .as("after restoring the eb2767a savepoint, the outputs must be the golden output minus "
                            + "what was committed before the savepoint")
                    .isEmpty();
            List<String> finalizedBefore =
                    before.get("finalized").stream().map(OutputRecord::key).toList();
            assertThat(after.get("finalized"))
                    .extracting(OutputRecord::key)
                    .doesNotContainAnyElementsOf(finalizedBefore);
        } finally {
            if (!job.getJobStatus().get().isTerminalState()) {
                job.cancel().get();
            }
        }
    }

    /** Runs the job unbounded until epochs 1 and 2 are done, stops it with a savepoint and stores both. */
    private static void record(GoldenNetwork net, Path dir, Map<String, List<OutputRecord>> golden) throws Exception {
        int projects = Integer.parseInt(net.manifest.getProperty("projects"));
        String market = net.manifest.getProperty("data-market");
        int epochs = Integer.parseInt(net.manifest.getProperty("epochs"));
        long lastClosed = epochs - 1;
        JobClient job = net.submit(net.config(false), null);
        awaitOutputs(
                net,
                job,
                m -> m.get("finalized").size() >= lastClosed * projects
                        && m.get("batches").stream().anyMatch(r -> r.key().equals(market + "|" + lastClosed + "|end"))
                        && m.get("slot-counts").stream()
                                .anyMatch(r -> r.value().contains("\"epochId\":" + lastClosed + ",")));
        Map<String, List<OutputRecord>> seen = net.readOutputs();
        for (int stable = 0; stable < 3; ) { // wait until nothing more arrives
            Thread.sleep(1_000);
            Map<String, List<OutputRecord>> now = net.readOutputs();
            stable = now.equals(seen) ? stable + 1 : 0;
            seen = now;
        }
        Path taken = Path.of(java.net.URI.create(job.stopWithSavepoint(
                        false,
                        Files.createTempDirectory("golden-savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                .get()));
        job.getJobExecutionResult().get();
        Map<String, List<OutputRecord>> before = net.readOutputs();
        assertThat(before.get("finalized"))
                .hasSize((int) lastClosed * projects)
                .noneMatch(r -> r.key().startsWith(market + "|" + epochs + "|"));
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            GoldenFiles.minus(golden.get(t), before.get(t)); // throws unless the golden output contains it
        }
        deleteRecursively(dir.resolve("savepoint"));
        deleteRecursively(dir.resolve("savepoint-output-before"));
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            GoldenFiles.writeOutput(dir.resolve("savepoint-output-before").resolve(t + ".jsonl.gz"), before.get(t));
        }
        gzipAll(taken, dir.resolve("savepoint"));
        System.out.println("savepoint recorded in " + dir.resolve("savepoint") + " from " + taken);
    }

    /** Waits until the committed outputs satisfy {@code done}; fails at once, with its cause, if the job ends. */
    private static Map<String, List<OutputRecord>> awaitOutputs(
            GoldenNetwork net, JobClient job, Predicate<Map<String, List<OutputRecord>>> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, List<OutputRecord>> m = net.readOutputs();
        while (!done.test(m)) {
            if (job.getJobStatus().get().isTerminalState()) {
                try {
                    job.getJobExecutionResult().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(
                            "the job failed (a changed uid or an incompatible state serializer fails "
                                    + "the restore): " + rootCause(e),
                            e);
                }
                throw new AssertionError("the job ended before its outputs were complete");
            }
            if (System.nanoTime() > deadline) {
                Map<String, Integer> sizes = new TreeMap<>();
                m.forEach((t, r) -> sizes.put(t, r.size()));
                throw new AssertionError("outputs not complete in " + WAIT + ": " + sizes + "\n" + net.diagnose());
            }
            Thread.sleep(300);
            m = net.readOutputs();
        }
        return m;
    }

    private static String rootCause(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append("\n  caused by ")
                    .append(c.getClass().getName())
                    .append(": ")
                    .append(c.getMessage());
        }
        return sb.toString();
    }

    /** The savepoint's files (all in one folder: a canonical savepoint is self-contained), each gzipped. */
    static void gzipAll(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                GoldenFiles.writeMaybeGzipped(to.resolve(f.getFileName() + ".gz"), Files.readAllBytes(f));
            }
        }
    }

    /** The stored savepoint unpacked into a folder of its own, as Flink reads it. */
    static void gunzipAll(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                Files.write(
                        to.resolve(name.substring(0, name.length() - ".gz".length())), GoldenFiles.readMaybeGzipped(f));
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
