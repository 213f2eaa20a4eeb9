package io.powerloom.sequencer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.ipfs.IpfsNode;
import io.powerloom.sequencer.infra.kafka.KafkaBroker;
import io.powerloom.sequencer.job.ReplayJob;
import io.powerloom.sequencer.job.SequencerJob;
import io.powerloom.sequencer.job.Snapshotters;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SlotAssignment;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * End-to-end benchmark of the job with real components: a Kafka broker in its own JVM, Anvil with the contract, the
 * IPFS node. Pre-fills Kafka with signed submissions ({@code --epochs} x {@code --projects} x {@code --slots}), runs the
 * job over them unbounded, as production catches up on a backlog (verify, finalize, batch, upload to IPFS, commit on
 * chain, end each epoch), stops it once every batch record is committed to Kafka, and reports sustained throughput and, per epoch, the time from the job closing the window to the last commit mined; then the single-core
 * native signature-recovery rate measured in the same run from the measuring thread's CPU time, the ratios of the
 * sustained and end-to-end rates to twice that rate, the CPU time per submission of each process (this JVM, the
 * broker, Anvil, the IPFS node), and the latency of the first ten epochs after the start apart from the rest.
 *
 * <p>With {@code --live true} the job starts first and the benchmark plays the bridge and the chain watcher in real
 * time (an epoch every {@code --epoch-interval} seconds, its submissions over 20 s, heartbeats and block heads every
 * second): the latency of a warm job in production, after {@code --warmup-epochs}.
 *
 * <pre>mvn -B -pl flink-job -am -Pbench -DskipTests verify -Dbench.args="--epochs 100 --projects 2000 --slots 5"</pre>
 */
public final class SequencerBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        int epochs = Integer.parseInt(opt.getOrDefault("epochs", "100"));
        int projects = Integer.parseInt(opt.getOrDefault("projects", "2000"));
        int slots = Integer.parseInt(opt.getOrDefault("slots", "5"));
        int batchSize = Integer.parseInt(opt.getOrDefault("batch-size", "250"));
        int parallelism = Integer.parseInt(opt.getOrDefault("parallelism", "2"));
        boolean anchor = !"false".equals(opt.get("anchor"));
        int blockTime = Integer.parseInt(opt.getOrDefault("anvil-block-time", "0"));
        boolean stateRoot = !"false".equals(opt.get("anvil-state-root"));
        boolean live = "true".equals(opt.get("live"));
        boolean accounting = !"false".equals(opt.get("accounting")); // on by default, as in the job
        long interval = Long.parseLong(opt.getOrDefault("epoch-interval", "20")) * 1000;
        int warmup = Integer.parseInt(opt.getOrDefault("warmup-epochs", live ? "1" : "0"));
        String stateBackend = opt.getOrDefault("state-backend", "rocksdb"); // as the Helm chart deploys
        long total = (long) epochs * projects * slots;
        System.out.printf(
                Locale.ROOT,
                "benchmark: %d epochs x %d projects x %d slots = %,d submissions, batch size %d, parallelism %d, "
                        + "anchor %s, accounting %s, state backend %s, Anvil block time %s%s, %d cores%n",
                epochs,
                projects,
                slots,
                total,
                batchSize,
                parallelism,
                anchor,
                accounting,
                stateBackend,
                blockTime > 0 ? blockTime + " s" : "automine",
                stateRoot ? "" : " (no state root)",
                Runtime.getRuntime().availableProcessors());
        if (live) {
            System.out.printf(
                    Locale.ROOT,
                    "live: an epoch released every %d s, its submissions sent as they arrive over 20 s, "
                            + "heartbeats and block heads every second; the first %d epoch(s) warm the job up%n",
                    interval / 1000,
                    warmup);
        }

        Path work = TempDirs.create("sequencer-bench-");
        try (KafkaBroker kafka = KafkaBroker.builder(work.resolve("kafka"))
                        .maxHeap("1g")
                        .build()
                        .start();
                Anvil anvil = anvil(blockTime, stateRoot);
                IpfsNode ipfs = IpfsNode.start(work.resolve("ipfs"))) {
            String bootstrap = kafka.bootstrapServers();
            System.out.println("kafka: " + bootstrap); // where other tools (the query service's load) find the broker
            Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
            Credentials owner = Credentials.create(anvil.privateKey(0));
            List<Path> keyFiles = new ArrayList<>();
            List<String> sequencers = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                Path f = work.resolve("signer-" + i + ".key");
                Files.writeString(f, anvil.privateKey(i));
                keyFiles.add(f);
                sequencers.add(anvil.address(i));
            }
            List<String> snapshotters = IntStream.rangeClosed(1, slots)
                    .mapToObj(Snapshotters::address)
                    .collect(Collectors.toList());
            ProtocolStateDeployment d = new ProtocolStateDeployer(web3j, owner, anvil.chainId())
                    .deploy(
                            new DataMarketConfig(
                                    Snapshotters.MARKET, 10, 30, 1_000_000, owner.getAddress(), sequencers),
                            1,
                            snapshotters);

            // ---- pre-fill ----
            long t0 = (System.currentTimeMillis() / 60_000) * 60_000
                    - Duration.ofHours(3).toMillis();
            long spacing = 60_000;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(
                                new NewTopic("submissions", 4, (short) 1),
                                new NewTopic("protocol-chain", 1, (short) 1),
                                new NewTopic("finalized", 2, (short) 1),
                                new NewTopic("batches", 2, (short) 1),
                                new NewTopic("rejected", 2, (short) 1),
                                new NewTopic("slot-counts", 2, (short) 1),
                                new NewTopic("discarded", 2, (short) 1)))
                        .all()
                        .get();
            }
            long fillStart = System.nanoTime();
            List<EpochReleased> releases = new ArrayList<>();
            for (long e = 1; e <= epochs; e++) {
                TransactionReceipt r = d.contract()
                        .releaseEpoch(
                                Snapshotters.MARKET, BigInteger.valueOf((e - 1) * 10 + 1), BigInteger.valueOf(e * 10))
                        .send();
                var ev = PowerloomProtocolState.getEpochReleasedEvents(r).get(0);
                releases.add(new EpochReleased(
                        Snapshotters.MARKET,
                        e,
                        ev.begin.longValue(),
                        ev.end.longValue(),
                        ev.timestamp.longValue(),
                        r.getBlockNumber().longValue(),
                        r.getBlockHash(),
                        r.getTransactionHash(),
                        ev.log.getLogIndex().intValue(),
                        30,
                        1_000_000,
                        0,
                        false));
            }
            LiveFeed feed = null;
            if (live) {
                // signed up front (relative to the release), sent later at their receive times
                List<List<ProducerRecord<String, byte[]>>> perEpoch = new ArrayList<>();
                for (long e = 1; e <= epochs; e++) {
                    perEpoch.add(submissionRecords(e, 0, projects, slots));
                }
                feed = new LiveFeed(producer(bootstrap, 5), web3j, releases, perEpoch, interval, slots);
            } else {
                try (KafkaProducer<String, byte[]> producer = producer(bootstrap, 20)) {
                    for (long slot = 1; slot <= slots; slot++) {
                        producer.send(new ProducerRecord<>(
                                "protocol-chain",
                                null,
                                t0 - 1000,
                                "slot",
                                RecordCodec.encode(
                                        new SlotAssignment(slot, Snapshotters.address(slot), true, 1, t0 - 1000))));
                    }
                    for (EpochReleased rel : releases) {
                        long at = t0 + rel.epochId() * spacing;
                        producer.send(new ProducerRecord<>(
                                "protocol-chain",
                                null,
                                at,
                                Snapshotters.MARKET,
                                RecordCodec.encode(observedAt(rel, at))));
                    }
                    long sent = 0;
                    for (long e = 1; e <= epochs; e++) {
                        long release = t0 + e * spacing;
                        List<ProducerRecord<String, byte[]>> records = submissionRecords(e, release, projects, slots);
                        records.forEach(rec -> producer.send(rec));
                        for (int part = 0;
                                part < 4;
                                part++) { // heartbeats move event time past the window on every partition
                            long hb = release + 31_000;
                            producer.send(new ProducerRecord<>(
                                    "submissions",
                                    part,
                                    hb,
                                    "hb",
                                    RecordCodec.encode(new Heartbeat(hb, "bench", part, e))));
                        }
                        sent += records.size();
                        if (sent % 100_000 < records.size()) {
                            System.out.printf(Locale.ROOT, "  pre-filled %,d submissions%n", sent);
                        }
                    }
                    // the chain watcher keeps reporting heads; one after the last window lets the chain's watermark
                    // pass it
                    var head = web3j.ethGetBlockByNumber(
                                    org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                            .send()
                            .getBlock();
                    long headAt = t0 + epochs * spacing + 31_000;
                    producer.send(new ProducerRecord<>(
                            "protocol-chain",
                            null,
                            headAt,
                            "block",
                            RecordCodec.encode(new ChainBlock(
                                    head.getNumber().longValue(),
                                    head.getHash(),
                                    head.getTimestamp().longValue(),
                                    headAt))));
                    producer.flush();
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,d submissions in %.1f s%n",
                    live ? "signed" : "pre-fill",
                    total,
                    (System.nanoTime() - fillStart) / 1e9);

            // ---- run the job ----
            Map<String, String> c = new HashMap<>();
            c.put("sequencer.kafka.bootstrap-servers", bootstrap);
            c.put("sequencer.kafka.start-from", "earliest");
            // unbounded, as in production catching up on a backlog; the run ends when every batch is in Kafka
            c.put("sequencer.kafka.stop-at", "none");
            c.put("sequencer.data-markets", Snapshotters.MARKET);
            c.put("sequencer.verify.full-nodes", String.join(",", snapshotters));
            c.put("sequencer.batch.size", Integer.toString(batchSize));
            c.put("sequencer.chain.id", Long.toString(Snapshotters.CHAIN_ID));
            c.put("sequencer.chain.protocol-state", d.contractAddress());
            c.put("sequencer.chain.rpc-url", anvil.rpcUrl());
            c.put(
                    "sequencer.chain.signer-key-files",
                    keyFiles.stream().map(Path::toString).collect(Collectors.joining(",")));
            c.put("sequencer.ipfs.api-url", ipfs.apiUri().toString());
            c.put("sequencer.anchor.mode", anchor ? "commit" : "none");
            c.put("sequencer.accounting.enabled", Boolean.toString(accounting));
            c.put("sequencer.checkpoint-interval", "5 s");
            c.put("sequencer.chain.receipt-poll-interval", opt.getOrDefault("receipt-poll", "50 ms"));
            c.put("sequencer.chain.gas-per-project", opt.getOrDefault("gas-per-project", "0"));
            Configuration conf = new Configuration();
            conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    work.resolve("checkpoints").toUri().toString());
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(512));
            conf.setString("io.tmp.dirs", work.resolve("flink-tmp").toString());
            // --flink-conf "k=v;k=v": Flink settings for an experiment, e.g. a RocksDB option
            for (String kv : opt.getOrDefault("flink-conf", "").split(";")) {
                if (!kv.isBlank()) {
                    int eq = kv.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--flink-conf expects key=value;key=value, got " + kv);
                    }
                    conf.setString(
                            kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            SequencerJob.configure(env, SequencerJob.config(c));
            var os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpuStart = os.getProcessCpuTime();
            Map<String, Long> childCpuStart = childCpuNanos();
            long jobStart = System.nanoTime();
            EpochProgress progress = live || warmup == 0 ? null : new EpochProgress(bootstrap, projects);
            StageProfile profile = opt.containsKey("profile") ? StageProfile.start(Path.of(opt.get("profile"))) : null;
            JobClient job = env.executeAsync("sequencer-benchmark");
            if (feed != null) {
                while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING) {
                    Thread.sleep(100);
                }
                feed.start(System.currentTimeMillis() + 5000); // the tasks start a moment after the job does
            }
            int batchesPerEpoch = (projects + batchSize - 1) / batchSize;
            waitForOutputs(bootstrap, (long) epochs * batchesPerEpoch, anchor ? epochs : 0, job, feed);
            double seconds = (System.nanoTime() - jobStart) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
            Map<String, Long> childCpuEnd = childCpuNanos();
            if (profile != null) {
                profile.close();
            }
            job.cancel().get();
            if (progress != null) {
                progress.close();
            }
            if (feed != null) {
                feed.close();
            }

            // ---- results ----
            double sustainedRate = Double.NaN;
            double endToEndRate = Double.NaN;
            Map<Long, Long> latencyPerEpoch = new TreeMap<>();
            Map<Long, Long> warmupLatency = new TreeMap<>(); // reported apart: the JIT compiler is still busy then
            Map<Long, Long> fromWindowEnd =
                    new TreeMap<>(); // live: the window's end (event time = wall time) to the block
            Map<Long, Long> everyEpoch =
                    new TreeMap<>(); // every epoch, warm-up or not: for the first ten after the start
            int batches = 0;
            ObjectMapper json = new ObjectMapper();
            for (ConsumerRecord<byte[], byte[]> r : ReplayJob.readAll(bootstrap, "batches")) {
                JsonNode n = json.readTree(r.value());
                if ("batch".equals(n.get("type").asText())) {
                    batches++;
                    if (n.has("commitLatencyMs")) {
                        everyEpoch.merge(
                                n.get("epochId").asLong(),
                                n.get("commitLatencyMs").asLong(),
                                Math::max);
                    }
                    if (n.has("commitLatencyMs") && n.get("epochId").asLong() <= warmup) {
                        warmupLatency.merge(
                                n.get("epochId").asLong(),
                                n.get("commitLatencyMs").asLong(),
                                Math::max);
                    }
                    if (n.has("commitLatencyMs") && n.get("epochId").asLong() > warmup) {
                        latencyPerEpoch.merge(
                                n.get("epochId").asLong(),
                                n.get("commitLatencyMs").asLong(),
                                Math::max);
                        long seen = feed == null
                                ? -1
                                : feed.blockSeenAt(n.path("blockNumber").asLong());
                        if (seen > 0) {
                            fromWindowEnd.merge(
                                    n.get("epochId").asLong(),
                                    seen - n.get("windowCloseMs").asLong(),
                                    Math::max);
                        }
                        if (epochs <= 3) { // small runs: show how one epoch's batches spread over time and blocks
                            System.out.printf(
                                    Locale.ROOT,
                                    "  epoch %d batch %d: mined in block %d, %d ms after the close%n",
                                    n.get("epochId").asLong(),
                                    n.path("batchIndex").asInt(),
                                    n.path("blockNumber").asLong(),
                                    n.get("commitLatencyMs").asLong());
                        }
                    }
                }
            }
            int finalized = ReplayJob.readAll(bootstrap, "finalized").size();
            if (live) {
                System.out.printf(
                        Locale.ROOT,
                        "job: %,d submissions -> %,d project results, %,d batches, live over %.1f s%n",
                        total,
                        finalized,
                        batches,
                        seconds);
            } else {
                System.out.printf(
                        Locale.ROOT,
                        "job: %,d submissions -> %,d project results, %,d batches in %.1f s: %,.0f submissions/s end to end%n",
                        total,
                        finalized,
                        batches,
                        seconds,
                        total / seconds);
                endToEndRate = total / seconds;
                long from = progress == null ? -1 : progress.doneAt(warmup);
                long to = progress == null ? -1 : progress.doneAt(epochs);
                if (from > 0 && to > from) {
                    long after = (long) (epochs - warmup) * projects * slots;
                    System.out.printf(
                            Locale.ROOT,
                            "sustained, after %d warm-up epochs: %,d submissions (epochs %d-%d) finalized in %.1f s: "
                                    + "%,.0f submissions/s%n",
                            warmup,
                            after,
                            warmup + 1,
                            epochs,
                            (to - from) / 1e3,
                            after * 1e3 / (to - from));
                    sustainedRate = after * 1e3 / (to - from);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "job JVM CPU: %.1f s = %.0f us per submission (the broker's own JVM not included)%n",
                    cpuSeconds,
                    cpuSeconds * 1e6 / total);
            if (!latencyPerEpoch.isEmpty()) {
                List<Long> l = new ArrayList<>(latencyPerEpoch.values());
                l.sort(Long::compare);
                System.out.printf(
                        Locale.ROOT,
                        "window close -> last commit mined, per epoch (%d epochs%s): p50 %d ms, p99 %d ms, max %d ms%n",
                        l.size(),
                        warmup > 0 ? " after " + warmup + " warm-up" : "",
                        percentile(l, 50),
                        percentile(l, 99),
                        l.get(l.size() - 1));
                System.out.println("  per epoch: " + latencyPerEpoch);
            }
            if (!warmupLatency.isEmpty()) {
                System.out.println("  warm-up epochs (not in the figures above): " + warmupLatency);
            }
            if (!fromWindowEnd.isEmpty()) {
                List<Long> l = new ArrayList<>(fromWindowEnd.values());
                l.sort(Long::compare);
                System.out.printf(
                        Locale.ROOT,
                        "window end (release + submission window) -> block with the last commit first seen, "
                                + "including the watermark's wait for heartbeats: p50 %d ms, p99 %d ms, max %d ms%n  per epoch: %s%n",
                        percentile(l, 50),
                        percentile(l, 99),
                        l.get(l.size() - 1),
                        fromWindowEnd);
            }
            if (!everyEpoch.isEmpty()) {
                reportFirstTen(everyEpoch);
            }
            reportCpuByProcess(cpuSeconds * 1e9, childCpuStart, childCpuEnd, total, seconds);
            if (profile != null) {
                profile.report(total);
            }
            double[] recovery = recoveryRate(20_000);
            System.out.printf(
                    Locale.ROOT,
                    "native signature recovery on one core: %,.0f/s (from the measuring thread's CPU time; "
                            + "by wall time %,.0f/s)%n",
                    recovery[0],
                    recovery[1]);
            double twoCores = 2 * recovery[0];
            if (live) {
                System.out.println("ratio to 2 x native recovery: not computed in a live run (the feed sets the rate)");
            } else {
                System.out.printf(
                        Locale.ROOT,
                        "ratio sustained / (2 x native recovery): %s%n",
                        Double.isNaN(sustainedRate)
                                ? "n/a " + "(needs --warmup-epochs > 0 and epochs after them)"
                                : String.format(
                                        Locale.ROOT,
                                        "%.3f (%,.0f / %,.0f)",
                                        sustainedRate / twoCores,
                                        sustainedRate,
                                        twoCores));
                System.out.printf(
                        Locale.ROOT,
                        "ratio end to end / (2 x native recovery): %.3f (%,.0f / %,.0f)%n",
                        endToEndRate / twoCores,
                        endToEndRate,
                        twoCores);
            }
            web3j.shutdown();
        } finally {
            TempDirs.deleteRecursively(work);
        }
        System.exit(0);
    }

    /**
     * The single-core native recovery rate, {@code {per thread-CPU second, per wall second}}: the first is measured from
     * the measuring thread's CPU time, so other work on the machine can make it lower (cache, frequency) but, unlike
     * wall time, never higher through a quiet moment, and a busy moment does not inflate the ratios computed from it.
     */
    static double[] recoveryRate(int n) throws java.security.SignatureException {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        threads.setThreadCpuTimeEnabled(true);
        byte[] key = new byte[32];
        key[31] = 7;
        byte[][] digests = new byte[64][];
        byte[][] sigs = new byte[64][];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = io.powerloom.sequencer.protocol.crypto.Keccak256.hash(new byte[] {(byte) i});
            sigs[i] = Secp256k1.sign(key, digests[i]);
        }
        int sink = 0;
        for (int i = 0; i < Math.min(n, 2000); i++) { // warm-up
            sink += Secp256k1.recoverPublicKey(digests[i & 63], sigs[i & 63])[1];
        }
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += Secp256k1.recoverPublicKey(digests[i & 63], sigs[i & 63])[1];
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        if (sink == 42) {
            System.out.print(""); // keep the JIT from dropping the loop
        }
        return new double[] {n / (cpu / 1e9), n / (wall / 1e9)};
    }

    /**
     * CPU time (user + system) so far of each child process of this JVM with its own descendants, by what it is: the
     * Kafka broker's JVM, Anvil, the IPFS node (node). Read from the kernel's per-process accounting
     * ({@code /proc/<pid>/stat} utime + stime on Linux, through {@link ProcessHandle.Info#totalCpuDuration()}).
     */
    static Map<String, Long> childCpuNanos() {
        Map<String, Long> cpu = new TreeMap<>();
        ProcessHandle.current().children().forEach(child -> {
            String label = processLabel(child);
            long nanos = cpuNanos(child)
                    + child.descendants()
                            .mapToLong(SequencerBenchmark::cpuNanos)
                            .sum();
            cpu.merge(label, nanos, Long::sum);
        });
        return cpu;
    }

    private static long cpuNanos(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    static String processLabel(ProcessHandle p) {
        String command = p.info().command().orElse("?");
        String args = String.join(" ", p.info().arguments().orElse(new String[0]));
        try { // the JDK may leave out the arguments of a long command line (the broker's class path); the kernel has
            // them
            args = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or the process ended: keep what the JDK reported
        }
        String exe = Path.of(command).getFileName().toString();
        if (args.contains("KafkaServerMain") || args.contains("kafka.Kafka")) {
            return "Kafka broker JVM";
        }
        if (exe.startsWith("anvil")) {
            return "Anvil";
        }
        if (exe.startsWith("node") || args.contains("ipfs")) {
            return "IPFS node";
        }
        return exe + " (pid " + p.pid() + ")";
    }

    static void reportCpuByProcess(
            double jvmNanos, Map<String, Long> start, Map<String, Long> end, long submissions, double seconds) {
        Map<String, Double> perProcess = new java.util.LinkedHashMap<>();
        perProcess.put("benchmark JVM (the job, and the benchmark's own reader/feed threads)", jvmNanos);
        end.forEach((k, v) -> perProcess.put(k, (double) (v - start.getOrDefault(k, 0L))));
        double sum =
                perProcess.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(
                Locale.ROOT,
                "CPU per submission by process, over the job's %.1f s (%,d submissions):%n",
                seconds,
                submissions);
        perProcess.forEach((k, v) -> System.out.printf(
                Locale.ROOT,
                "  cpu %-70s %8.1f s = %7.1f us per submission%n",
                k + ":",
                v / 1e9,
                v / 1e3 / submissions));
        System.out.printf(
                Locale.ROOT,
                "  cpu %-70s %8.1f s = %7.1f us per submission (%.2f cores busy on average)%n",
                "all of the above:",
                sum / 1e9,
                sum / 1e3 / submissions,
                sum / 1e9 / seconds);
    }

    /**
     * Window close to last commit mined for the first ten epochs after the job's start, one by one, apart from the
     * epochs after them (the start-up cost an operator sees after a restart or failover).
     */
    static void reportFirstTen(Map<Long, Long> everyEpoch) {
        Map<Long, Long> firstTen = new TreeMap<>();
        List<Long> rest = new ArrayList<>();
        long first = everyEpoch.keySet().iterator().next();
        everyEpoch.forEach((e, ms) -> {
            if (e < first + 10) {
                firstTen.put(e, ms);
            } else {
                rest.add(ms);
            }
        });
        List<Long> ten = new ArrayList<>(firstTen.values());
        ten.sort(Long::compare);
        System.out.printf(
                Locale.ROOT,
                "first ten epochs after the start, window close -> last commit mined: max %d ms, p50 %d ms; "
                        + "per epoch %s%n",
                ten.get(ten.size() - 1),
                percentile(ten, 50),
                firstTen);
        if (rest.isEmpty()) {
            System.out.println("epochs after the first ten, window close -> last commit mined: none in this run");
        } else {
            rest.sort(Long::compare);
            System.out.printf(
                    Locale.ROOT,
                    "epochs after the first ten (%d epochs), window close -> last commit mined: p50 %d ms, "
                            + "p99 %d ms, max %d ms%n",
                    rest.size(),
                    percentile(rest, 50),
                    percentile(rest, 99),
                    rest.get(rest.size() - 1));
        }
    }

    static EpochReleased observedAt(EpochReleased r, long at) {
        return new EpochReleased(
                r.dataMarket(),
                r.epochId(),
                r.begin(),
                r.end(),
                r.chainTimestamp(),
                r.blockNumber(),
                r.blockHash(),
                r.txHash(),
                r.logIndex(),
                r.snapshotSubmissionWindow(),
                r.batchSubmissionWindow(),
                at,
                r.removed());
    }

    /**
     * One epoch's signed submissions as the bridge writes them (keyed by slot), received over the 20 s after
     * {@code release + 1 s}, sorted by receive time.
     */
    static List<ProducerRecord<String, byte[]>> submissionRecords(long epoch, long release, int projects, int slots) {
        List<ProducerRecord<String, byte[]>> records = LongStream.range(0, (long) projects * slots)
                .parallel()
                .mapToObj(i -> {
                    int p = (int) (i / slots);
                    long slot = 1 + i % slots;
                    long at = release + 1000 + (i * 20_000L) / ((long) projects * slots);
                    String project = String.format("aggregate_pairContract_24h_trade_volume:0x%040x:UNISWAPV2", p + 1);
                    String cid = Cid.rawLeavesV1((epoch + "/" + p).getBytes(StandardCharsets.UTF_8));
                    String json = Snapshotters.json(
                            Snapshotters.key(slot), slot, epoch, project, cid, 1_000_000, Snapshotters.MARKET);
                    String id = Snapshotters.id(epoch + "/" + p + "/" + slot);
                    return new ProducerRecord<>(
                            "submissions",
                            null,
                            at,
                            Long.toString(slot),
                            RecordCodec.encode(new SubmissionEnvelope(id, "12D3KooWBench", at, "bench", json)));
                })
                .collect(Collectors.toList());
        records.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
        return records;
    }

    /**
     * The live run's stand-in for the bridge and the chain watcher: sends each epoch's release and submissions at
     * their wall-clock times, a heartbeat to every submissions partition and the latest block head every second, and
     * notes when each block first appeared on the chain (polled every 25 ms), so that the time from a window's end to
     * the block holding its last commit can be measured outside the job.
     */
    static final class LiveFeed implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final Web3j web3j;
        private final List<EpochReleased> releases;
        private final List<List<ProducerRecord<String, byte[]>>> submissions;
        private final long interval;
        private final int slots;
        private final Map<Long, Long> blockSeenAt = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stop;
        private volatile Throwable failure;
        private long base;

        LiveFeed(
                KafkaProducer<String, byte[]> producer,
                Web3j web3j,
                List<EpochReleased> releases,
                List<List<ProducerRecord<String, byte[]>>> submissions,
                long interval,
                int slots) {
            this.producer = producer;
            this.web3j = web3j;
            this.releases = releases;
            this.submissions = submissions;
            this.interval = interval;
            this.slots = slots;
        }

        /** Release time (wall clock) of epoch {@code e} (1-based). */
        long releaseAt(long e) {
            return base + (e - 1) * interval;
        }

        void start(long firstRelease) {
            base = firstRelease;
            long now = System.currentTimeMillis();
            for (long slot = 1; slot <= slots; slot++) {
                producer.send(new ProducerRecord<>(
                        "protocol-chain",
                        null,
                        now,
                        "slot",
                        RecordCodec.encode(new SlotAssignment(slot, Snapshotters.address(slot), true, 1, now))));
            }
            threads.add(new Thread(this::feed, "live-feed"));
            threads.add(new Thread(this::watchBlocks, "live-blocks"));
            threads.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
        }

        private void feed() {
            try {
                // one time-ordered plan: (time, record); releases first at their instant
                List<ProducerRecord<String, byte[]>> plan = new ArrayList<>();
                for (int i = 0; i < releases.size(); i++) {
                    long at = releaseAt(i + 1);
                    plan.add(new ProducerRecord<>(
                            "protocol-chain",
                            null,
                            at,
                            Snapshotters.MARKET,
                            RecordCodec.encode(observedAt(releases.get(i), at))));
                    for (ProducerRecord<String, byte[]> r : submissions.get(i)) {
                        long t = r.timestamp() + at; // generated relative to a release at 0
                        SubmissionEnvelope env = RecordCodec.decodeSubmissionEnvelope(r.value());
                        plan.add(new ProducerRecord<>(
                                r.topic(),
                                null,
                                t,
                                r.key(),
                                RecordCodec.encode(new SubmissionEnvelope(
                                        env.submissionId(), env.peerId(), t, env.bridgeId(), env.submission()))));
                    }
                    submissions.set(i, null);
                }
                plan.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp())); // stable: a release precedes its epoch
                long nextBeat = System.currentTimeMillis();
                long seq = 0;
                int next = 0;
                while (!stop) {
                    long now = System.currentTimeMillis();
                    while (next < plan.size() && plan.get(next).timestamp() <= now) {
                        producer.send(plan.get(next++));
                    }
                    if (now >= nextBeat) {
                        for (int part = 0; part < 4; part++) {
                            producer.send(new ProducerRecord<>(
                                    "submissions",
                                    part,
                                    now,
                                    "hb",
                                    RecordCodec.encode(new Heartbeat(now, "bench", part, seq))));
                        }
                        seq++;
                        var head = web3j.ethGetBlockByNumber(
                                        org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                                .send()
                                .getBlock();
                        producer.send(new ProducerRecord<>(
                                "protocol-chain",
                                null,
                                now,
                                "block",
                                RecordCodec.encode(new ChainBlock(
                                        head.getNumber().longValue(),
                                        head.getHash(),
                                        head.getTimestamp().longValue(),
                                        now))));
                        nextBeat += 1000;
                    }
                    long wake = Math.min(
                            nextBeat, next < plan.size() ? plan.get(next).timestamp() : Long.MAX_VALUE);
                    long sleep = wake - System.currentTimeMillis();
                    if (sleep > 0) {
                        Thread.sleep(Math.min(sleep, 50));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void watchBlocks() {
            long last = -1;
            while (!stop) {
                try {
                    long n = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
                    long now = System.currentTimeMillis();
                    for (long b = last + 1; b <= n; b++) {
                        blockSeenAt.putIfAbsent(b, now);
                    }
                    last = Math.max(last, n);
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    failure = e;
                    return;
                }
            }
        }

        /** Wall time the block was first seen, or -1. */
        long blockSeenAt(long block) {
            return blockSeenAt.getOrDefault(block, -1L);
        }

        void check() {
            if (failure != null) {
                throw new IllegalStateException("live feed failed: " + failure, failure);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            for (Thread t : threads) {
                t.join(5000);
            }
            producer.close();
        }
    }

    /**
     * When each epoch's last project result left the job: reads the finalized topic uncommitted (the job writes every
     * result at once; a {@code read_committed} reader sees it only after the next checkpoint), so that the rate after
     * the JIT compiler's warm-up can be told apart from the whole run's.
     */
    static final class EpochProgress implements AutoCloseable {
        private static final byte[] FIELD = "\"epochId\":".getBytes(StandardCharsets.US_ASCII);
        private final Map<Long, Integer> results = new HashMap<>();
        private final Map<Long, Long> doneAt = new java.util.concurrent.ConcurrentHashMap<>();
        private final int projects;
        private final Thread thread;
        private volatile boolean stop;

        EpochProgress(String bootstrap, int projects) {
            this.projects = projects;
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("isolation.level", "read_uncommitted");
            KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = consumer.partitionsFor("finalized").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            thread = new Thread(
                    () -> {
                        try (consumer) {
                            while (!stop) {
                                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                                    long epoch = epochOf(r.value());
                                    if (results.merge(epoch, 1, Integer::sum) == this.projects) {
                                        doneAt.put(epoch, System.currentTimeMillis());
                                    }
                                }
                            }
                        }
                    },
                    "epoch-progress");
            thread.setDaemon(true);
            thread.start();
        }

        /** The epoch of a finalized record ({@code "epochId":123} or {@code "epochId":"123"}), without a JSON parse. */
        static long epochOf(byte[] json) {
            outer:
            for (int i = 0; i + FIELD.length < json.length; i++) {
                for (int j = 0; j < FIELD.length; j++) {
                    if (json[i + j] != FIELD[j]) {
                        continue outer;
                    }
                }
                int k = i + FIELD.length;
                if (json[k] == '"') {
                    k++;
                }
                long v = 0;
                while (k < json.length && json[k] >= '0' && json[k] <= '9') {
                    v = v * 10 + (json[k++] - '0');
                }
                return v;
            }
            throw new IllegalArgumentException("no epochId in a finalized record");
        }

        /** Wall time the epoch's last result was seen, or -1. */
        long doneAt(long epoch) {
            return doneAt.getOrDefault(epoch, -1L);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5000);
        }
    }

    /**
     * Reads the batches topic (committed transactions only) until it holds {@code batches} batch records and
     * {@code ends} epoch-end records; fails if the job ends first.
     */
    static void waitForOutputs(String bootstrap, long batches, long ends, JobClient job, LiveFeed feed)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor("batches").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long seenBatches = 0;
            long seenEnds = 0;
            while (seenBatches < batches || seenEnds < ends) {
                if (feed != null) {
                    feed.check();
                }
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException(
                            "the job ended after " + seenBatches + " of " + batches + " batches");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if ("batch".equals(json.readTree(r.value()).get("type").asText())) {
                        seenBatches++;
                    } else {
                        seenEnds++;
                    }
                }
            }
        }
    }

    /**
     * Anvil with room for big batches; with a block time, many commits share a block. Without the state root, Anvil
     * does not rehash all storage every block (see {@link Anvil.Builder#skipStateRoot(boolean)}).
     */
    static Anvil anvil(int blockTimeSeconds, boolean stateRoot) {
        Anvil.Builder b = Anvil.builder()
                .chainId(Snapshotters.CHAIN_ID)
                .gasLimit(2_000_000_000L)
                .pruneHistory(true)
                .skipStateRoot(!stateRoot);
        if (blockTimeSeconds > 0) {
            b.blockTimeSeconds(blockTimeSeconds);
        }
        return b.start();
    }

    static long percentile(List<Long> sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap, int lingerMs) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "1");
        p.put("linger.ms", Integer.toString(lingerMs));
        p.put("batch.size", Integer.toString(512 * 1024));
        p.put("compression.type", "lz4");
        p.put("buffer.memory", Long.toString(256L << 20));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("options look like --epochs 100, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }
}
