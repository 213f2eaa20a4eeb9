package io.powerloom.sequencer.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.accounting.CountAudit;
import io.powerloom.sequencer.config.Args;
import io.powerloom.sequencer.job.kafka.TopicCheck;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reruns the sequencer over a range of the log and either audits or re-anchors it, as a Flink job of its own:
 *
 * <pre>
 * ReplayJob --mode audit|reanchor --from SPEC [--to SPEC] [--market 0x…] [--run-id ID] [--settings live|given]
 *           [--sequencer.&lt;key&gt; value ...]
 *   SPEC: epoch:&lt;id&gt; | timestamp:&lt;epoch ms&gt; | offsets:&lt;partition&gt;=&lt;offset&gt;,...   (--to also: latest)
 * </pre>
 *
 * <p>Before anything runs, {@link #prepare} checks every argument and setting, that Kafka answers and the input topics
 * exist, that the chain RPC (and for re-anchoring the IPFS node) answers, and creates the output topics
 * {@code <topic>-<run id>}; each failure is one {@link IllegalArgumentException} line naming what is wrong. A replay
 * takes the settings that shape batches from the live job's batch records (see
 * {@link SequencerConfig#decisionSettings()}) unless told {@code --settings given}, and refuses a given value that
 * differs from the live one.
 *
 * <p>{@link #main} is the entry point on a cluster ({@code submit-job.sh}, the REST API, {@code flink run}): it never
 * exits the JVM. Attached ({@code flink run}, local) it prints the report when the job ends; detached (REST) the
 * caller reports with {@link ReplayCommand} {@code --report}. {@link ReplayCommand} runs a replay in-process and
 * exits with {@link Outcome#exitCode()}: 0 all match (or re-anchored), 2 mismatch, 3 pending, 1 error.
 *
 * <p>With accounting on, the audit also compares the recomputed day counts with the chain ({@link CountAudit}); audit
 * whole days (an epoch range from a day's first epoch), since a day the replay saw only in part is not finalized.
 */
public final class ReplayJob {
    private ReplayJob() {}

    /** How long each check of an external component may take before the replay gives up. */
    static final Duration CHECK_TIMEOUT = TopicCheck.TIMEOUT;

    /** A parsed replay request. */
    public record Request(
            String mode,
            String from,
            String to,
            String market,
            String runId,
            boolean liveSettings,
            List<String> jobArgs) {}

    /** A checked, planned replay whose output topics exist. */
    public record Prepared(Request request, String runId, SequencerConfig config) {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Prepared p = prepare(
                Configuration.fromMap(env.getConfiguration().toMap()),
                args,
                System.getenv(),
                System.currentTimeMillis(),
                System.out);
        configure(env, p);
        JobExecutionResult result = env.execute(jobName(p));
        if (result.isJobExecutionResult()) { // attached: the job has ended
            report(p.config(), System.out);
        } else {
            System.out.println("replay " + p.runId() + " submitted; report with: ReplayCommand --report --run-id "
                    + p.runId() + " (results in " + p.config().get(SequencerConfig.TOPIC_BATCHES) + ")");
        }
    }

    /**
     * The replay's job graph. Unless the cluster or the submission configures a restart strategy, a replay gives up
     * after 3 restarts instead of retrying forever: it is bounded, and a failing component should end it with the
     * reason rather than keep it restarting.
     */
    static void configure(StreamExecutionEnvironment env, Prepared p) {
        if (env.getConfiguration()
                .getOptional(RestartStrategyOptions.RESTART_STRATEGY)
                .isEmpty()) {
            Configuration restarts = new Configuration();
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
            env.configure(restarts);
        }
        SequencerJob.configure(env, p.config());
    }

    static String jobName(Prepared p) {
        return "powerloom-sequencer-replay-" + p.runId();
    }

    // ------------------------------------------------------------------ request

    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,20}");
    private static final Pattern OFFSETS = Pattern.compile("[0-9]{1,9}=[0-9]{1,19}(,[0-9]{1,9}=[0-9]{1,19})*");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public static Request parse(String[] args) {
        Map<String, String> given =
                Args.parse(args); // the one parser; a ConfigException is an IllegalArgumentException
        String mode = given.remove("mode");
        String from = given.remove("from");
        String to = Objects.requireNonNullElse(given.remove("to"), "latest");
        String market = given.remove("market");
        if (market != null) {
            market = market.toLowerCase(Locale.ROOT);
        }
        String runId = given.remove("run-id");
        String settings = Objects.requireNonNullElse(given.remove("settings"), "live");
        List<String> rest = new ArrayList<>();
        given.forEach((key, value) -> {
            rest.add("--" + key);
            rest.add(value);
        });
        if (!"audit".equals(mode) && !"reanchor".equals(mode)) {
            throw new IllegalArgumentException(
                    "--mode must be audit or reanchor" + (mode == null ? "" : ", was '" + mode + "'"));
        }
        if (from == null) {
            throw new IllegalArgumentException("--from is required: epoch:<id>, timestamp:<ms> or offsets:<p>=<o>,...");
        }
        checkSpec("--from", from, false);
        checkSpec("--to", to, true);
        if (market != null && !market.matches("0x[0-9a-f]{40}")) {
            throw new IllegalArgumentException(
                    "--market must be a contract address 0x + 40 hex digits, was '" + market + "'");
        }
        if (runId != null && !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException(
                    "--run-id may hold letters, digits, '.', '_' and '-' only, was '" + runId + "'");
        }
        if (!"live".equals(settings) && !"given".equals(settings)) {
            throw new IllegalArgumentException("--settings must be live or given, was '" + settings + "'");
        }
        return new Request(mode, from, to, market, runId, "live".equals(settings), rest);
    }

    private static void checkSpec(String name, String spec, boolean isTo) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        boolean ok = switch (kind) {
            case "epoch", "timestamp" -> NUMBER.matcher(arg).matches();
            case "offsets" -> OFFSETS.matcher(arg).matches();
            case "latest" -> isTo && colon < 0;
            default -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException(name + " " + spec + ": expected epoch:<number>, timestamp:<epoch ms> or "
                    + "offsets:<partition>=<offset>,..." + (isTo ? " or latest" : ""));
        }
    }

    // ------------------------------------------------------------------ preparation

    /**
     * Parses and checks everything, plans the replay and creates its output topics; prints what it decided on
     * {@code out}.
     *
     * @throws IllegalArgumentException one line naming the bad argument, setting, unreachable component or topic
     */
    public static Prepared prepare(
            Configuration flinkConf, String[] args, Map<String, String> environment, long now, PrintStream out) {
        Request r = parse(args);
        SequencerConfig base = SequencerConfig.resolve(flinkConf, r.jobArgs().toArray(new String[0]), environment);
        base.dataMarkets();
        base.protocolState();
        String bootstrap = base.get(SequencerConfig.KAFKA_BOOTSTRAP);
        try (Admin admin = TopicCheck.admin(bootstrap)) {
            Map<String, TopicDescription> inputs = TopicCheck.describe(admin, bootstrap, TopicCheck.inputs(base));
            checkRpc(base.get(SequencerConfig.RPC_URL), base.get(SequencerConfig.CHAIN_ID));
            if ("reanchor".equals(r.mode())) {
                checkIpfs(base.get(SequencerConfig.IPFS_API));
            }
            SequencerConfig settled = r.liveSettings() ? withLiveSettings(r, base, admin, out) : base;
            Prepared p = planned(r, settled, now);
            int partitions = inputs.get(base.get(SequencerConfig.TOPIC_SUBMISSIONS))
                    .partitions()
                    .size();
            // the replay always creates its own topics: they are named after its run id
            TopicCheck.createMissing(
                    admin, bootstrap, TopicCheck.outputs(p.config()), Optional.of(partitions), true, "replay", out);
            out.printf(
                    "replay %s (%s %s .. %s): results in topics %s, %s, %s%n",
                    p.runId(),
                    r.mode(),
                    r.from(),
                    r.to(),
                    p.config().get(SequencerConfig.TOPIC_BATCHES),
                    p.config().get(SequencerConfig.TOPIC_FINALIZED),
                    p.config().get(SequencerConfig.TOPIC_REJECTED));
            return p;
        }
    }

    /** The replay's configuration: source bounds, epoch filter, anchor mode and its own output topics. */
    static Prepared planned(Request r, SequencerConfig base, long now) {
        Map<String, String> c = new HashMap<>(base.toConfiguration().toMap());
        boolean epochs = r.from().startsWith("epoch:") || r.to().startsWith("epoch:");
        if (epochs) {
            if (!r.from().startsWith("epoch:") || !r.to().startsWith("epoch:")) {
                throw new IllegalArgumentException("an epoch range needs both --from epoch:<id> and --to epoch:<id>");
            }
            String market = market(r, base);
            long first = Long.parseUnsignedLong(r.from().substring(6));
            long last = Long.parseUnsignedLong(r.to().substring(6));
            if (Long.compareUnsigned(first, last) > 0) {
                throw new IllegalArgumentException("--from " + r.from() + " is after --to " + r.to());
            }
            Map<Long, EpochReleased> releases = releases(base, market);
            EpochReleased a = releases.get(first);
            EpochReleased b = releases.get(last);
            if (a == null || b == null) {
                throw new IllegalArgumentException(
                        "epoch " + Long.toUnsignedString(a == null ? first : last) + " of market " + market
                                + " is not in the protocol-chain topic " + base.get(SequencerConfig.TOPIC_CHAIN));
            }
            long start =
                    a.observedAtMs() - base.get(SequencerConfig.EARLY_GRACE).toMillis() - 1_000;
            long stop = b.observedAtMs()
                    + b.snapshotSubmissionWindow() * 1000L
                    + base.get(SequencerConfig.OUT_OF_ORDERNESS).toMillis()
                    + 5_000;
            c.put(SequencerConfig.START_FROM.key(), "timestamp:" + start);
            c.put(SequencerConfig.STOP_AT.key(), "timestamp:" + stop);
            c.put(
                    SequencerConfig.REPLAY_EPOCHS.key(),
                    Long.toUnsignedString(first) + "-" + Long.toUnsignedString(last));
        } else {
            c.put(SequencerConfig.START_FROM.key(), r.from());
            c.put(SequencerConfig.STOP_AT.key(), r.to());
            c.remove(SequencerConfig.REPLAY_EPOCHS.key());
        }
        c.put(SequencerConfig.ANCHOR_MODE.key(), "audit".equals(r.mode()) ? "audit" : "commit");
        String runId = r.runId() != null ? r.runId() : r.mode() + "-" + now;
        outputs(base, runId).forEach(c::put);
        return new Prepared(r, runId, SequencerConfig.of(Configuration.fromMap(c)));
    }

    /**
     * The replay's own output topics, consumer group and transactional ids: the configured ones with
     * {@code -<run id>} appended, so a replay never writes where the live job writes.
     */
    public static Map<String, String> outputs(SequencerConfig base, String runId) {
        Map<String, String> c = new LinkedHashMap<>();
        for (var topic : List.of(
                SequencerConfig.TOPIC_FINALIZED,
                SequencerConfig.TOPIC_BATCHES,
                SequencerConfig.TOPIC_REJECTED,
                SequencerConfig.TOPIC_SLOT_COUNTS,
                SequencerConfig.TOPIC_DISCARDED)) {
            c.put(topic.key(), base.get(topic) + "-" + runId);
        }
        c.put(SequencerConfig.KAFKA_GROUP.key(), base.get(SequencerConfig.KAFKA_GROUP) + "-" + runId);
        c.put(SequencerConfig.TRANSACTIONAL_PREFIX.key(), base.get(SequencerConfig.TRANSACTIONAL_PREFIX) + "-" + runId);
        return c;
    }

    private static String market(Request r, SequencerConfig cfg) {
        if (r.market() != null) {
            if (!cfg.dataMarkets().contains(r.market())) {
                throw new IllegalArgumentException(
                        "--market " + r.market() + " is not among sequencer.data-markets " + cfg.dataMarkets());
            }
            return r.market();
        }
        var markets = cfg.dataMarkets();
        if (markets.size() != 1) {
            throw new IllegalArgumentException("several data markets are configured: say which with --market");
        }
        return markets.iterator().next();
    }

    // ------------------------------------------------------------------ settings from the live job's output

    /**
     * The replay's configuration with the live job's decision settings, read from its batch records (see
     * {@link #liveSettings}): an audit checks what the live job did, a re-anchor commits what it would have. A setting
     * given explicitly with another value is refused.
     */
    static SequencerConfig withLiveSettings(Request r, SequencerConfig base, Admin admin, PrintStream out) {
        String topic = base.get(SequencerConfig.TOPIC_BATCHES);
        String bootstrap = base.get(SequencerConfig.KAFKA_BOOTSTRAP);
        if (!TopicCheck.listTopics(admin, bootstrap).contains(topic)) {
            out.printf("%s: the live batches topic %s does not exist; using the given settings%n", r.mode(), topic);
            return base;
        }
        String market = r.market() != null
                ? r.market()
                : base.dataMarkets().size() == 1 ? base.dataMarkets().iterator().next() : null;
        long[] epochs = r.from().startsWith("epoch:") && r.to().startsWith("epoch:")
                ? new long[] {Long.parseUnsignedLong(r.from().substring(6)), Long.parseUnsignedLong(r.to().substring(6))
                }
                : null;
        Long from = null;
        if (epochs != null && market != null) {
            EpochReleased first = releases(base, market).get(epochs[0]);
            from = first == null ? null : first.observedAtMs();
        } else if (r.from().startsWith("timestamp:")) {
            from = Long.parseLong(r.from().substring(10));
        }
        Map<String, String> live = liveSettings(bootstrap, topic, market, epochs, from);
        if (live == null) {
            out.printf("%s: no batch record with settings in %s; using the given settings%n", r.mode(), topic);
            return base;
        }
        String fromEpoch = live.remove(FROM_EPOCH);
        Map<String, String> given = base.toConfiguration().toMap();
        Map<String, String> mine = base.decisionSettings();
        List<String> conflicts = new ArrayList<>();
        Map<String, String> c = new HashMap<>(given);
        live.forEach((key, value) -> {
            if (!mine.containsKey(key)) {
                return; // a setting this version does not know
            }
            if (given.containsKey(key) && !mine.get(key).equals(value)) {
                conflicts.add(key + "=" + value + " (given: " + mine.get(key) + ")");
            }
            c.put(key, value);
        });
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("the live job used other settings than given to this " + r.mode()
                    + ", per its batch records in " + topic + " (epoch " + fromEpoch + "): "
                    + String.join(", ", conflicts)
                    + "; drop them to use the live settings, or pass --settings given to use yours");
        }
        out.printf(
                "%s: using the live job's settings from its batch record of epoch %s in %s: %s%n",
                r.mode(), fromEpoch, topic, live);
        return SequencerConfig.of(Configuration.fromMap(c));
    }

    /**
     * The settings in the live job's batch records of {@code market} (any when null): those of an epoch in the range
     * when there is one, else of the latest epoch before it, else of the latest epoch; null when no record has any.
     */
    static Map<String, String> liveSettings(String bootstrap, String topic, String market, long[] epochs, Long fromMs) {
        ObjectMapper json = new ObjectMapper();
        JsonNode inRange = null;
        JsonNode before = null;
        JsonNode latest = null;
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        if (fromMs != null) { // batch records carry their epoch's window close as timestamp: the range's start
            records.addAll(readWindow(bootstrap, topic, fromMs));
        }
        records.addAll(readWindow(bootstrap, topic, null));
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            JsonNode n;
            try {
                n = json.readTree(rec.value());
            } catch (Exception unreadable) {
                continue;
            }
            if (!"batch".equals(n.path("type").asText())
                    || !n.path("settings").isObject()
                    || (market != null
                            && !market.equalsIgnoreCase(n.path("dataMarket").asText()))) {
                continue;
            }
            long epoch = n.path("epochId").asLong();
            if (epochs != null
                    && Long.compareUnsigned(epoch, epochs[0]) >= 0
                    && Long.compareUnsigned(epoch, epochs[1]) <= 0) {
                inRange = inRange == null ? n : inRange;
            } else if (epochs != null
                    && Long.compareUnsigned(epoch, epochs[0]) < 0
                    && (before == null
                            || Long.compareUnsigned(
                                            epoch, before.path("epochId").asLong())
                                    > 0)) {
                before = n;
            }
            if (latest == null
                    || Long.compareUnsigned(epoch, latest.path("epochId").asLong()) > 0) {
                latest = n;
            }
        }
        JsonNode chosen = inRange != null ? inRange : before != null ? before : latest;
        if (chosen == null) {
            return null;
        }
        Map<String, String> s = new TreeMap<>();
        chosen.get("settings")
                .fields()
                .forEachRemaining(e -> s.put(e.getKey(), e.getValue().asText()));
        s.put(FROM_EPOCH, chosen.path("epochId").asText());
        return s;
    }

    /** Not a setting: the epoch whose batch record the settings came from (for the message). */
    private static final String FROM_EPOCH = "(epoch)";

    // ------------------------------------------------------------------ checks of the components

    /** {@code eth_chainId} within {@link #CHECK_TIMEOUT}; the node must answer with the configured chain id. */
    static void checkRpc(String rpcUrl, long chainId) {
        String shown = redact(rpcUrl);
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
        String answer = post(rpcUrl, "application/json", body, "sequencer.chain.rpc-url " + shown);
        try {
            JsonNode n = new ObjectMapper().readTree(answer);
            long got = Long.parseLong(n.path("result").asText().replaceFirst("^0x", ""), 16);
            if (got != chainId) {
                throw new IllegalArgumentException("the chain at sequencer.chain.rpc-url " + shown + " has chain id "
                        + got + ", sequencer.chain.id is " + chainId);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("sequencer.chain.rpc-url " + shown
                    + " is not a JSON-RPC endpoint: eth_chainId " + "answered '" + abbreviate(answer) + "'");
        }
    }

    /** The Kubo RPC {@code /api/v0/id} within {@link #CHECK_TIMEOUT}. */
    static void checkIpfs(String apiUrl) {
        post(
                apiUrl.replaceAll("/+$", "") + "/api/v0/id",
                "application/octet-stream",
                "",
                "sequencer.ipfs.api-url " + redact(apiUrl));
    }

    private static String post(String url, String contentType, String body, String what) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(CHECK_TIMEOUT).build();
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(CHECK_TIMEOUT)
                            .header("Content-Type", contentType)
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalArgumentException(
                        what + " answered HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
            }
            return r.body();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(what + " is unreachable: " + message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException iae
                    && iae.getMessage() != null
                    && iae.getMessage().startsWith(what)) {
                throw e;
            }
            throw new IllegalArgumentException(what + " is not a usable URL: " + message(e));
        }
    }

    /** A URL without user info, query or path (they may hold credentials). */
    static String redact(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
        } catch (RuntimeException e) {
            return "(unparseable URL)";
        }
    }

    private static String message(Throwable e) {
        return TopicCheck.message(e);
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replace('\n', ' ');
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    // ------------------------------------------------------------------ log reading and the report

    /** The market's epoch releases in the protocol-chain topic (the last non-retracted record per epoch). */
    static Map<Long, EpochReleased> releases(SequencerConfig cfg, String market) {
        Map<Long, EpochReleased> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> rec :
                readAll(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP), cfg.get(SequencerConfig.TOPIC_CHAIN))) {
            try {
                ChainTopicRecord r = RecordCodec.decodeChainTopic(rec.value());
                if (r instanceof EpochReleased e && e.dataMarket().equalsIgnoreCase(market)) {
                    if (e.removed()) {
                        out.remove(e.epochId());
                    } else {
                        out.put(e.epochId(), e);
                    }
                }
            } catch (Exception ignored) {
                // slot records and anything else are not releases
            }
        }
        return out;
    }

    /**
     * What a replay found.
     *
     * @param batches    batch records
     * @param byStatus   records per status
     * @param mismatches audit mismatches
     * @param pending    audited batches of epochs the chain has not completed yet
     */
    public record Outcome(int batches, Map<String, Integer> byStatus, int mismatches, int pending) {
        /** 0: all match (or re-anchored); 2: a mismatch; 3: no mismatch but epochs not committed yet. */
        public int exitCode() {
            return mismatches > 0 ? EXIT_MISMATCH : pending > 0 ? EXIT_PENDING : EXIT_MATCH;
        }
    }

    public static final int EXIT_MATCH = 0;
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_MISMATCH = 2;
    public static final int EXIT_PENDING = 3;

    /** Prints what the replay found, one line per mismatch and per pending epoch, then a summary. */
    public static Outcome report(SequencerConfig cfg, PrintStream out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String topic = cfg.get(SequencerConfig.TOPIC_BATCHES);
        int batches = 0;
        int mismatches = 0;
        int pending = 0;
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> pendingEpochs = new TreeMap<>();
        JsonNode settings = null;
        for (ConsumerRecord<byte[], byte[]> rec : readAll(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP), topic)) {
            JsonNode n = json.readTree(rec.value());
            String status = n.get("status").asText();
            byStatus.merge(status, 1, Integer::sum);
            if ("batch".equals(n.get("type").asText())) {
                batches++;
                settings = settings == null && n.path("settings").isObject() ? n.get("settings") : settings;
            }
            if ("AUDIT_MISMATCH".equals(status)) {
                mismatches++;
                out.printf(
                        "MISMATCH epoch %s batch %s cid %s: %s%n",
                        n.get("epochId").asText(),
                        n.get("batchIndex").asText(),
                        n.get("batchCid").asText(),
                        n.path("detail").asText());
            } else if ("AUDIT_PENDING".equals(status)) {
                pending++;
                pendingEpochs.merge(n.get("epochId").asText(), 1, Integer::sum);
            }
        }
        pendingEpochs.forEach((epoch, n) -> out.printf(
                "PENDING epoch %s: %d batches not committed yet (the epoch is not " + "complete on chain)%n",
                epoch, n));
        if (settings != null) {
            out.printf("the replay ran with %s%n", settings);
        }
        if (cfg.get(SequencerConfig.ACCOUNTING_ENABLED)
                && cfg.get(SequencerConfig.ANCHOR_MODE) == SequencerConfig.AnchorMode.AUDIT) {
            String counts = cfg.get(SequencerConfig.TOPIC_SLOT_COUNTS);
            mismatches += CountAudit.report(readAll(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP), counts), counts, out);
        }
        Outcome o = new Outcome(batches, byStatus, mismatches, pending);
        out.printf(
                "replay %s: %d batches %s; results in topic %s; %s (exit %d)%n",
                io.powerloom.sequencer.config.ValueType.enumName(cfg.get(SequencerConfig.ANCHOR_MODE)),
                batches,
                byStatus,
                topic,
                mismatches > 0 ? "MISMATCH" : pending > 0 ? "PENDING" : "MATCH",
                o.exitCode());
        return o;
    }

    /** Records read per partition when looking for the live job's settings: a bounded look, however long the topic. */
    static final int SETTINGS_WINDOW = 2_000;

    /**
     * Up to {@link #SETTINGS_WINDOW} committed records per partition of {@code topic}: from the first at or after
     * {@code fromMs}, or (null) the last ones.
     */
    static List<ConsumerRecord<byte[], byte[]>> readWindow(String bootstrap, String topic, Long fromMs) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, CHECK_TIMEOUT)
                    .forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(parts);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            Map<TopicPartition, Long> stop = new HashMap<>();
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> at = fromMs == null
                    ? Map.of()
                    : consumer.offsetsForTimes(
                            parts.stream().collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> fromMs)));
            for (TopicPartition tp : parts) {
                long start = fromMs == null
                        ? Math.max(begin.get(tp), end.get(tp) - SETTINGS_WINDOW)
                        : at.get(tp) == null ? end.get(tp) : at.get(tp).offset();
                consumer.seek(tp, start);
                stop.put(tp, Math.min(end.get(tp), start + SETTINGS_WINDOW));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && parts.stream().anyMatch(tp -> consumer.position(tp) < stop.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    if (rec.offset() < stop.get(new TopicPartition(rec.topic(), rec.partition()))) {
                        records.add(rec);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalArgumentException("Kafka at " + bootstrap + " did not answer for topic " + topic
                    + " within " + CHECK_TIMEOUT.toSeconds() + " s");
        }
        return records;
    }

    /** Every committed record of {@code topic}, from the start of each partition to its end when called. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            var infos = consumer.partitionsFor(topic, CHECK_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist at " + bootstrap);
            }
            infos.forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalArgumentException("Kafka at " + bootstrap + " did not answer for topic " + topic
                    + " within " + CHECK_TIMEOUT.toSeconds() + " s");
        }
        return records;
    }
}
