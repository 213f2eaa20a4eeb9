package io.powerloom.sequencer.job;

import io.powerloom.sequencer.accounting.Accounting;
import io.powerloom.sequencer.accounting.DiscardedSubmission;
import io.powerloom.sequencer.accounting.SlotCount;
import io.powerloom.sequencer.anchor.AnchorOutcome;
import io.powerloom.sequencer.anchor.AnchorSettings;
import io.powerloom.sequencer.anchor.Anchoring;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import io.powerloom.sequencer.chain.commit.CommitClientOptions;
import io.powerloom.sequencer.job.kafka.KafkaInputs;
import io.powerloom.sequencer.job.kafka.KafkaOutput;
import io.powerloom.sequencer.job.kafka.OutputRecords;
import io.powerloom.sequencer.job.kafka.TopicCheck;
import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.model.RejectedSubmission;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the sequencer job ({@code flink run -c io.powerloom.sequencer.job.SequencerJob flink-job.jar ...}):
 * reads the configuration (see {@link SequencerConfig}), hands Kafka sources and exactly-once Kafka sinks to
 * {@link SequencerPipeline}, and runs.
 */
public final class SequencerJob {
    private SequencerJob() {}

    /** Flink's {@code RocksDBOptions.TIMER_SERVICE_FACTORY}, by key: the RocksDB jar is the cluster's, not ours. */
    static final ConfigOption<String> ROCKSDB_TIMERS = ConfigOptions.key("state.backend.rocksdb.timer-service.factory")
            .stringType()
            .noDefaultValue();

    /** Flink's {@code RocksDBConfigurableOptions.USE_BLOOM_FILTER}, by key. */
    static final ConfigOption<Boolean> ROCKSDB_BLOOM_FILTER = ConfigOptions.key(
                    "state.backend.rocksdb.use-bloom-filter")
            .booleanType()
            .noDefaultValue();

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SequencerConfig cfg = SequencerConfig.resolve(
                Configuration.fromMap(env.getConfiguration().toMap()), args, System.getenv());
        prepare(cfg, System.out);
        configure(env, cfg);
        env.execute("powerloom-sequencer");
    }

    /**
     * The checks at start, on the client before the graph is built: Kafka answers and every output topic exists; the
     * missing ones are created, or with {@code sequencer.kafka.create-topics false} refused (see {@link TopicCheck}).
     *
     * @throws IllegalArgumentException one line naming the unreachable broker or the missing topics
     */
    public static void prepare(SequencerConfig cfg, java.io.PrintStream out) {
        TopicCheck.ensureOutputs(cfg, out);
    }

    /**
     * The state backend settings the job brings, each only where {@code given} (the cluster's or the submission's
     * configuration) does not set it:
     *
     * <ul>
     *   <li>timers on the heap (and in every checkpoint): a few per project and slot per open epoch, while RocksDB
     *       timers cost a serialization and a cache look-up on every registration;
     *   <li>a Bloom filter in every RocksDB file: most look-ups are for keys that are not there (a new submission's
     *       identity in slot rules), which the filter answers from the block cache instead of reading and
     *       decompressing each file's index.
     * </ul>
     */
    static Configuration stateDefaults(ReadableConfig given) {
        Configuration defaults = new Configuration();
        if (given.getOptional(ROCKSDB_TIMERS).isEmpty()) {
            defaults.set(ROCKSDB_TIMERS, "HEAP");
        }
        if (given.getOptional(ROCKSDB_BLOOM_FILTER).isEmpty()) {
            defaults.set(ROCKSDB_BLOOM_FILTER, true);
        }
        return defaults;
    }

    /** Checkpointing and the whole job graph with Kafka in and out. */
    public static void configure(StreamExecutionEnvironment env, SequencerConfig cfg) {
        env.configure(stateDefaults(env.getConfiguration()));
        env.enableCheckpointing(
                cfg.get(SequencerConfig.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        SequencerPipeline.build(env, cfg, kafkaInputs(cfg), kafkaOutputs(cfg), anchoring(cfg), accounting(cfg));
    }

    public static SequencerPipeline.Inputs kafkaInputs(SequencerConfig cfg) {
        return new SequencerPipeline.Inputs(KafkaInputs.submissions(cfg), KafkaInputs.chain(cfg));
    }

    public static SequencerPipeline.Outputs kafkaOutputs(SequencerConfig cfg) {
        String bootstrap = cfg.get(SequencerConfig.KAFKA_BOOTSTRAP);
        String prefix = cfg.get(SequencerConfig.TRANSACTIONAL_PREFIX);
        java.util.TreeMap<String, String> settings = new java.util.TreeMap<>(cfg.decisionSettings());
        return new SequencerPipeline.Outputs(
                KafkaOutput.<ProjectEpochResult>exactlyOnce(
                        bootstrap,
                        cfg.get(SequencerConfig.TOPIC_FINALIZED),
                        prefix + "-finalized",
                        OutputRecords::key,
                        OutputRecords::value),
                KafkaOutput.<AnchorOutcome>exactlyOnce(
                        bootstrap,
                        cfg.get(SequencerConfig.TOPIC_BATCHES),
                        prefix + "-batches",
                        OutputRecords::key,
                        o -> OutputRecords.value(o, settings)),
                KafkaOutput.<RejectedSubmission>exactlyOnce(
                        bootstrap,
                        cfg.get(SequencerConfig.TOPIC_REJECTED),
                        prefix + "-rejected",
                        OutputRecords::key,
                        OutputRecords::value),
                KafkaOutput.<SlotCount>exactlyOnce(
                        bootstrap,
                        cfg.get(SequencerConfig.TOPIC_SLOT_COUNTS),
                        prefix + "-slot-counts",
                        OutputRecords::key,
                        OutputRecords::value),
                KafkaOutput.<DiscardedSubmission>exactlyOnce(
                        bootstrap,
                        cfg.get(SequencerConfig.TOPIC_DISCARDED),
                        prefix + "-discarded",
                        OutputRecords::key,
                        OutputRecords::value));
    }

    /** The accounting stage per configuration: off, or following the anchor mode (commit, audit, none: count only). */
    public static Accounting accounting(SequencerConfig cfg) {
        if (!cfg.get(SequencerConfig.ACCOUNTING_ENABLED)) {
            return null;
        }
        Duration timeout = cfg.get(SequencerConfig.ANCHOR_TIMEOUT);
        return switch (cfg.get(SequencerConfig.ANCHOR_MODE)) {
            case COMMIT ->
                Accounting.commitOnChain(commitClientConfig(cfg), cfg.get(SequencerConfig.ACCOUNTING_CHUNK), timeout);
            case AUDIT -> Accounting.auditOnChain(cfg.get(SequencerConfig.RPC_URL), cfg.protocolState(), timeout);
            case NONE -> Accounting.countOnly();
        };
    }

    /** The anchor stage per configuration ({@code sequencer.anchor.mode}). */
    public static Anchoring anchoring(SequencerConfig cfg) {
        return switch (cfg.get(SequencerConfig.ANCHOR_MODE)) {
            case COMMIT -> Anchoring.commitOnChain(anchorSettings(cfg), commitClientConfig(cfg));
            case AUDIT ->
                Anchoring.auditOnChain(anchorSettings(cfg), cfg.get(SequencerConfig.RPC_URL), cfg.protocolState());
            case NONE -> Anchoring.none();
        };
    }

    /** The anchor stage's IPFS and asynchronous-call settings. */
    public static AnchorSettings anchorSettings(SequencerConfig cfg) {
        return new AnchorSettings(
                cfg.get(SequencerConfig.IPFS_API),
                cfg.get(SequencerConfig.IPFS_TIMEOUT),
                cfg.get(SequencerConfig.ANCHOR_TIMEOUT),
                cfg.get(SequencerConfig.ANCHOR_CAPACITY),
                cfg.get(SequencerConfig.CLOSE_BUFFER_TIMEOUT));
    }

    /** The chain commit client's settings: RPC, contract, and signer keys by file or environment variable name. */
    public static CommitClientConfig commitClientConfig(SequencerConfig cfg) {
        return CommitClientOptions.builder(cfg, cfg.get(SequencerConfig.RPC_URL), cfg.protocolState())
                .commitTimeout(cfg.get(SequencerConfig.ANCHOR_TIMEOUT).minus(Duration.ofSeconds(5)))
                .build();
    }

    /** For tests and tools: the resolved configuration of a map of {@code sequencer.*} keys. */
    public static SequencerConfig config(Map<String, String> values) {
        return SequencerConfig.of(values);
    }
}
