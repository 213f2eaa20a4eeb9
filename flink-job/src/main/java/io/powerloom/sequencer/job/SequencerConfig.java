package io.powerloom.sequencer.job;

import io.powerloom.sequencer.chain.commit.CommitClientOptions;
import io.powerloom.sequencer.config.Config;
import io.powerloom.sequencer.config.ConfigException;
import io.powerloom.sequencer.config.ConfigLoader;
import io.powerloom.sequencer.config.Env;
import io.powerloom.sequencer.config.Option;
import io.powerloom.sequencer.config.OptionSet;
import io.powerloom.sequencer.config.OptionValues;
import io.powerloom.sequencer.config.ValueType;
import io.powerloom.sequencer.protocol.config.SharedOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of the sequencer job, as typed {@link Option}s under {@code sequencer.*} (the shared ones, Kafka,
 * topics and chain, from {@link SharedOptions}).
 *
 * <p>Values come from the Flink configuration (cluster {@code config.yaml}, {@code -D} on submission, the
 * {@code flinkConfiguration} of a FlinkDeployment), then from program arguments {@code --key value}, then from
 * environment variables {@code SEQUENCER_<KEY>} (upper case, {@code .} and {@code -} as {@code _}), e.g.
 * {@code SEQUENCER_CHAIN_RPC_URL} for {@code sequencer.chain.rpc-url} ({@link ConfigLoader}). The resolved values are
 * frozen into this serializable object, which the stages take in their constructors.
 */
public final class SequencerConfig implements Serializable, OptionValues {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SequencerConfig.class);

    /** What the anchor stage (and accounting) does with each batch. */
    public enum AnchorMode {
        /** Upload and commit. */
        COMMIT,
        /** Recompute and compare with the chain, commit nothing. */
        AUDIT,
        /** Finalize and batch only. */
        NONE
    }

    /**
     * A position in the submissions topic: where a run starts ({@link #START_FROM}) or stops ({@link #STOP_AT}).
     *
     * @param kind     what kind of position
     * @param argument the epoch milliseconds of {@code timestamp}, the {@code <partition>=<offset>,...} of
     *                 {@code offsets}, else empty
     */
    public record KafkaPosition(Kind kind, String argument) implements Serializable {
        /** The kinds of position. */
        public enum Kind {
            COMMITTED_OR_EARLIEST,
            EARLIEST,
            LATEST,
            NONE,
            TIMESTAMP,
            OFFSETS
        }

        /** {@code kind} or {@code kind:argument}. */
        public static KafkaPosition parse(String text) {
            String s = text.trim();
            int colon = s.indexOf(':');
            Kind kind = ValueType.enumOf(Kind.class).parse(colon < 0 ? s : s.substring(0, colon));
            String arg = colon < 0 ? "" : s.substring(colon + 1).trim();
            boolean needsArg = kind == Kind.TIMESTAMP || kind == Kind.OFFSETS;
            if (needsArg == arg.isEmpty()) {
                throw new IllegalArgumentException(
                        needsArg ? "'" + s + "' needs a value after ':'" : "'" + s + "' takes no value");
            }
            if (kind == Kind.TIMESTAMP) {
                try {
                    Long.parseLong(arg);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("timestamp:<epoch ms> expected");
                }
            } else if (kind == Kind.OFFSETS && !arg.matches("\\d+\\s*=\\s*\\d+(\\s*,\\s*\\d+\\s*=\\s*\\d+)*")) {
                throw new IllegalArgumentException("offsets must look like offsets:0=120,1=98");
            }
            return new KafkaPosition(kind, arg);
        }

        /** Whether this is {@code none} (an unbounded run). */
        public boolean isNone() {
            return kind == Kind.NONE;
        }

        @Override
        public String toString() {
            return ValueType.enumName(kind) + (argument.isEmpty() ? "" : ":" + argument);
        }

        static final ValueType<KafkaPosition> TYPE =
                ValueType.simple("position", KafkaPosition::parse, KafkaPosition::toString);
    }

    // ---- Kafka ----
    public static final Option<String> KAFKA_BOOTSTRAP = SharedOptions.KAFKA_BOOTSTRAP;
    public static final Option<String> TOPIC_SUBMISSIONS = SharedOptions.TOPIC_SUBMISSIONS;
    public static final Option<String> TOPIC_CHAIN = SharedOptions.TOPIC_CHAIN;
    public static final Option<String> TOPIC_FINALIZED = SharedOptions.TOPIC_FINALIZED;
    public static final Option<String> TOPIC_BATCHES = SharedOptions.TOPIC_BATCHES;
    public static final Option<String> TOPIC_REJECTED = SharedOptions.TOPIC_REJECTED;
    public static final Option<String> TOPIC_SLOT_COUNTS = SharedOptions.TOPIC_SLOT_COUNTS;
    public static final Option<String> TOPIC_DISCARDED = SharedOptions.TOPIC_DISCARDED;
    public static final Option<Boolean> CREATE_TOPICS = Option.bool("sequencer.kafka.create-topics")
            .defaultValue(true)
            .description("At start (`SequencerJob.main`, on the submitting client or the application-mode "
                    + "JobManager, before the job graph is built) the job checks that Kafka answers and that its "
                    + "output topics exist: finalized, batches, rejected, and with accounting on slot-counts and "
                    + "discarded. It creates the missing ones with as many partitions as the submissions topic and "
                    + "the broker's default replication. false: it refuses to start within seconds, naming the "
                    + "missing topics and their keys (for brokers where the job's principal may not create topics; "
                    + "create them beforehand). An exactly-once sink whose topic is missing would otherwise stall "
                    + "every checkpoint.");
    public static final Option<String> KAFKA_GROUP = Option.string("sequencer.kafka.group-id")
            .defaultValue("powerloom-sequencer")
            .description("Consumer group id (offsets are in checkpoints).");
    public static final Option<String> TRANSACTIONAL_PREFIX = Option.string("sequencer.kafka.transactional-id-prefix")
            .defaultValue("powerloom-sequencer")
            .description("Prefix of the exactly-once sinks' transactional ids.");
    public static final Option<KafkaPosition> START_FROM = Option.of("sequencer.kafka.start-from", KafkaPosition.TYPE)
            .defaultValue(KafkaPosition.parse("committed-or-earliest"))
            .check(p -> !p.isNone(), "must be committed-or-earliest, earliest, latest, timestamp:… or offsets:…")
            .description("Where the submissions source starts: committed-or-earliest, earliest, latest, "
                    + "timestamp:<epoch ms>, or offsets:<partition>=<offset>,... (the chain topic is always read "
                    + "from the start).");
    public static final Option<KafkaPosition> STOP_AT = Option.of("sequencer.kafka.stop-at", KafkaPosition.TYPE)
            .defaultValue(KafkaPosition.parse("none"))
            .check(
                    p -> p.kind() != KafkaPosition.Kind.EARLIEST
                            && p.kind() != KafkaPosition.Kind.COMMITTED_OR_EARLIEST,
                    "must be none, latest, timestamp:… or offsets:…")
            .description("Bounded replays: none, latest, timestamp:<epoch ms>, or offsets:<partition>=<offset>,...");
    public static final Option<Duration> OUT_OF_ORDERNESS = Option.duration("sequencer.watermark.out-of-orderness")
            .defaultValue(Duration.ofMillis(500))
            .notNegative()
            .description("Bounded out-of-orderness of receive timestamps within one Kafka partition.");
    public static final Option<Duration> MAX_DRIFT = Option.duration("sequencer.watermark.max-drift")
            .defaultValue(Duration.ofMinutes(2))
            .notNegative()
            .description("Watermark alignment: how far (event time) one submissions partition may read ahead of the "
                    + "slowest before it is paused. Bounds the windows a replay or backlog holds open in state when "
                    + "the bridge's slot-keyed partitions are uneven; 0 turns alignment off. Bounded replays "
                    + "(stop-at) run without it (a connector bug, FLINK-39728).");

    // ---- verify ----
    public static final Option<List<String>> DATA_MARKETS = Option.list("sequencer.data-markets")
            .defaultDescription("(required)")
            .description("Data market contract addresses this sequencer serves (comma-separated).");
    public static final Option<List<String>> FULL_NODES = Option.list("sequencer.verify.full-nodes")
            .defaultValue(List.of())
            .description("Snapshotter addresses exempt from the per-slot epoch limit.");
    public static final Option<List<String>> FLAGGED = Option.list("sequencer.verify.flagged-signers")
            .defaultValue(List.of())
            .description("Snapshotter addresses whose submissions are rejected.");
    public static final Option<Integer> PER_SLOT_EPOCH_LIMIT = Option.integer("sequencer.verify.per-slot-epoch-limit")
            .defaultValue(2)
            .atLeast(0)
            .description("Submissions accepted per slot and epoch across projects (production: 2).");
    public static final Option<Boolean> DEADLINE_CHECK = Option.bool("sequencer.verify.deadline-check")
            .defaultValue(true)
            .description("Reject submissions whose deadline block had passed when they were received.");
    public static final Option<Long> DEADLINE_TOLERANCE = Option.longValue("sequencer.verify.deadline-tolerance-blocks")
            .defaultValue(5L)
            .atLeast(0)
            .description("Blocks a deadline may lag behind the protocol chain head.");
    public static final Option<Duration> QUOTA_RETENTION = Option.duration("sequencer.verify.quota-state-retention")
            .defaultValue(Duration.ofMinutes(30))
            .notNegative()
            .description("How long per-slot epoch counters are kept (longer than any submission window).");

    // ---- finalize ----
    public static final Option<Integer> MIN_COUNT = Option.integer("sequencer.consensus.min-count")
            .defaultValue(1)
            .atLeast(1)
            .description("Minimum submissions for the winning CID.");
    public static final Option<Double> MIN_SHARE = Option.decimal("sequencer.consensus.min-share")
            .defaultValue(0.0)
            .check(d -> d >= 0.0 && d <= 1.0, "must be between 0 and 1")
            .description("Minimum share (0..1) of the project's submissions for the winner.");
    public static final Option<Duration> EARLY_GRACE = Option.duration("sequencer.window.early-grace")
            .defaultValue(Duration.ofSeconds(30))
            .notNegative()
            .description("How long before the release was seen a submission may arrive (nodes see releases before "
                    + "the confirmed watcher does).");
    public static final Option<Duration> RELEASE_WAIT = Option.duration("sequencer.window.release-wait")
            .defaultValue(Duration.ofMinutes(5))
            .notNegative()
            .description("How long submissions for an epoch whose release was never seen are held before rejection "
                    + "(UNKNOWN_EPOCH).");
    public static final Option<Long> DEFAULT_WINDOW_SECONDS = Option.longValue("sequencer.window.default-seconds")
            .defaultValue(120L)
            .atLeast(0)
            .description("Submission window when a release record does not carry the market's window.");

    // ---- batch ----
    public static final Option<Integer> BATCH_SIZE = Option.integer("sequencer.batch.size")
            .defaultValue(50)
            .atLeast(1)
            .description("Project IDs per batch (BATCH_SIZE).");
    public static final Option<Integer> BATCH_MAX_BYTES = Option.integer("sequencer.batch.max-document-bytes")
            .defaultValue(1 << 20)
            .atLeast(1)
            .description("Largest batch document (one IPFS block); larger batches are split.");

    // ---- anchor ----
    public static final Option<AnchorMode> ANCHOR_MODE = Option.enumeration("sequencer.anchor.mode", AnchorMode.class)
            .defaultValue(AnchorMode.COMMIT)
            .description("commit: upload and commit; audit: recompute and compare with the chain, commit nothing; "
                    + "none: finalize and batch only.");
    public static final Option<String> IPFS_API = Option.string("sequencer.ipfs.api-url")
            .defaultValue("http://127.0.0.1:5001")
            .description("Kubo RPC API base URL.");
    public static final Option<Duration> IPFS_TIMEOUT = Option.duration("sequencer.ipfs.timeout")
            .defaultValue(Duration.ofSeconds(30))
            .notNegative()
            .description("Timeout of one IPFS call.");
    public static final Option<String> RPC_URL = SharedOptions.RPC_URL;
    public static final Option<Long> CHAIN_ID = CommitClientOptions.CHAIN_ID;
    public static final Option<String> PROTOCOL_STATE = SharedOptions.PROTOCOL_STATE;
    public static final Option<List<String>> SIGNER_KEY_FILES = CommitClientOptions.SIGNER_KEY_FILES;
    public static final Option<List<String>> SIGNER_KEY_ENV_VARS = CommitClientOptions.SIGNER_KEY_ENV_VARS;
    public static final Option<Duration> RECEIPT_POLL = CommitClientOptions.RECEIPT_POLL;
    public static final Option<Boolean> LEARN_GAS = CommitClientOptions.LEARN_GAS;
    public static final Option<Long> GAS_PER_PROJECT = CommitClientOptions.GAS_PER_PROJECT;
    public static final Option<Integer> MAX_CONCURRENT_COMMITS = CommitClientOptions.MAX_CONCURRENT_COMMITS;
    public static final Option<Long> PRIORITY_FEE_WEI = CommitClientOptions.PRIORITY_FEE_WEI;
    public static final Option<Double> BASE_FEE_MULTIPLIER = CommitClientOptions.BASE_FEE_MULTIPLIER;
    public static final Option<Integer> FEE_BUMP_PERCENT = CommitClientOptions.FEE_BUMP_PERCENT;
    public static final Option<Integer> MAX_FEE_BUMPS = CommitClientOptions.MAX_FEE_BUMPS;
    public static final Option<Double> GAS_LIMIT_MULTIPLIER = CommitClientOptions.GAS_LIMIT_MULTIPLIER;
    public static final Option<Duration> STUCK_AFTER = CommitClientOptions.STUCK_AFTER;
    public static final Option<Duration> RPC_RETRY_INITIAL_BACKOFF = CommitClientOptions.RPC_RETRY_INITIAL_BACKOFF;
    public static final Option<Duration> RPC_RETRY_MAX_BACKOFF = CommitClientOptions.RPC_RETRY_MAX_BACKOFF;
    public static final Option<Duration> RPC_PATIENCE = CommitClientOptions.RPC_PATIENCE;
    public static final Option<Duration> HTTP_TIMEOUT = CommitClientOptions.HTTP_TIMEOUT;
    public static final Option<Integer> ANCHOR_CAPACITY = Option.integer("sequencer.anchor.max-in-flight")
            .defaultValue(64)
            .atLeast(1)
            .description("Batches in flight per anchor subtask (IPFS and chain).");
    public static final Option<Duration> ANCHOR_TIMEOUT = Option.duration("sequencer.anchor.timeout")
            .defaultValue(Duration.ofMinutes(10))
            .notNegative()
            .description("Give-up time for one batch upload or commit including retries; the job fails over after it "
                    + "(and retries idempotently).");

    // ---- accounting (SPEC §10) ----
    public static final Option<Boolean> ACCOUNTING_ENABLED = Option.bool("sequencer.accounting.enabled")
            .defaultValue(true)
            .description("Count, and commit the periodic counts, the eligible-node count and the final counts on "
                    + "chain: what pays the snapshotters, so on wherever the sequencer serves a market. Follows "
                    + "`sequencer.anchor.mode` (commit: send the updates; audit: compare them with the chain; none: "
                    + "count only). Writes the `slot-counts` and `discarded` topics (created at start, see "
                    + "`sequencer.kafka.create-topics`). false: the stage is left out of the job graph; a savepoint "
                    + "taken with it off restores with it on (the stage only adds state).");
    public static final Option<Integer> ACCOUNTING_UPDATE_EVERY = Option.integer(
                    "sequencer.accounting.update-every-epochs")
            .defaultValue(10)
            .atLeast(1)
            .description("Periodic `updateSubmissionCounts` of the day's changed counts at the close of every epoch "
                    + "whose id is a multiple of this (production: 10).");
    public static final Option<Integer> ACCOUNTING_FINAL_DELAY = Option.integer(
                    "sequencer.accounting.final-delay-epochs")
            .defaultValue(5)
            .atLeast(1)
            .description("At the close of the epoch this many epochs after a day started, commit the previous day's "
                    + "`updateEligibleNodesForDay` and then the eligible slots' "
                    + "`updateEligibleSubmissionCountsForDay` (production: 5). Must exceed the submission window in "
                    + "epochs, so that the day's last windows have closed.");
    public static final Option<Integer> ACCOUNTING_CHUNK = Option.integer("sequencer.accounting.chunk-size")
            .defaultValue(50)
            .atLeast(1)
            .description("Slots per accounting transaction (production: 50).");
    public static final Option<Long> ACCOUNTING_DEFAULT_QUOTA = Option.longValue(
                    "sequencer.accounting.default-daily-quota")
            .defaultValue(1000L)
            .atLeast(0)
            .description("The daily snapshot quota until the chain watcher reports a `DailySnapshotQuotaUpdated` (the "
                    + "contract's initial value).");

    // ---- replay ----
    public static final Option<String> REPLAY_EPOCHS = Option.string("sequencer.replay.epochs")
            .defaultValue("")
            .check(v -> parseEpochRange(v) != null || v.isBlank(), "must look like 120-135")
            .description("Only finalize, batch and anchor these epochs, e.g. 120-135 (replays over a range); "
                    + "empty: all.");

    // ---- job ----
    public static final Option<Duration> CHECKPOINT_INTERVAL = Option.duration("sequencer.checkpoint-interval")
            .defaultValue(Duration.ofSeconds(5))
            .check(d -> d.toMillis() >= 10, "must be at least 10 ms")
            .description("Checkpoint interval (exactly-once outputs become visible then).");
    public static final Option<Duration> CLOSE_BUFFER_TIMEOUT = Option.duration("sequencer.close-buffer-timeout")
            .defaultValue(Duration.ofMillis(5))
            .notNegative()
            .description("Network buffer timeout of the stages from finalize on (finalize, batch, anchor): the longest "
                    + "an epoch's last results, and the watermark that closes its batches, wait in a part-filled "
                    + "buffer. The rest of the job keeps Flink's `execution.buffer-timeout.interval` (100 ms by "
                    + "default), where buffers fill by volume.");

    /** The prefix of every key of the job. */
    public static final String PREFIX = ConfigLoader.PREFIX;

    /**
     * Every option of the job, in declaration order: every {@code public static final Option} of this class. A new
     * option is known (to validation, environment overrides and the generated reference) by being declared here.
     */
    public static final OptionSet OPTIONS =
            OptionSet.of("flink-job", "The Flink job", OptionSet.declaredIn(SequencerConfig.class));

    private final Map<String, String> values;

    private SequencerConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * Resolves the configuration: Flink config, then {@code --key value} args, then {@code SEQUENCER_*} environment.
     * Logs one warning per deprecated key used.
     *
     * @throws ConfigException naming the key of an unknown setting or a bad value
     */
    public static SequencerConfig resolve(Configuration flinkConf, String[] args, Map<String, String> env) {
        Config c = ConfigLoader.of(OPTIONS)
                .onWarning(LOG::warn)
                .sharedMap("the Flink configuration", flinkConf.toMap())
                .args(args)
                .env(env)
                .load();
        return new SequencerConfig(c.values());
    }

    /**
     * Refuses any value that does not parse or is out of range (unknown keys are refused by {@link #resolve}).
     *
     * @throws ConfigException naming the key and the value
     */
    public void validate() {
        ConfigLoader.of(OPTIONS).map("configuration", values).load();
    }

    public static SequencerConfig of(Configuration conf) {
        return of(conf.toMap());
    }

    /** Values built by code (tests, replays), by key; checked when read. */
    public static SequencerConfig of(Map<String, String> values) {
        Map<String, String> ours = new java.util.TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                ours.put(k, v);
            }
        });
        return new SequencerConfig(ours);
    }

    /** {@code sequencer.chain.rpc-url} → {@code SEQUENCER_CHAIN_RPC_URL}. */
    public static String envName(String key) {
        return Env.name(key);
    }

    /** The value in effect: given or default (null for an option with neither). */
    @Override
    public <T> T get(Option<T> option) {
        return config().get(option);
    }

    private Config config() {
        return Config.ofValues(values);
    }

    /** The values given, as a Flink configuration. */
    public Configuration toConfiguration() {
        return Configuration.fromMap(values);
    }

    /** Data markets, lower-case, sorted. Fails when none is configured. */
    public Set<String> dataMarkets() {
        List<String> markets = get(DATA_MARKETS);
        if (markets == null) {
            throw new ConfigException(DATA_MARKETS.key(), "is required");
        }
        Set<String> set = lowerSet(markets);
        if (set.isEmpty()) {
            throw new ConfigException(DATA_MARKETS.key(), "is empty");
        }
        return set;
    }

    public Set<String> fullNodes() {
        return lowerSet(get(FULL_NODES));
    }

    public Set<String> flaggedSigners() {
        return lowerSet(get(FLAGGED));
    }

    /** The epoch range of {@link #REPLAY_EPOCHS} as {first, last} (inclusive), or null for all epochs. */
    public long[] replayEpochs() {
        String v = get(REPLAY_EPOCHS).trim();
        if (v.isEmpty()) {
            return null;
        }
        long[] range = parseEpochRange(v);
        if (range == null) {
            throw new ConfigException(REPLAY_EPOCHS.key(), "must look like 120-135, was '" + v + "'");
        }
        return range;
    }

    private static long[] parseEpochRange(String text) {
        String v = text.trim();
        String[] parts = v.split("-");
        try {
            long first = Long.parseUnsignedLong(parts[0].trim());
            long last = parts.length > 1 ? Long.parseUnsignedLong(parts[1].trim()) : first;
            if (parts.length > 2 || Long.compareUnsigned(first, last) > 0) {
                return null;
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String protocolState() {
        String v = get(PROTOCOL_STATE);
        if (v == null || v.isBlank()) {
            throw new ConfigException(PROTOCOL_STATE.key(), "is required");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    /**
     * The settings that shape what the job decides and how it cuts batches: with other values, a replay of the same
     * log gives other batches. The job writes them into every batch record (see
     * {@link io.powerloom.sequencer.job.kafka.OutputRecords}), so an audit can take them from there. A new option that
     * changes decisions belongs in this list.
     */
    public static final List<Option<?>> DECISION_OPTIONS = List.of(
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
        for (Option<?> option : DECISION_OPTIONS) {
            Object v = get(option);
            if (v == null) {
                continue;
            }
            String text;
            if (v instanceof Duration d) {
                text = d.toMillis() + " ms";
            } else if (v instanceof List<?> l) {
                text = String.join(",", lowerSet(l.stream().map(String::valueOf).toList()));
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
        for (Option<?> option : OPTIONS.options()) {
            if (!values.containsKey(option.key())) {
                continue;
            }
            Object v = get(option);
            if (!option.hasDefaultValue() || !java.util.Objects.equals(v, option.defaultValue())) {
                out.put(option.key(), values.get(option.key()));
            }
        }
        return out;
    }

    /** A list value: items separated by commas or semicolons, blanks dropped. */
    public static List<String> list(String value) {
        return ValueType.LIST.parse(value);
    }

    private static Set<String> lowerSet(List<String> values) {
        return values.stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** All options, in declaration order. */
    public static List<Option<?>> allOptions() {
        return OPTIONS.options();
    }

    @Override
    public String toString() {
        // no secrets live here: keys are referenced by file or env var name only
        return "SequencerConfig" + new java.util.TreeMap<>(values);
    }
}
