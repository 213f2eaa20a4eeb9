package io.powerloom.sequencer.protocol.config;

import io.powerloom.sequencer.config.Option;
import io.powerloom.sequencer.config.OptionSet;
import io.powerloom.sequencer.protocol.records.Topics;
import java.util.List;

/**
 * The facts several processes share, each declared once with one key and one default: the Kafka brokers, every topic
 * (defaults from {@link Topics}), the protocol chain's endpoint and contract. Each process's option class lists the
 * ones it reads; the deprecated keys are those the bridge, the chain watcher and the query service used before.
 */
public final class SharedOptions {
    private SharedOptions() {}

    public static final Option<String> KAFKA_BOOTSTRAP = Option.string("sequencer.kafka.bootstrap-servers")
            .defaultValue("127.0.0.1:9092")
            .description("Kafka bootstrap servers.")
            .check(s -> !s.isBlank(), "must not be empty")
            .deprecatedKeys("kafka.bootstrap.servers");

    public static final Option<String> TOPIC_SUBMISSIONS = topic("submissions", Topics.SUBMISSIONS)
            .description("Submissions and heartbeats written by the ingest bridge.")
            .deprecatedKeys("kafka.topic.submissions");
    public static final Option<String> TOPIC_BRIDGE_REJECTS = topic("bridge-rejects", Topics.BRIDGE_REJECTS)
            .description("`/collect` input the ingest bridge could not read, with the reason.")
            .deprecatedKeys("kafka.topic.rejects", "kafka.topic.bridge-rejects");
    public static final Option<String> TOPIC_CHAIN = topic("protocol-chain", Topics.PROTOCOL_CHAIN)
            .description("Epoch releases, slot changes and block heads written by the chain watcher (one partition).")
            .deprecatedKeys("chain.topic.protocol.chain", "kafka.topic.protocol-chain");
    public static final Option<String> TOPIC_SLOTS = topic("slots", Topics.SLOTS)
            .description("Compacted slot → snapshotter assignments written by the chain watcher.")
            .deprecatedKeys("chain.topic.slots");
    public static final Option<String> TOPIC_FINALIZED = topic("finalized", Topics.FINALIZED)
            .description("Per project and epoch: finalized or unfinalized result.")
            .deprecatedKeys("kafka.topic.finalized");
    public static final Option<String> TOPIC_BATCHES = topic("batches", Topics.BATCHES)
            .description("Batch records: CID, transaction, status; epoch completions.")
            .deprecatedKeys("kafka.topic.batches");
    public static final Option<String> TOPIC_REJECTED = topic("rejected", Topics.REJECTED)
            .description("Rejected submissions with their reason.")
            .deprecatedKeys("kafka.topic.rejected");
    public static final Option<String> TOPIC_SLOT_COUNTS = topic("slot-counts", Topics.SLOT_COUNTS)
            .description("Each slot's count per day as committed on chain (periodic and final), and each day's "
                    + "eligible-node count (accounting).")
            .deprecatedKeys("kafka.topic.slot-counts");
    public static final Option<String> TOPIC_DISCARDED = topic("discarded", Topics.DISCARDED)
            .description("Valid submissions whose CID did not match their project's finalized CID, with the winning "
                    + "CID (accounting).")
            .deprecatedKeys("kafka.topic.discarded");

    public static final Option<String> RPC_URL = Option.string("sequencer.chain.rpc-url")
            .defaultValue("http://127.0.0.1:8545")
            .description("Protocol chain JSON-RPC endpoint.")
            .deprecatedKeys("chain.rpc.url");
    public static final Option<String> PROTOCOL_STATE = Option.string("sequencer.chain.protocol-state")
            .description("Protocol-state contract address (EIP-712 verifyingContract).")
            .deprecatedKeys("chain.protocol.state.address");

    /** The topic option {@code sequencer.kafka.topics.<name>}. */
    private static Option<String> topic(String name, String defaultTopic) {
        return Option.string("sequencer.kafka.topics." + name)
                .defaultValue(defaultTopic)
                .check(s -> !s.isBlank(), "must not be empty");
    }

    /** Every shared option, for a process that reads them all. */
    public static final List<io.powerloom.sequencer.config.Option<?>> ALL = OptionSet.declaredIn(SharedOptions.class);
}
