package io.powerloom.sequencer.local;

import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.IngestBridge;
import io.powerloom.sequencer.bridge.chain.ChainWatcher;
import io.powerloom.sequencer.bridge.chain.ChainWatcherConfig;
import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.ipfs.IpfsNode;
import io.powerloom.sequencer.infra.kafka.KafkaBroker;
import io.powerloom.sequencer.job.SequencerConfig;
import io.powerloom.sequencer.job.SequencerJob;
import io.powerloom.sequencer.protocol.crypto.Eip712Domain;
import io.powerloom.sequencer.protocol.crypto.Keccak256;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.records.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * README command 1: the whole sequencer on one machine, from real components, on 127.0.0.1 with free ports and
 * its data under {@code .run/local} (see {@code docs/local-network.md}).
 *
 * <p>{@link #start} brings up, in order: the Kafka broker (own JVM) with the topics; Anvil (chain id 31337, a block a
 * second) with the protocol-state contract deployed, one data market (epoch size 10, the submission window of the
 * options, a large batch window, epoch manager = dev account 0, sequencer signers = dev accounts 1..4) and the
 * simulated snapshotters' slots; the IPFS node (Helia); the js-libp2p circuit relay; the ingest bridge holding a
 * reservation on the relay, and the chain watcher following the contract from its deployment block; the Flink job
 * with its web UI; the progress printer; the simulated snapshotter nodes; and the epoch releaser. {@link #close()}
 * stops all of it in reverse order. {@link #main} adds Ctrl-C handling and {@code --duration}.
 */
public final class LocalNetwork implements AutoCloseable {
    /** Chain id of the local protocol chain. */
    public static final long CHAIN_ID = 31337;
    /** Source-chain blocks per epoch. */
    public static final int EPOCH_SIZE = 10;
    /** Blocks after a release in which batches still count (large: the demo never runs into it). */
    public static final long BATCH_WINDOW_BLOCKS = 1_000_000;
    /** The local data market's address (a key on the contract; no contract lives there). */
    public static final String DATA_MARKET =
            Secp256k1.addressOf(Keccak256.hash("powerloom-local-network-data-market".getBytes(StandardCharsets.UTF_8)));
    /** The bridge's rejects topic. */
    public static final String BRIDGE_REJECTS_TOPIC = Topics.BRIDGE_REJECTS;

    private final Logger log = LoggerFactory.getLogger(LocalNetwork.class);
    private final LocalNetworkOptions options;
    private final Consumer<String> console;
    private final Deque<Step> started = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final long startedAtMs = System.currentTimeMillis();
    private final Object closeLock = new Object();
    private boolean closed;

    private KafkaBroker kafka;
    private Anvil anvil;
    private Web3j web3j;
    private ProtocolStateDeployment deployment;
    private IpfsNode ipfs;
    private NodeServiceProcess relay;
    private NodeServiceProcess bootstrap;
    /** The gossipsub topic prefix and rendezvous of the local network. */
    static final String GOSSIP_PREFIX = "/powerloom/snapshot-submissions";

    static final String GOSSIP_RENDEZVOUS = "powerloom-local-network";
    private IngestBridge bridge;
    private JobClient job;
    private int webPort;
    private ProgressPrinter progress;
    private QueryServiceProcess query;
    private SnapshotterFleet fleet;
    private EpochReleaser releaser;

    /** A started component and how to stop it. */
    private record Step(String name, AutoCloseable stop) {}

    private LocalNetwork(LocalNetworkOptions options, Consumer<String> console) {
        this.options = options;
        this.console = console;
    }

    /**
     * Starts every component (see the class description). When one fails, what was started is stopped again and
     * the failure is rethrown with the component's name.
     *
     * @param console receives the progress lines
     */
    public static LocalNetwork start(LocalNetworkOptions options, Consumer<String> console) {
        LocalNetwork net = new LocalNetwork(options, console);
        net.startOrClose();
        return net;
    }

    private void startOrClose() {
        try {
            startAll();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void startAll() {
        Path data = options.dataDir().toAbsolutePath();
        for (String sub : List.of("kafka", "ipfs", "relay", "bridge", "flink", "keys", "query")) {
            TempDirs.deleteRecursively(data.resolve(sub));
        }
        mkdirs(data);
        say("starting the local network in " + data + " (logs: " + data.resolve("logs/local-network.log") + ")");

        // the broker JVM takes longest: start it while the chain, IPFS and the relay come up
        CompletableFuture<KafkaBroker> kafkaStarting =
                CompletableFuture.supplyAsync(() -> KafkaBroker.builder(data.resolve("kafka"))
                        .maxHeap("384m")
                        .build()
                        .start());
        try {
            startChain(data);
            ipfs = IpfsNode.start(data.resolve("ipfs"));
            track("IPFS node", ipfs);
            say("IPFS node up: API " + ipfs.apiUri() + " (peer " + ipfs.peerId() + ")");
            relay = NodeServiceProcess.relay(data.resolve("relay"));
            track("relay", relay);
            say("libp2p circuit relay up: " + relay.multiaddr());
            bootstrap = NodeServiceProcess.bootstrap(data.resolve("bootstrap"));
            track("gossipsub bootstrap node", bootstrap);
            say("gossipsub/DHT bootstrap node up: " + bootstrap.multiaddr());
        } finally {
            kafka = joinKafka(kafkaStarting);
        }
        say("Kafka broker up: " + kafka.bootstrapServers());
        createTopics();

        startBridgeAndWatcher(data);
        startJob(data);
        startQueryService(data);

        progress = new ProgressPrinter(
                kafka.bootstrapServers(),
                Topics.FINALIZED,
                Topics.BATCHES,
                Topics.REJECTED,
                BRIDGE_REJECTS_TOPIC,
                Topics.SLOT_COUNTS,
                this::say,
                startedAtMs);
        progress.start();
        track("progress printer", progress);

        SimulatedSubmissions subs = new SimulatedSubmissions(
                new Eip712Domain(CHAIN_ID, deployment.contractAddress()),
                DATA_MARKET,
                options.slots(),
                options.fullNodes(),
                options.projects(),
                options.faultyShare());
        fleet = new SnapshotterFleet(
                web3j,
                deployment.contractAddress(),
                DATA_MARKET,
                relay.multiaddr(),
                bridge.host().listenAddresses().get(0),
                bridge.host().peerId().toString(),
                subs,
                options.slots(),
                options.windowSeconds(),
                deployment.deployBlock().longValue(),
                options.seed());
        fleet.withGossip(new SnapshotterFleet.GossipTarget(bootstrap.multiaddr(), GOSSIP_RENDEZVOUS, GOSSIP_PREFIX));
        track("snapshotter nodes", fleet);
        fleet.start();
        say("submit paths: " + fleet.nodesByPath() + " (gossipsub only, /collect only, both)");
        say(options.slots() + " snapshotter nodes connected (" + fleet.directNodes()
                + " /collect nodes directly to the bridge, "
                + "the other /collect nodes through the relay; " + options.fullNodes() + " full nodes, "
                + options.projects() + " projects, faulty share " + options.faultyShare() + ")");

        PowerloomProtocolState asEpochManager = ProtocolStateDeployer.load(
                deployment.contractAddress(), web3j, Credentials.create(anvil.privateKey(0)), CHAIN_ID);
        releaser = new EpochReleaser(
                asEpochManager,
                DATA_MARKET,
                EPOCH_SIZE,
                1,
                options.epochInterval(),
                r -> say("epoch " + r.epochId() + " released: source blocks " + r.begin() + ".." + r.end() + " (block "
                        + r.blockNumber() + ", tx " + r.txHash() + ")"));
        track("epoch releaser", releaser);
        releaser.start();
        say(String.format(
                Locale.ROOT,
                "all components up in %.1f s; an epoch every %d s, window %d s. Ctrl-C stops everything.",
                (System.currentTimeMillis() - startedAtMs) / 1000.0,
                options.epochInterval().toSeconds(),
                options.windowSeconds()));
        if (query != null) {
            say("open the explorer: " + queryUrl() + "/explorer/");
        }
    }

    /** The query service and explorer, in a JVM of its own; skipped (with a note) when its module is not built. */
    private void startQueryService(Path data) {
        String cp = QueryServiceProcess.classpath();
        if (cp == null) {
            say("query service not started: build the query-service module first (mvn -pl local-network -am install)");
            return;
        }
        query = QueryServiceProcess.start(data.resolve("query"), kafka.bootstrapServers(), cp, Duration.ofSeconds(90));
        track("query service", query);
        say("query service up: explorer " + query.url() + "/explorer/, API " + query.url() + "/openapi.json");
    }

    /** Remembers a started component; when the network was closed meanwhile (Ctrl-C), stops it and gives up. */
    private void track(String name, AutoCloseable stop) {
        started.push(new Step(name, stop));
        synchronized (closeLock) {
            if (!closed) {
                return;
            }
        }
        Step s = started.pop();
        try {
            s.stop().close();
        } catch (Exception e) {
            log.warn("stopping {}: {}", name, e.toString());
        }
        throw new IllegalStateException("stopped during start-up");
    }

    private KafkaBroker joinKafka(CompletableFuture<KafkaBroker> starting) {
        try {
            KafkaBroker k = starting.join();
            track("Kafka broker", k);
            return k;
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException(
                    "Kafka broker did not start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void startChain(Path data) {
        anvil = Anvil.builder().chainId(CHAIN_ID).start();
        track("Anvil", anvil);
        web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
        track("web3j", web3j::shutdown);
        Credentials owner = Credentials.create(anvil.privateKey(0));
        List<String> sequencers = new ArrayList<>();
        Path keys = data.resolve("keys");
        mkdirs(keys);
        for (int i = 1; i <= 4; i++) {
            sequencers.add(anvil.address(i));
            write(keys.resolve("signer-" + i + ".key"), anvil.privateKey(i));
        }
        List<String> snapshotters = new ArrayList<>();
        for (long s = 1; s <= options.slots(); s++) {
            snapshotters.add(SimulatedSubmissions.snapshotterAddress(s));
        }
        // deploy on automine (fast), then a block a second like a real protocol chain
        ProtocolStateDeployer deployer = new ProtocolStateDeployer(web3j, owner, CHAIN_ID);
        DataMarketConfig market = new DataMarketConfig(
                DATA_MARKET, EPOCH_SIZE, options.windowSeconds(), BATCH_WINDOW_BLOCKS, owner.getAddress(), sequencers);
        deployment = deployer.deploy(market, 1, snapshotters);
        // a short day, so that day ends and their eligible nodes and final counts show within minutes
        deployer.setEpochsInADay(deployment.contract(), market, options.epochsADay());
        deployer.setDailySnapshotQuota(deployment.contract(), DATA_MARKET, options.dailyQuota());
        anvil.setAutomine(false);
        anvil.rpc().call("evm_setIntervalMining", 1);
        say("Anvil up: RPC " + anvil.rpcUrl() + " (chain id " + CHAIN_ID + ", a block a second); protocol state "
                + deployment.contractAddress() + " (block " + deployment.deployBlock() + "), data market " + DATA_MARKET
                + ", " + options.slots() + " slots registered, a day of " + options.epochsADay()
                + " epochs, daily quota "
                + options.dailyQuota());
    }

    private void createTopics() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = List.of(
                    new NewTopic(Topics.SUBMISSIONS, 4, (short) 1),
                    new NewTopic(Topics.PROTOCOL_CHAIN, 1, (short) 1)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")),
                    new NewTopic(Topics.SLOTS, 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new NewTopic(Topics.FINALIZED, 2, (short) 1),
                    new NewTopic(Topics.BATCHES, 2, (short) 1),
                    new NewTopic(Topics.REJECTED, 2, (short) 1),
                    new NewTopic(Topics.SLOT_COUNTS, 2, (short) 1),
                    new NewTopic(Topics.DISCARDED, 2, (short) 1),
                    new NewTopic(BRIDGE_REJECTS_TOPIC, 1, (short) 1));
            for (NewTopic t : topics) {
                try {
                    admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + t.name() + ": "
                                        + e.getCause().getMessage(),
                                e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not create the topics within 60 s", e);
        }
    }

    private void startBridgeAndWatcher(Path data) {
        Map<String, String> b = new HashMap<>();
        b.put(BridgeConfig.BRIDGE_ID.key(), "local-bridge");
        b.put(BridgeConfig.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers());
        b.put(BridgeConfig.TOPIC_SUBMISSIONS.key(), Topics.SUBMISSIONS);
        b.put(BridgeConfig.TOPIC_BRIDGE_REJECTS.key(), BRIDGE_REJECTS_TOPIC);
        b.put(
                BridgeConfig.IDENTITY_KEY_FILE.key(),
                data.resolve("bridge/identity.key").toString());
        b.put(BridgeConfig.LIBP2P_LISTEN.key(), "/ip4/127.0.0.1/tcp/" + FreePorts.next());
        b.put(BridgeConfig.RELAYS.key(), relay.multiaddr());
        b.put(BridgeConfig.GOSSIP_ENABLED.key(), "true");
        b.put(BridgeConfig.GOSSIP_TOPIC_PREFIX.key(), GOSSIP_PREFIX);
        b.put(BridgeConfig.GOSSIP_RENDEZVOUS.key(), GOSSIP_RENDEZVOUS);
        b.put(BridgeConfig.GOSSIP_BOOTSTRAP_PEERS.key(), bootstrap.multiaddr());
        b.put(BridgeConfig.GOSSIP_DISCOVERY_INTERVAL.key(), "2s");
        b.put(BridgeConfig.HTTP_LISTEN.key(), "127.0.0.1:" + FreePorts.next());
        // every simulated node dials from 127.0.0.1: the per-IP caps must let all of them in
        b.put(BridgeConfig.MAX_CONNECTIONS_PER_IP.key(), Integer.toString(options.slots() + 16));
        b.put(BridgeConfig.MAX_STREAMS_PER_IP.key(), Integer.toString(options.slots() * 4 + 64));
        // a stop never waits minutes for a broker that is already gone (Ctrl-C in a terminal reaches it too)
        b.put(BridgeConfig.KAFKA_PRODUCER_PREFIX + "max.block.ms", "10000");
        b.put(BridgeConfig.KAFKA_PRODUCER_PREFIX + "request.timeout.ms", "10000");
        b.put(BridgeConfig.KAFKA_PRODUCER_PREFIX + "delivery.timeout.ms", "15000");
        b.put(BridgeConfig.SHUTDOWN_TIMEOUT.key(), "10s");
        mkdirs(data.resolve("bridge"));
        bridge = IngestBridge.start(BridgeConfig.of(b));
        track("ingest bridge", bridge);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (bridge.host().circuitAddresses().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bridge got no reservation on the relay: "
                        + bridge.host().reservations());
            }
            sleep(100);
        }
        say("ingest bridge up: peer " + bridge.host().peerId() + ", reachable at "
                + bridge.host().circuitAddresses().get(0)
                + "; health http://127.0.0.1:" + bridge.httpPort() + "/healthz, metrics http://127.0.0.1:"
                + bridge.httpPort() + "/metrics");

        // slot registrations go to the compacted slots topic and, for the job, to the protocol-chain topic
        ChainWatcher watcher = new ChainWatcher(
                ChainWatcherConfig.builder(anvil.rpcUrl(), deployment.contractAddress(), kafka.bootstrapServers())
                        .startBlock(deployment.deployBlock().longValue())
                        .confirmations(1)
                        .pollInterval(Duration.ofMillis(500))
                        .rpcTimeout(Duration.ofSeconds(5))
                        .chainTopic(Topics.PROTOCOL_CHAIN)
                        .slotsTopic(Topics.SLOTS)
                        .transactionalId("local-chain-watcher")
                        .build());
        watcher.start();
        track("chain watcher", watcher);
        say("chain watcher following " + deployment.contractAddress() + " from block " + deployment.deployBlock());
    }

    private void startJob(Path data) {
        Path flink = data.resolve("flink");
        for (String sub : List.of("checkpoints", "tmp", "web", "upload")) {
            mkdirs(flink.resolve(sub));
        }
        webPort = options.webPort() == 0 ? FreePorts.next() : options.webPort();
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, webPort);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                flink.resolve("checkpoints").toUri().toString());
        conf.set(CoreOptions.TMP_DIRS, flink.resolve("tmp").toString());
        conf.set(WebOptions.TMP_DIR, flink.resolve("web").toString());
        conf.set(WebOptions.UPLOAD_DIR, flink.resolve("upload").toString());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, options.parallelism());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(options.parallelism());
        SequencerConfig cfg = SequencerJob.config(jobConfig(data));
        cfg.validate();
        say("job settings other than the defaults (docs/configuration.md):");
        cfg.nonDefaults().forEach((k, v) -> say("  " + k + " = " + v));
        SequencerJob.configure(env, cfg);
        try {
            job = env.executeAsync("powerloom-sequencer (local network)");
        } catch (Exception e) {
            throw new IllegalStateException("the Flink job did not start: " + e.getMessage(), e);
        }
        track("Flink job", this::stopJob);
        awaitJobRunning(Duration.ofSeconds(120));
        say("Flink job running: web UI " + webUrl() + " (job " + job.getJobID() + ")");
        say("job health and metrics: " + webUrl() + "/jobs/" + job.getJobID() + " (state), " + webUrl() + "/jobs/"
                + job.getJobID() + "/checkpoints, " + webUrl() + "/jobs/" + job.getJobID()
                + "/vertices/<vertex id>/metrics (operator metrics, docs/operations.md \"Monitor\")");
    }

    /** The job's {@code sequencer.*} settings. */
    private Map<String, String> jobConfig(Path data) {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.kafka.bootstrap-servers", kafka.bootstrapServers());
        c.put("sequencer.kafka.start-from", "earliest");
        c.put("sequencer.kafka.group-id", "local-sequencer");
        c.put("sequencer.kafka.transactional-id-prefix", "local-sequencer");
        c.put("sequencer.data-markets", DATA_MARKET);
        List<String> fullNodes = new ArrayList<>();
        for (long s = 1; s <= options.fullNodes(); s++) {
            fullNodes.add(SimulatedSubmissions.snapshotterAddress(s));
        }
        c.put("sequencer.verify.full-nodes", String.join(",", fullNodes));
        c.put("sequencer.window.default-seconds", Integer.toString(options.windowSeconds()));
        c.put("sequencer.batch.size", Integer.toString(options.batchSize()));
        // snapshotter accounting on the short day: periodic counts four times a day, the day's end once its last
        // windows have closed
        long windowEpochs =
                (options.windowSeconds() * 1000L + options.epochInterval().toMillis() - 1)
                        / options.epochInterval().toMillis();
        c.put("sequencer.accounting.enabled", "true");
        c.put("sequencer.accounting.update-every-epochs", Integer.toString(Math.max(1, options.epochsADay() / 4)));
        c.put("sequencer.accounting.final-delay-epochs", Long.toString(windowEpochs + 1));
        c.put("sequencer.accounting.default-daily-quota", Long.toString(options.dailyQuota()));
        c.put("sequencer.chain.id", Long.toString(CHAIN_ID));
        c.put("sequencer.chain.protocol-state", deployment.contractAddress());
        c.put("sequencer.chain.rpc-url", anvil.rpcUrl());
        List<String> keyFiles = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            keyFiles.add(data.resolve("keys/signer-" + i + ".key").toString());
        }
        c.put("sequencer.chain.signer-key-files", String.join(";", keyFiles));
        c.put("sequencer.ipfs.api-url", ipfs.apiUri().toString());
        c.put("sequencer.checkpoint-interval", "2 s");
        return c;
    }

    private void awaitJobRunning(Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(webUrl() + "/jobs/overview"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && r.body().contains("\"state\":\"RUNNING\"")) {
                    return;
                }
                if (job.getJobStatus().get(5, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    throw new IllegalStateException("the Flink job ended at start: "
                            + job.getJobStatus().get());
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Flink job", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e.toString();
            }
            sleep(250);
        }
        throw new IllegalStateException("the Flink job is not running after " + timeout + ": " + last);
    }

    private void stopJob() throws Exception {
        if (job == null) {
            return;
        }
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("cancelling the Flink job: {}", e.toString());
        }
        try {
            job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
        } catch (Exception expected) {
            // a cancelled job ends exceptionally; the per-job mini cluster shuts down after it
        }
    }

    // ------------------------------------------------------------------ accessors (for tests and tools)

    /** The Flink web UI, {@code http://127.0.0.1:<port>}. */
    public String webUrl() {
        return "http://127.0.0.1:" + webPort;
    }

    /** The query service (API and explorer), {@code http://127.0.0.1:<port>}, or null when it was not started. */
    public String queryUrl() {
        return query == null ? null : query.url();
    }

    /** Anvil's JSON-RPC URL. */
    public String rpcUrl() {
        return anvil.rpcUrl();
    }

    /** The protocol-state contract's address. */
    public String contractAddress() {
        return deployment.contractAddress();
    }

    /** Kafka bootstrap servers. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The progress printer (counts of committed batches, completed epochs, rejections). */
    public ProgressPrinter progress() {
        return progress;
    }

    /** The snapshotter nodes (what they sent). */
    public SnapshotterFleet fleet() {
        return fleet;
    }

    /** The ingest bridge. */
    public IngestBridge bridge() {
        return bridge;
    }

    /** Epochs released so far. */
    public long releasedEpochs() {
        return releaser == null ? 0 : releaser.released();
    }

    /** Stops everything that was started, in reverse order; safe to call more than once. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (!started.isEmpty()) {
            say("stopping the local network ...");
        }
        if (progress != null && fleet != null) {
            say("so far: " + releasedEpochs() + " epochs released, " + progress.completedEpochs() + " completed, "
                    + progress.committedBatches() + " batches committed; sent " + fleet.sent() + "; rejected "
                    + progress.rejectedTotals());
        }
        while (!started.isEmpty()) {
            Step s = started.pop();
            long t0 = System.nanoTime();
            try {
                s.stop().close();
                log.info("stopped {} in {} ms", s.name(), (System.nanoTime() - t0) / 1_000_000);
            } catch (Exception e) {
                say("could not stop " + s.name() + " cleanly: " + e);
            }
        }
        say("local network stopped");
    }

    private void say(String line) {
        console.accept(line);
        log.info("{}", line);
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * {@code LocalNetwork [options]} (see {@link LocalNetworkOptions#usage()}). Exit codes: 0 after Ctrl-C or
     * {@code --duration}, 1 when a component fails to start, 2 on bad options.
     */
    public static void main(String[] args) throws InterruptedException {
        if (LocalNetworkOptions.wantsHelp(args)) {
            System.out.println(LocalNetworkOptions.usage());
            return;
        }
        LocalNetworkOptions options;
        try {
            options = LocalNetworkOptions.parse(args);
        } catch (LocalNetworkOptions.OptionsException e) {
            System.err.println("LocalNetwork: " + e.getMessage());
            System.err.println(LocalNetworkOptions.usage());
            System.exit(2);
            return;
        }
        Consumer<String> console =
                line -> System.out.printf(Locale.ROOT, "%tT  %s%n", System.currentTimeMillis(), line);
        CountDownLatch stopped = new CountDownLatch(1);
        LocalNetwork net = new LocalNetwork(options, console);
        // Ctrl-C / SIGTERM: stop everything in order on a normal thread first, then exit (the JVM's shutdown hooks,
        // e.g. the process reaper of local-infra and Flink's own, would otherwise race the orderly stop)
        Runnable stopAndExit = () -> {
            net.close();
            stopped.countDown();
            System.exit(0);
        };
        for (String signal : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(
                        new sun.misc.Signal(signal), s -> new Thread(stopAndExit, "local-network-stop").start());
            } catch (IllegalArgumentException e) {
                // the signal cannot be handled here: the shutdown hook below still stops everything
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(net::close, "local-network-stop-hook"));
        try {
            net.startOrClose();
        } catch (RuntimeException e) {
            System.err.println("LocalNetwork: failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.duration() != null) {
            if (!stopped.await(options.duration().toMillis(), TimeUnit.MILLISECONDS)) {
                console.accept("--duration " + options.duration().toSeconds() + "s reached");
                stopAndExit.run();
            }
        } else {
            stopped.await();
        }
    }
}
