package io.powerloom.sequencer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.job.EpochScenario;
import io.powerloom.sequencer.job.Snapshotters;
import io.powerloom.sequencer.job.TestNetwork;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded job jar on a real standalone Flink session cluster ({@code flink-cluster/start-cluster.sh}: a
 * JobManager JVM and a TaskManager JVM from Maven Central jars, RocksDB state backend), submitted through the REST
 * API with {@code flink-cluster/submit-job.sh}, against a real Kafka broker, Anvil with the protocol-state contract
 * and a real IPFS node. A small {@link EpochScenario} (3 epochs x 20 projects, batches of 8 projects).
 *
 * <ol>
 *   <li>a bad submission gets the job's own reason back through the REST API;</li>
 *   <li>a bounded run finishes; every finalization is in Kafka, every batch is committed on chain
 *       ({@code epochIdToBatchCids}, {@code batchSubmissionsCompleted}, the projects' CIDs);</li>
 *   <li>an upgrade: an unbounded run is stopped with a savepoint ({@code savepoint.sh --stop}) after two epochs,
 *       resubmitted from it at another parallelism, and finishes the third epoch once event time moves on
 *       (heartbeats and a block head, as the bridge and chain watcher write them): exactly one result per
 *       project and epoch, nothing committed twice.</li>
 * </ol>
 * The cluster is stopped at the end and its JVMs are checked gone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterITCase {
    static final int EPOCHS = 3;
    static final int PROJECTS = 20;
    static final int BATCH_SIZE = 8;
    static final int SUBMISSION_PARTITIONS = 4;
    static final long T0 =
            (System.currentTimeMillis() / 60_000) * 60_000 - Duration.ofHours(2).toMillis();
    static final String MARKET = Snapshotters.MARKET;
    /** The shaded job jar: flink-job's artifact of this build, as the module's pom passes it ({@code -Djob.jar}). */
    static final Path JOB_JAR = ShadedJobJar.path();

    @RegisterExtension
    static final SequencerTestEnv ENV =
            SequencerTestEnv.builder().withoutMiniCluster().build();

    static final KafkaExtension KAFKA = ENV.kafka();

    static final ObjectMapper JSON = new ObjectMapper();
    static EpochScenario scenario;
    static TestNetwork network;
    static ProtocolStateDeployment deployment;
    static StandaloneFlinkCluster cluster;
    static final Map<String, Long> clusterPids = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        assertThat(JOB_JAR).as("the shaded job jar (flink-job's package phase)").isRegularFile();
        scenario = new EpochScenario(EPOCHS, PROJECTS, T0);
        network = new TestNetwork(ENV, scenario);
        deployment = network.deployment;

        // under the module's target/tmp (failsafe's java.io.tmpdir), read now: the JDK caches its own value early
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        Path runDir = Files.createTempDirectory(tmp, "flink-cluster-run");
        cluster = StandaloneFlinkCluster.start(runDir, 2);
        cluster.pid("jobmanager").ifPresent(p -> clusterPids.put("jobmanager", p));
        cluster.pid("taskmanager").ifPresent(p -> clusterPids.put("taskmanager", p));
        System.out.printf(
                "standalone cluster up in %d ms at %s (run dir %s)%n",
                cluster.startTime().toMillis(), cluster.restUrl(), runDir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            assertThat(clusterPids).containsOnlyKeys("jobmanager", "taskmanager");
            clusterPids.forEach((role, pid) -> assertThat(
                            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("%s (pid %d) still running after stop-cluster.sh", role, pid)
                    .isFalse());
        }
    }

    /** A test that fails midway must not leave a job holding the cluster's slots for the next one. */
    @org.junit.jupiter.api.AfterEach
    void cancelWhatIsStillRunning() throws InterruptedException {
        for (JsonNode j : cluster.rest().get("jobs/overview").path("jobs")) {
            if (Set.of("RUNNING", "CREATED", "INITIALIZING", "RESTARTING")
                    .contains(j.path("state").asText())) {
                String id = j.path("jid").asText();
                System.out.println("cancelling job " + id + " left running");
                cluster.rest().cancel(id);
                cluster.rest().awaitTerminal(id, Duration.ofMinutes(1));
            }
        }
    }

    /** Program arguments {@code --sequencer.<key> <value>} of one run, writing to its own output topics. */
    static List<String> programArgs(String run, String stopAt) {
        Map<String, String> c = new TreeMap<>(network.jobConfig(run, BATCH_SIZE));
        c.put("sequencer.kafka.stop-at", stopAt);
        c.put("sequencer.checkpoint-interval", "500 ms");
        List<String> args = new ArrayList<>();
        c.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    static void createOutputTopics(String run) {
        for (String t : List.of("finalized-", "batches-", "rejected-")) {
            KAFKA.createTopic(t + run, 2);
        }
    }

    @Test
    @Order(1)
    void aBadSubmissionReturnsTheJobsReason() {
        ClusterScripts.Result r = cluster.submitExpectingFailure(
                JOB_JAR.toAbsolutePath(), List.of("--sequencer.data-markets", MARKET, "--sequencer.batch.size"));
        assertThat(r.stderr()).contains("--sequencer.batch.size: missing value");
        ClusterScripts.Result misspelled = cluster.submitExpectingFailure(
                JOB_JAR.toAbsolutePath(), List.of("--sequencer.data-markets", MARKET, "--sequencer.batch.sise", "10"));
        assertThat(misspelled.stderr())
                .contains("sequencer.batch.sise: unknown setting")
                .contains("sequencer.batch.size");
        assertThat(cluster.rest().get("jobs").path("jobs"))
                .as("no job was created")
                .isEmpty();
        assertThat(cluster.rest().get("jars").path("files"))
                .as("the refused jar was removed again")
                .isEmpty();
    }

    @Test
    @Order(2)
    void theShadedJarRunsOnTheClusterAndCommitsEveryBatch() throws Exception {
        FlinkRestClient rest = cluster.rest();
        JsonNode overview = rest.overview();
        assertThat(overview.path("taskmanagers").asInt()).isEqualTo(1);
        assertThat(overview.path("slots-total").asInt()).isEqualTo(2);

        createOutputTopics("r1");
        ClusterScripts.Result run =
                cluster.submitAndWait(JOB_JAR.toAbsolutePath(), 2, programArgs("r1", "latest"), Duration.ofMinutes(3));
        String jobId = run.lastLine();
        assertThat(jobId).matches("[0-9a-f]{32}");
        assertThat(run.stderr()).contains("job " + jobId + " FINISHED");
        assertThat(rest.state(jobId)).isEqualTo("FINISHED");
        System.out.printf(
                "bounded run on the standalone cluster, submit-job.sh --wait: %d ms%n%s",
                run.took().toMillis(), run.stderr());

        // it really ran there, with the cluster's RocksDB backend and checkpoints in the run directory
        JsonNode job = rest.job(jobId);
        assertThat(job.path("vertices"))
                .extracting(v -> v.path("name").asText())
                .anyMatch(n -> n.contains("finalize: consensus per project and epoch"));
        assertThat(job.path("vertices"))
                .allSatisfy(v -> assertThat(v.path("status").asText()).isEqualTo("FINISHED"));
        assertThat(rest.checkpointConfig(jobId).path("state_backend").asText()).containsIgnoringCase("rocksdb");
        assertThat(rest.checkpoints(jobId).path("counts").path("completed").asInt())
                .isPositive();
        assertThat(cluster.runDir().resolve("checkpoints").resolve(jobId)).isDirectory();

        Map<String, JsonNode> finalized = readFinalized("r1", EPOCHS * PROJECTS);
        assertFinalizationsAsExpected(finalized);
        Map<String, JsonNode> batches = readBatches("r1");
        assertCommittedOnChain(batches, Set.of("COMMITTED", "ALREADY_DONE"));
    }

    @Test
    @Order(3)
    void upgradeThroughStopWithSavepointLosesAndRepeatsNothing() throws Exception {
        FlinkRestClient rest = cluster.rest();
        createOutputTopics("r2");
        int firstTwoEpochs = 2 * PROJECTS;

        // an unbounded run: epochs 1 and 2 close (later data exists); epoch 3 waits for event time to move on. It runs
        // as the previous version did by default, without the accounting stage: the new version (accounting on by
        // default) must restore its savepoint, its accounting operators starting with empty state
        List<String> previousVersion = new ArrayList<>(programArgs("r2", "none"));
        previousVersion.addAll(List.of("--sequencer.accounting.enabled", "false"));
        String first = cluster.submit(JOB_JAR.toAbsolutePath(), 2, null, previousVersion);
        rest.awaitState(first, Set.of("RUNNING"), Duration.ofMinutes(1));
        Map<String, JsonNode> before = waitForFinalized("r2", firstTwoEpochs, Duration.ofMinutes(2));
        assertThat(before.keySet()).allMatch(k -> !k.startsWith(MARKET + "|3|"));

        String whileRunning = cluster.savepoint(first);
        assertThat(rest.state(first))
                .as("a plain savepoint leaves the job running")
                .isEqualTo("RUNNING");
        assertThat(Path.of(URI.create(whileRunning))).isDirectoryContaining("glob:**/_metadata");

        long t0 = System.nanoTime();
        String savepoint = cluster.stopWithSavepoint(first);
        long stopped = System.nanoTime();
        assertThat(rest.awaitTerminal(first, Duration.ofSeconds(30))).isEqualTo("FINISHED");
        assertThat(savepoint).isNotEqualTo(whileRunning).startsWith("file:");
        assertThat(Path.of(URI.create(savepoint))).isDirectoryContaining("glob:**/_metadata");

        assertThat(rest.job(first).path("vertices"))
                .extracting(v -> v.path("name").asText())
                .noneMatch(n -> n.contains("accounting"));
        // the "new version": same jar and uids plus the accounting stage, parallelism 1, resumed from the savepoint
        String second = cluster.submit(JOB_JAR.toAbsolutePath(), 1, savepoint, programArgs("r2", "none"));
        rest.awaitState(second, Set.of("RUNNING"), Duration.ofMinutes(1));
        JsonNode restored = awaitRestored(rest, second);
        assertThat(restored.path("is_savepoint").asBoolean()).isTrue();
        assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);
        System.out.printf("stop-with-savepoint %d ms, resubmitted from %s%n", (stopped - t0) / 1_000_000, savepoint);

        // event time moves on, as the bridge's heartbeats and the chain watcher's block heads make it do
        advanceEventTime(scenario.releaseTime(EPOCHS) + Duration.ofMinutes(2).toMillis());
        Map<String, JsonNode> all = waitForFinalized("r2", EPOCHS * PROJECTS, Duration.ofMinutes(2));
        assertFinalizationsAsExpected(all);
        for (Map.Entry<String, JsonNode> e : before.entrySet()) {
            assertThat(all.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        Map<String, JsonNode> batches = readBatches("r2");
        assertCommittedOnChain(batches, Set.of("COMMITTED", "ALREADY_DONE"));

        // the metric identifiers as the REST API shows them (docs/operations.md, "Monitor", lists them this way)
        JsonNode finalizeVertex = null;
        for (JsonNode v : rest.job(second).path("vertices")) {
            if (v.path("name").asText().contains("finalize: consensus per project and epoch")) {
                finalizeVertex = v;
            }
        }
        assertThat(finalizeVertex).isNotNull();
        List<String> ids = new ArrayList<>();
        long metricsDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // fetched from the TaskManager every few seconds; the task's own metrics can arrive before the operator's
        while (!ids.contains("0.finalize__consensus_per_project_and_epoch.rejected_late")
                && System.nanoTime() < metricsDeadline) {
            ids.clear();
            rest.get("jobs/" + second + "/vertices/" + finalizeVertex.path("id").asText() + "/metrics")
                    .forEach(m -> ids.add(m.path("id").asText()));
            Thread.sleep(500);
        }
        System.out.println("finalize vertex metric ids: "
                + ids.stream()
                        .filter(i -> !i.contains("numRecords")
                                && !i.contains("Watermark")
                                && !i.contains("numBytes")
                                && !i.contains("Buffers"))
                        .sorted()
                        .toList());
        assertThat(ids)
                .contains(
                        "0.finalize__consensus_per_project_and_epoch.finalized",
                        "0.finalize__consensus_per_project_and_epoch.rejected_late");
        // the accounting stage runs in the restored job, its metrics under the identifiers docs/operations.md lists
        JsonNode accountingVertex = null;
        for (JsonNode v : rest.job(second).path("vertices")) {
            if (v.path("name").asText().contains("accounting: counts per day and slot")) {
                accountingVertex = v;
            }
        }
        assertThat(accountingVertex).as("accounting vertex of the restored job").isNotNull();
        List<String> accountingIds = new ArrayList<>();
        long accountingDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!accountingIds.contains("0.accounting__counts_per_day_and_slot.accounting_current_day")
                && System.nanoTime() < accountingDeadline) {
            accountingIds.clear();
            rest.get("jobs/" + second + "/vertices/"
                            + accountingVertex.path("id").asText() + "/metrics")
                    .forEach(m -> accountingIds.add(m.path("id").asText()));
            Thread.sleep(500);
        }
        assertThat(accountingIds)
                .contains(
                        "0.accounting__counts_per_day_and_slot.accounting_tallies",
                        "0.accounting__counts_per_day_and_slot.accounting_current_day");
        assertThat(KAFKA.admin().listTopics().names().get())
                .as("created by the job at start")
                .contains("slot-counts-r2", "discarded-r2");

        rest.cancel(second);
        assertThat(rest.awaitTerminal(second, Duration.ofMinutes(1))).isEqualTo("CANCELED");
    }

    @Test
    @Order(4)
    void aReplaySubmittedWithTheScriptsAuditsToTheEndAndTheClusterStaysUp() throws Exception {
        // the live run r1 committed epochs 1-3 with batches of 8; the audit is not told the batch size
        Map<String, String> live = new TreeMap<>(network.jobConfig("r1", BATCH_SIZE));
        live.remove("sequencer.batch.size");
        live.remove("sequencer.kafka.start-from");
        live.remove("sequencer.kafka.stop-at");
        List<String> args = new ArrayList<>(List.of(
                "--mode", "audit", "--from", "epoch:1", "--to", "epoch:" + EPOCHS, "--run-id", "cluster-audit"));
        live.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        ClusterScripts.Result r = cluster.replay(JOB_JAR.toAbsolutePath(), args, Duration.ofMinutes(3));
        System.out.printf("replay.sh --url: %d ms%n%s%s", r.took().toMillis(), r.stdout(), r.stderr());
        assertThat(r.stdout())
                .contains("replay audit: " + EPOCHS * expectedBatchesPerEpoch() + " batches {AUDIT_MATCH=")
                .contains("MATCH (exit 0)");
        assertThat(readKeyed("batches-r1-cluster-audit", 100, Duration.ofSeconds(5))
                        .values())
                .extracting(n -> n.path("status").asText())
                .containsOnly("AUDIT_MATCH");

        // the cluster is still there: the same JobManager and TaskManager, the replay job FINISHED
        assertThat(cluster.rest().overview().path("taskmanagers").asInt()).isEqualTo(1);
        clusterPids.forEach((role, pid) -> assertThat(
                        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("%s (pid %d) alive after the replay", role, pid)
                .isTrue());
        assertThat(cluster.rest().get("jobs/overview").path("jobs"))
                .filteredOn(j -> j.path("name").asText().equals("powerloom-sequencer-replay-cluster-audit"))
                .singleElement()
                .satisfies(j -> assertThat(j.path("state").asText()).isEqualTo("FINISHED"));

        // a bad replay is refused at submission with the replay's one line, and leaves no job behind
        List<String> bad = new ArrayList<>(args);
        bad.set(bad.indexOf("--from") + 1, "epoch:abc");
        ClusterScripts.ScriptFailedException refused = org.junit.jupiter.api.Assertions.assertThrows(
                ClusterScripts.ScriptFailedException.class,
                () -> cluster.replay(JOB_JAR.toAbsolutePath(), bad, Duration.ofMinutes(1)));
        assertThat(refused.result().exitCode()).isEqualTo(1);
        assertThat(refused.result().stderr()).contains("--from epoch:abc: expected epoch:<number>");
    }

    @Test
    @Order(5)
    void theOperatorWalkThroughRunsAsWritten() throws Exception {
        Path repo = ClusterScripts.locate().folder().getParent();
        String readme = Files.readString(repo.resolve("flink-cluster").resolve("README.md"));
        String block = readme.substring(
                readme.indexOf("<!-- walk-through:start -->"), readme.indexOf("<!-- walk-through:end -->"));
        String script = block.substring(block.indexOf("```bash\n") + 8, block.lastIndexOf("```"));
        String operations = Files.readString(repo.resolve("docs").resolve("operations.md"));
        assertThat(operations.substring(
                        operations.indexOf("<!-- walk-through:start -->"),
                        operations.indexOf("<!-- walk-through:end -->")))
                .as("docs/operations.md shows the same walk-through")
                .isEqualTo(block);
        createOutputTopics("wt");
        Map<String, String> c = new TreeMap<>(network.jobConfig("wt", BATCH_SIZE));
        c.put("sequencer.kafka.stop-at", "none");
        c.remove("sequencer.checkpoint-interval");
        String jobArgs = c.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        assertThat(jobArgs).doesNotContain("  ").doesNotContainPattern("=[^ ]* [^-]");

        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(repo.toFile())
                .redirectErrorStream(true);
        pb.environment().put("URL", cluster.restUrl());
        pb.environment().put("JAR", JOB_JAR.toAbsolutePath().toString());
        pb.environment().put("JOB_ARGS", jobArgs);
        Path log = Files.createTempFile("walk-through", ".log");
        pb.redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean done = p.waitFor(6, java.util.concurrent.TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        System.out.printf("walk-through in %d ms:%n%s%n", (System.nanoTime() - t0) / 1_000_000, out);
        assertThat(done).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("MATCH (exit 0)");
        assertThat(cluster.rest().overview().path("taskmanagers").asInt()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    /** Heartbeats into every submissions partition and a block head into the chain topic, stamped {@code at}. */
    static void advanceEventTime(long at) {
        try (var producer = KAFKA.newProducer()) {
            for (int p = 0; p < SUBMISSION_PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(
                        "submissions", p, at, "hb", RecordCodec.encode(new Heartbeat(at, "cluster-test", p, 0))));
            }
            producer.send(new ProducerRecord<>(
                    "protocol-chain",
                    0,
                    at,
                    "block",
                    RecordCodec.encode(new ChainBlock(EpochScenario.HEAD_BLOCK + 1, "0x" + "ce".repeat(32), 2, at))));
            producer.flush();
        }
    }

    static JsonNode awaitRestored(FlinkRestClient rest, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode restored = rest.checkpoints(jobId).path("latest").path("restored");
            if (restored.isObject()) {
                return restored;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("job " + jobId + " reports no restored savepoint");
    }

    /** Waits until {@code count} committed finalization records are in the run's topic; fails on duplicates or more. */
    static Map<String, JsonNode> waitForFinalized(String run, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> got = Map.of();
        while (System.nanoTime() < deadline) {
            got = readKeyed("finalized-" + run, count, Duration.ofSeconds(2));
            if (got.size() >= count) {
                return readFinalized(run, count);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("only " + got.size() + " of " + count + " finalizations in finalized-" + run);
    }

    /** The run's committed finalizations: exactly {@code expected}, none twice, and nothing more within 2 s. */
    static Map<String, JsonNode> readFinalized(String run, int expected) throws Exception {
        Map<String, JsonNode> out = readKeyed("finalized-" + run, expected, Duration.ofSeconds(30));
        assertThat(out).as("finalizations in finalized-" + run).hasSize(expected);
        assertThat(readKeyed("finalized-" + run, expected + 1, Duration.ofSeconds(2)))
                .as("no extra finalization")
                .hasSize(expected);
        return out;
    }

    /** The run's batch records (batches and epoch ends): exactly as many as expected, none twice. */
    static Map<String, JsonNode> readBatches(String run) throws Exception {
        int expected = EPOCHS * (expectedBatchesPerEpoch() + 1);
        Map<String, JsonNode> out = readKeyed("batches-" + run, expected, Duration.ofSeconds(30));
        assertThat(out).as("batch records of " + run).hasSize(expected);
        assertThat(readKeyed("batches-" + run, expected + 1, Duration.ofSeconds(2)))
                .as("no extra batch record")
                .hasSize(expected);
        return out;
    }

    /** Up to {@code count} committed records of {@code topic} by key; a key seen twice fails. */
    static Map<String, JsonNode> readKeyed(String topic, int count, Duration timeout) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : KAFKA.readAll(topic, count, timeout)) {
            JsonNode n = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            assertThat(out.put(r.key(), n))
                    .as("duplicate record " + r.key() + " in " + topic)
                    .isNull();
        }
        return out;
    }

    static int expectedBatchesPerEpoch() {
        long perEpoch = scenario.expected().values().stream()
                .filter(x -> x.epoch() == 1 && x.finalized())
                .count();
        return (int) ((perEpoch + BATCH_SIZE - 1) / BATCH_SIZE);
    }

    static void assertFinalizationsAsExpected(Map<String, JsonNode> finalized) {
        assertThat(finalized).hasSize(EPOCHS * PROJECTS);
        for (EpochScenario.Expected x : scenario.expected().values()) {
            String key = MARKET + "|" + x.epoch() + "|" + x.projectId();
            JsonNode n = finalized.get(key);
            assertThat(n).as(key).isNotNull();
            assertThat(n.path("status").asText()).as(key).isEqualTo(x.finalized() ? "FINALIZED" : "UNFINALIZED");
            if (x.finalized()) {
                assertThat(n.path("snapshotCid").asText()).as(key).isEqualTo(x.cid());
            }
        }
    }

    /** Every epoch's batches are on chain exactly once, with the expected CIDs, and the epoch is ended. */
    static void assertCommittedOnChain(Map<String, JsonNode> batches, Set<String> allowedStatus) throws Exception {
        PowerloomProtocolState contract = deployment.contract();
        int perEpoch = expectedBatchesPerEpoch();
        for (long e = 1; e <= EPOCHS; e++) {
            List<String> cids = new ArrayList<>();
            for (int i = 0; i < perEpoch; i++) {
                JsonNode b = batches.get(MARKET + "|" + e + "|" + i);
                assertThat(b).as("batch %d of epoch %d", i, e).isNotNull();
                assertThat(b.path("status").asText()).isIn(allowedStatus);
                cids.add(b.path("batchCid").asText());
            }
            JsonNode end = batches.get(MARKET + "|" + e + "|end");
            assertThat(end).as("end of epoch " + e).isNotNull();
            assertThat(end.path("status").asText()).isIn(allowedStatus);
            BigInteger epoch = BigInteger.valueOf(e);
            assertThat(contract.batchSubmissionsCompleted(MARKET, epoch).send())
                    .as("epoch %d completed", e)
                    .isTrue();
            List<String> onChain = ((List<?>)
                            contract.epochIdToBatchCids(MARKET, epoch).send())
                    .stream().map(Object::toString).collect(Collectors.toList());
            assertThat(onChain).as("batch CIDs of epoch %d on chain", e).containsExactlyInAnyOrderElementsOf(cids);
            for (EpochScenario.Expected x : scenario.expected().values()) {
                if (x.epoch() == e && x.finalized()) {
                    assertThat(contract.maxSnapshotsCid(MARKET, x.projectId(), epoch)
                                    .send())
                            .as(x.projectId())
                            .isEqualTo(x.cid());
                }
            }
        }
        assertThat(countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT))
                .as("batch commits, ever")
                .isEqualTo((long) EPOCHS * perEpoch);
        assertThat(countLogs(PowerloomProtocolState.BATCHSUBMISSIONSCOMPLETED_EVENT))
                .isEqualTo(EPOCHS);
        assertThat(countLogs(PowerloomProtocolState.DELAYEDBATCHSUBMITTED_EVENT))
                .isZero();
    }

    static long countLogs(org.web3j.abi.datatypes.Event event) throws Exception {
        return network.countLogs(event);
    }
}
