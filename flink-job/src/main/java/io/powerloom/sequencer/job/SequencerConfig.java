package io.powerloom.sequencer.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Every setting of the sequencer job, as typed Flink {@link ConfigOption}s under {@code sequencer.*}.
 *
 * <p>Values come from the Flink configuration (cluster {@code config.yaml}, {@code -D} on submission, the
 * {@code flinkConfiguration} of a FlinkDeployment), then from program arguments {@code --key value}, then from
 * environment variables {@code SEQUENCER_<KEY>} (upper case, {@code .} and {@code -} as {@code _}), e.g.
 * {@code SEQUENCER_CHAIN_RPC_URL} for {@code sequencer.chain.rpc-url}. The resolved values are frozen into this
 * serializable object, which the stages take in their constructors.
 */
public final class SequencerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    // ---- Kafka ----
    public static final ConfigOption<String> KAFKA_BOOTSTRAP = ConfigOptions.key("sequencer.kafka.bootstrap-servers")
            .stringType()
            .defaultValue("127.0.0.1:9092")
            .withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> TOPIC_SUBMISSIONS = ConfigOptions.key("sequencer.kafka.topics.submissions")
            .stringType()
            .defaultValue("submissions")
            .withDescription("Submissions and heartbeats written by the ingest bridge.");
    public static final ConfigOption<String> TOPIC_CHAIN = ConfigOptions.key("sequencer.kafka.topics.protocol-chain")
            .stringType()
            .defaultValue("protocol-chain")
            .withDescription(
                    "Epoch releases, slot changes and block heads written by the chain watcher (one partition).");
    public static final ConfigOption<String> TOPIC_FINALIZED = ConfigOptions.key("sequencer.kafka.topics.finalized")
            .stringType()
            .defaultValue("finalized")
            .withDescription("Per project and epoch: finalized or unfinalized result.");
    public static final ConfigOption<String> TOPIC_BATCHES = ConfigOptions.key("sequencer.kafka.topics.batches")
            .stringType()
            .defaultValue("batches")
            .withDescription("Batch records: CID, transaction, status; epoch completions.");
    public static final ConfigOption<String> TOPIC_REJECTED = ConfigOptions.key("sequencer.kafka.topics.rejected")
            .stringType()
            .defaultValue("rejected")
            .withDescription("Rejected submissions with their reason.");
    public static final ConfigOption<String> TOPIC_SLOT_COUNTS = ConfigOptions.key("sequencer.kafka.topics.slot-counts")
            .stringType()
            .defaultValue("slot-counts")
            .withDescription("Each slot's count per day as committed on chain, and each day's eligible-node count.");
    public static final ConfigOption<String> TOPIC_DISCARDED = ConfigOptions.key("sequencer.kafka.topics.discarded")
            .stringType()
            .defaultValue("discarded")
            .withDescription(
                    "Valid submissions whose CID did not match their project's finalized CID, with the winner.");
    public static final ConfigOption<Boolean> CREATE_TOPICS = ConfigOptions.key("sequencer.kafka.create-topics")
            .booleanType()
            .defaultValue(true)
            .withDescription(
                    "At start (on the submitting client, before the job graph is built), create the output "
                            + "topics that do not exist (finalized, batches, rejected; with accounting on also slot-counts and "
                            + "discarded) with as many partitions as the submissions topic and the broker's default replication. "
                            + "false: refuse to start, naming the missing ones (for brokers where the job may not create topics).");
    public static final ConfigOption<String> KAFKA_GROUP = ConfigOptions.key("sequencer.kafka.group-id")
            .stringType()
            .defaultValue("powerloom-sequencer")
            .withDescription("Consumer group id (offsets are in checkpoints).");
    public static final ConfigOption<String> TRANSACTIONAL_PREFIX = ConfigOptions.key(
                    "sequencer.kafka.transactional-id-prefix")
            .stringType()
            .defaultValue("powerloom-sequencer")
            .withDescription("Prefix of the exactly-once sinks' transactional ids.");
    public static final ConfigOption<String> START_FROM = ConfigOptions.key("sequencer.kafka.start-from")
            .stringType()
            .defaultValue("committed-or-earliest")
            .withDescription(
                    "Where the submissions source starts: committed-or-earliest, earliest, latest, "
                            + "timestamp:<epoch ms>, or offsets:<partition>=<offset>,... (the chain topic is always read from the start).");
    public static final ConfigOption<String> STOP_AT = ConfigOptions.key("sequencer.kafka.stop-at")
            .stringType()
            .defaultValue("none")
            .withDescription(
                    "Bounded replays: none, latest, timestamp:<epoch ms>, or offsets:<partition>=<offset>,...");
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key(
                    "sequencer.watermark.out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofMillis(500))
            .withDescription("Bounded out-of-orderness of receive timestamps within one Kafka partition.");
    public static final ConfigOption<Duration> MAX_DRIFT = ConfigOptions.key("sequencer.watermark.max-drift")
            .durationType()
            .defaultValue(Duration.ofMinutes(2))
            .withDescription(
                    "Watermark alignment: how far (event time) one submissions partition may read ahead of the "
                            + "slowest before it is paused. Bounds the windows a replay or backlog holds open in state when the "
                            + "bridge's slot-keyed partitions are uneven; 0 turns alignment off. Bounded replays (stop-at) run "
                            + "without it (a connector bug, FLINK-39728).");

    // ---- verify ----
    public static final ConfigOption<String> DATA_MARKETS = ConfigOptions.key("sequencer.data-markets")
            .stringType()
            .noDefaultValue()
            .withDescription("Data market contract addresses this sequencer serves (comma-separated).");
    public static final ConfigOption<String> FULL_NODES = ConfigOptions.key("sequencer.verify.full-nodes")
            .stringType()
            .defaultValue("")
            .withDescription("Snapshotter addresses exempt from the per-slot epoch limit.");
    public static final ConfigOption<String> FLAGGED = ConfigOptions.key("sequencer.verify.flagged-signers")
            .stringType()
            .defaultValue("")
            .withDescription("Snapshotter addresses whose submissions are rejected.");
    public static final ConfigOption<Integer> PER_SLOT_EPOCH_LIMIT = ConfigOptions.key(
                    "sequencer.verify.per-slot-epoch-limit")
            .intType()
            .defaultValue(2)
            .withDescription("Submissions accepted per slot and epoch across projects (production: 2).");
    public static final ConfigOption<Boolean> DEADLINE_CHECK = ConfigOptions.key("sequencer.verify.deadline-check")
            .booleanType()
            .defaultValue(true)
            .withDescription("Reject submissions whose deadline block had passed when they were received.");
    public static final ConfigOption<Long> DEADLINE_TOLERANCE = ConfigOptions.key(
                    "sequencer.verify.deadline-tolerance-blocks")
            .longType()
            .defaultValue(5L)
            .withDescription("Blocks a deadline may lag behind the protocol chain head.");
    public static final ConfigOption<Duration> QUOTA_RETENTION = ConfigOptions.key(
                    "sequencer.verify.quota-state-retention")
            .durationType()
            .defaultValue(Duration.ofMinutes(30))
            .withDescription("How long per-slot epoch counters are kept (longer than any submission window).");

    // ---- finalize ----
    public static final ConfigOption<Integer> MIN_COUNT = ConfigOptions.key("sequencer.consensus.min-count")
            .intType()
            .defaultValue(1)
            .withDescription("Minimum submissions for the winning CID.");
    public static final ConfigOption<Double> MIN_SHARE = ConfigOptions.key("sequencer.consensus.min-share")
            .doubleType()
            .defaultValue(0.0)
            .withDescription("Minimum share (0..1) of the project's submissions for the winner.");
    public static final ConfigOption<Duration> EARLY_GRACE = ConfigOptions.key("sequencer.window.early-grace")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("How long before the release was seen a submission may arrive (nodes see releases before "
                    + "the confirmed watcher does).");
    public static final ConfigOption<Duration> RELEASE_WAIT = ConfigOptions.key("sequencer.window.release-wait")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription(
                    "How long submissions for an epoch whose release was never seen are held before rejection.");
    public static final ConfigOption<Long> DEFAULT_WINDOW_SECONDS = ConfigOptions.key(
                    "sequencer.window.default-seconds")
            .longType()
            .defaultValue(120L)
            .withDescription("Submission window when a release record does not carry the market's window.");

    // ---- batch ----
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("sequencer.batch.size")
            .intType()
            .defaultValue(50)
            .withDescription("Project IDs per batch (BATCH_SIZE).");
    public static final ConfigOption<Integer> BATCH_MAX_BYTES = ConfigOptions.key("sequencer.batch.max-document-bytes")
            .intType()
            .defaultValue(1 << 20)
            .withDescription("Largest batch document (one IPFS block); larger batches are split.");

    // ---- anchor ----
    public static final ConfigOption<String> ANCHOR_MODE = ConfigOptions.key("sequencer.anchor.mode")
            .stringType()
            .defaultValue("commit")
            .withDescription("commit: upload and commit; audit: recompute and compare with the chain, commit nothing; "
                    + "none: finalize and batch only.");
    public static final ConfigOption<String> IPFS_API = ConfigOptions.key("sequencer.ipfs.api-url")
            .stringType()
            .defaultValue("http://127.0.0.1:5001")
            .withDescription("Kubo RPC API base URL.");
    public static final ConfigOption<Duration> IPFS_TIMEOUT = ConfigOptions.key("sequencer.ipfs.timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("Timeout of one IPFS call.");
    public static final ConfigOption<String> RPC_URL = ConfigOptions.key("sequencer.chain.rpc-url")
            .stringType()
            .defaultValue("http://127.0.0.1:8545")
            .withDescription("Protocol chain JSON-RPC endpoint.");
    public static final ConfigOption<Long> CHAIN_ID = ConfigOptions.key("sequencer.chain.id")
            .longType()
            .defaultValue(31337L)
            .withDescription("Protocol chain id (EIP-712 domain).");
    public static final ConfigOption<String> PROTOCOL_STATE = ConfigOptions.key("sequencer.chain.protocol-state")
            .stringType()
            .noDefaultValue()
            .withDescription("Protocol-state contract address (EIP-712 verifyingContract).");
    public static final ConfigOption<String> SIGNER_KEY_FILES = ConfigOptions.key("sequencer.chain.signer-key-files")
            .stringType()
            .defaultValue("")
            .withDescription("Files holding the sequencer signer private keys (hex).");
    public static final ConfigOption<String> SIGNER_KEY_ENV_VARS = ConfigOptions.key(
                    "sequencer.chain.signer-key-env-vars")
            .stringType()
            .defaultValue("")
            .withDescription("Names of environment variables that each hold one signer private key (hex).");
    public static final ConfigOption<Duration> RECEIPT_POLL = ConfigOptions.key("sequencer.chain.receipt-poll-interval")
            .durationType()
            .defaultValue(Duration.ofMillis(250))
            .withDescription("How often the commit client polls for a sent transaction's receipt.");
    public static final ConfigOption<Long> GAS_PER_PROJECT = ConfigOptions.key("sequencer.chain.gas-per-project")
            .longType()
            .defaultValue(0L)
            .withDescription(
                    "Above 0: send a batch's first attempt without an estimate, with gas limit 300,000 + "
                            + "projects x this (a revert is then estimated to learn its reason). 0: see sequencer.chain.learn-gas.");
    public static final ConfigOption<Integer> MAX_CONCURRENT_COMMITS = ConfigOptions.key(
                    "sequencer.chain.max-concurrent-commits")
            .intType()
            .defaultValue(128)
            .withDescription("Commits the TaskManager's commit client works on at once (its own threads, shared by the "
                    + "anchor subtasks there); more wait for a free one. Keep it at least max-in-flight x the anchor "
                    + "subtasks per TaskManager.");
    public static final ConfigOption<Boolean> LEARN_GAS = ConfigOptions.key("sequencer.chain.learn-gas")
            .booleanType()
            .defaultValue(true)
            .withDescription(
                    "With gas-per-project 0: estimate batch commits only until one has mined, then send with the "
                            + "gas limit learned from receipts (the highest gas per calldata byte seen, plus 300,000, times 1.25); "
                            + "a revert is estimated to learn its reason. Saves the node executing every batch before it is "
                            + "sent. false: estimate every batch commit first, as production does.");
    public static final ConfigOption<Integer> ANCHOR_CAPACITY = ConfigOptions.key("sequencer.anchor.max-in-flight")
            .intType()
            .defaultValue(64)
            .withDescription("Batches in flight per anchor subtask (IPFS and chain).");
    public static final ConfigOption<Duration> ANCHOR_TIMEOUT = ConfigOptions.key("sequencer.anchor.timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription(
                    "Give-up time for one batch upload or commit including retries; the job fails over after it.");

    // ---- accounting (SPEC §10) ----
    public static final ConfigOption<Boolean> ACCOUNTING_ENABLED = ConfigOptions.key("sequencer.accounting.enabled")
            .booleanType()
            .defaultValue(true)
            .withDescription("Count each slot's submissions that matched their project's finalized CID per day and "
                    + "commit the counts, the eligible-node count and the final counts on chain (anchor mode commit; "
                    + "audit: compare with the chain; none: count only): what pays the snapshotters. Writes the "
                    + "slot-counts and discarded topics (created at start, see sequencer.kafka.create-topics). false: "
                    + "the stage is left out of the job graph.");
    public static final ConfigOption<Integer> ACCOUNTING_UPDATE_EVERY = ConfigOptions.key(
                    "sequencer.accounting.update-every-epochs")
            .intType()
            .defaultValue(10)
            .withDescription(
                    "Periodic update (updateSubmissionCounts) of the day's changed counts at the close of every "
                            + "epoch whose id is a multiple of this (production: 10).");
    public static final ConfigOption<Integer> ACCOUNTING_FINAL_DELAY = ConfigOptions.key(
                    "sequencer.accounting.final-delay-epochs")
            .intType()
            .defaultValue(5)
            .withDescription(
                    "Epochs after a day starts at whose close the previous day's eligible-node count and final "
                            + "counts are committed (production: 5). Must exceed the submission window in epochs.");
    public static final ConfigOption<Integer> ACCOUNTING_CHUNK = ConfigOptions.key("sequencer.accounting.chunk-size")
            .intType()
            .defaultValue(50)
            .withDescription("Slots per accounting transaction (production: 50).");
    public static final ConfigOption<Long> ACCOUNTING_DEFAULT_QUOTA = ConfigOptions.key(
                    "sequencer.accounting.default-daily-quota")
            .longType()
            .defaultValue(1000L)
            .withDescription(
                    "Daily snapshot quota until the chain watcher reports one (the contract's initial value).");

    // ---- replay ----
    public static final ConfigOption<String> REPLAY_EPOCHS = ConfigOptions.key("sequencer.replay.epochs")
            .stringType()
            .defaultValue("")
            .withDescription(
                    "Only finalize, batch and anchor these epochs, e.g. 120-135 (replays over a range); empty: all.");

    // ---- job ----
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("sequencer.checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDescription("Checkpoint interval (exactly-once outputs commit then).");
    public static final ConfigOption<Duration> CLOSE_BUFFER_TIMEOUT = ConfigOptions.key(
                    "sequencer.close-buffer-timeout")
            .durationType()
            .defaultValue(Duration.ofMillis(5))
            .withDescription(
                    "Network buffer timeout of the stages from finalize on (finalize, batch, anchor): the longest "
                            + "an epoch's last results, and the watermark that closes its batches, wait in a part-filled buffer. "
                            + "The rest of the job keeps Flink's execution.buffer-timeout (100 ms by default).");

    private final Map<String, String> values;

    private SequencerConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Resolves the configuration: Flink config, then {@code --key value} args, then {@code SEQUENCER_*} environment. */
    public static SequencerConfig resolve(Configuration flinkConf, String[] args, Map<String, String> env) {
        Configuration merged = new Configuration(flinkConf);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "': use --sequencer.<key> <value>");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for --" + key);
                }
                value = args[++i];
            }
            if (!key.startsWith("sequencer.")) {
                key = "sequencer." + key;
            }
            merged.setString(key, value);
        }
        for (ConfigOption<?> option : allOptions()) {
            String envName = envName(option.key());
            String v = env.get(envName);
            if (v != null && !v.isBlank()) {
                merged.setString(option.key(), v);
            }
        }
        SequencerConfig cfg = new SequencerConfig(merged.toMap());
        cfg.validate();
        return cfg;
    }

    /**
     * Refuses any {@code sequencer.*} key that no option declares (naming the known ones), and any value that does not
     * parse or is out of range. Called at start, so a misspelled key never silently falls back to a default.
     *
     * @throws IllegalArgumentException naming the key and the value
     */
    public void validate() {
        Set<String> known = allOptions().stream().map(ConfigOption::key).collect(Collectors.toCollection(TreeSet::new));
        Set<String> unknown = values.keySet().stream()
                .filter(k -> k.startsWith(PREFIX) && !known.contains(k))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; known settings: " + String.join(", ", known));
        }
        Configuration conf = toConfiguration();
        for (ConfigOption<?> option : allOptions()) {
            Object value;
            try {
                value = conf.getOptional(option).orElse(null);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "bad value for " + option.key() + ": '" + values.get(option.key()) + "' (" + rootMessage(e)
                                + ")",
                        e);
            }
            String problem = value == null ? null : check(option, value);
            if (problem != null) {
                throw new IllegalArgumentException(
                        "bad value for " + option.key() + ": '" + values.get(option.key()) + "' " + problem);
            }
        }
        replayEpochs();
    }

    /** What is wrong with a value that parsed, or null. */
    private static String check(ConfigOption<?> option, Object value) {
        if (value instanceof Integer i && i < 1 && !option.equals(PER_SLOT_EPOCH_LIMIT)) {
            return "must be at least 1";
        }
        if (value instanceof Integer i && i < 0) {
            return "must not be negative";
        }
        if (value instanceof Long l && l < 0) {
            return "must not be negative";
        }
        if (value instanceof Duration d && d.isNegative()) {
            return "must not be negative";
        }
        if (option.equals(MIN_SHARE) && !((Double) value >= 0.0 && (Double) value <= 1.0)) {
            return "must be between 0 and 1";
        }
        if (option.equals(ANCHOR_MODE) && !Set.of("commit", "audit", "none").contains(value)) {
            return "must be commit, audit or none";
        }
        if (option.equals(CHECKPOINT_INTERVAL) && ((Duration) value).toMillis() < 10) {
            return "must be at least 10 ms";
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    public static SequencerConfig of(Configuration conf) {
        return new SequencerConfig(conf.toMap());
    }

    /** {@code sequencer.chain.rpc-url} → {@code SEQUENCER_CHAIN_RPC_URL}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public <T> T get(ConfigOption<T> option) {
        return toConfiguration().get(option);
    }

    public Configuration toConfiguration() {
        return Configuration.fromMap(values);
    }

    /** Data markets, lower-case, sorted. Fails when none is configured. */
    public Set<String> dataMarkets() {
        String markets = toConfiguration()
                .getOptional(DATA_MARKETS)
                .orElseThrow(() -> new IllegalArgumentException("sequencer.data-markets is required"));
        Set<String> set = lowerSet(list(markets));
        if (set.isEmpty()) {
            throw new IllegalArgumentException("sequencer.data-markets is empty");
        }
        return set;
    }

    public Set<String> fullNodes() {
        return lowerSet(list(get(FULL_NODES)));
    }

    public Set<String> flaggedSigners() {
        return lowerSet(list(get(FLAGGED)));
    }

    /** The epoch range of {@link #REPLAY_EPOCHS} as {first, last} (inclusive), or null for all epochs. */
    public long[] replayEpochs() {
        String v = get(REPLAY_EPOCHS).trim();
        if (v.isEmpty()) {
            return null;
        }
        String[] parts = v.split("-");
        try {
            long first = Long.parseUnsignedLong(parts[0].trim());
            long last = parts.length > 1 ? Long.parseUnsignedLong(parts[1].trim()) : first;
            if (parts.length > 2 || Long.compareUnsigned(first, last) > 0) {
                throw new NumberFormatException();
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sequencer.replay.epochs must look like 120-135, was '" + v + "'");
        }
    }

    public String protocolState() {
        return toConfiguration()
                .getOptional(PROTOCOL_STATE)
                .map(s -> s.toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new IllegalArgumentException("sequencer.chain.protocol-state is required"));
    }

    /**
     * The settings that shape what the job decides and how it cuts batches: with other values, a replay of the same
     * log gives other batches. The job writes them into every batch record (see
     * {@link io.powerloom.sequencer.job.kafka.OutputRecords}), so an audit can take them from there. A new option that
     * changes decisions belongs in this list.
     */
    public static final List<ConfigOption<?>> DECISION_OPTIONS = List.of(
            FULL_NODES,
            FLAGGED,
            PER_SLOT_EPOCH_LIMIT,
            DEADLINE_CHECK,
            DEADLINE_TOLERANCE,
            MIN_COUNT,
            MIN_SHARE,
            EARLY_GRACE,
            RELEASE_WAIT,
            DEFAULT_WINDOW_SECONDS,
            OUT_OF_ORDERNESS,
            BATCH_SIZE,
            BATCH_MAX_BYTES,
            CHAIN_ID,
            PROTOCOL_STATE,
            ACCOUNTING_ENABLED,
            ACCOUNTING_UPDATE_EVERY,
            ACCOUNTING_FINAL_DELAY,
            ACCOUNTING_CHUNK,
            ACCOUNTING_DEFAULT_QUOTA);

    /** {@link #DECISION_OPTIONS} with their values in a canonical text form (lists lower-case and sorted), by key. */
    public java.util.SortedMap<String, String> decisionSettings() {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        Configuration conf = toConfiguration();
        for (ConfigOption<?> option : DECISION_OPTIONS) {
            // getOptional ignores defaults: the value in effect is the default when nothing is set
            Object v = option.hasDefaultValue()
                    ? conf.get(option)
                    : conf.getOptional(option).orElse(null);
            if (v == null) {
                continue;
            }
            String text;
            if (v instanceof Duration d) {
                text = d.toMillis() + " ms";
            } else if (option.equals(FULL_NODES) || option.equals(FLAGGED)) {
                text = String.join(",", lowerSet(list((String) v)));
            } else if (option.equals(PROTOCOL_STATE)) {
                text = ((String) v).toLowerCase(Locale.ROOT);
            } else {
                text = String.valueOf(v);
            }
            out.put(option.key(), text);
        }
        return out;
    }

    /**
     * The settings whose value in effect differs from the option's default (or that have none), by key, as given.
     * For printing what a run was configured with.
     */
    public java.util.SortedMap<String, String> nonDefaults() {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        Configuration conf = toConfiguration();
        for (ConfigOption<?> option : allOptions()) {
            if (!values.containsKey(option.key())) {
                continue;
            }
            Object v = conf.get(option);
            if (!option.hasDefaultValue() || !java.util.Objects.equals(v, option.defaultValue())) {
                out.put(option.key(), values.get(option.key()));
            }
        }
        return out;
    }

    /** A list value: items separated by commas or semicolons, blanks dropped. */
    public static List<String> list(String value) {
        return Arrays.stream(value.split("[,;]"))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .collect(Collectors.toList());
    }

    private static Set<String> lowerSet(List<String> values) {
        return values.stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The prefix of every key of the job. */
    public static final String PREFIX = "sequencer.";

    /**
     * All options: every {@code public static final ConfigOption} declared in this class, in declaration order. A new
     * option is known (to validation, environment overrides and the documentation test) by being declared here.
     */
    public static List<ConfigOption<?>> allOptions() {
        return ALL;
    }

    private static final List<ConfigOption<?>> ALL = declaredOptions(SequencerConfig.class);

    /** The {@code public static final ConfigOption} fields of {@code holder}, in declaration order. */
    static List<ConfigOption<?>> declaredOptions(Class<?> holder) {
        List<ConfigOption<?>> out = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : holder.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() == ConfigOption.class
                    && java.lang.reflect.Modifier.isStatic(m)
                    && java.lang.reflect.Modifier.isPublic(m)) {
                try {
                    out.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        // no secrets live here: keys are referenced by file or env var name only
        return "SequencerConfig" + values;
    }
}
