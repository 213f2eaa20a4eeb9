package io.powerloom.sequencer.query.state;

import io.powerloom.sequencer.query.QueryConfig;
import io.powerloom.sequencer.query.QueryMetrics;
import io.powerloom.sequencer.query.state.RouteInput.Input;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology: each input topic is read and routed ({@link RouteInput}), all routed events go through
 * one internal repartition topic keyed by partition key ({@link Keys}), and {@link UpdateState} applies them to two
 * RocksDB stores that the HTTP API queries. The repartition topic's partitions are how the state spreads over
 * instances.
 */
public final class QueryTopology {
    /** Name of the internal repartition topic (prefixed by the application id). */
    public static final String ROUTED = "routed";

    private QueryTopology() {}

    /** The topics of an input (one, or several read alike: {@code kafka.topic.<name>} is a comma-separated list). */
    public static java.util.List<String> topics(QueryConfig config, Input input) {
        return config.topics(
                switch (input) {
                    case SUBMISSIONS -> "submissions";
                    case PROTOCOL_CHAIN -> "protocol-chain";
                    case FINALIZED -> "finalized";
                    case BATCHES -> "batches";
                    case REJECTED -> "rejected";
                    case BRIDGE_REJECTS -> "bridge-rejects";
                    case SLOT_COUNTS -> "slot-counts";
                    case DISCARDED -> "discarded";
                });
    }

    public static Topology build(QueryConfig config, QueryMetrics metrics, StateVersions versions) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, byte[]> all = null;
        for (Input input : Input.values()) {
            String name = input.name().toLowerCase(Locale.ROOT).replace('_', '-');
            KStream<String, byte[]> routed = b.stream(
                            topics(config, input),
                            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                                    .withName("read-" + name))
                    .process(() -> new RouteInput(input, metrics), Named.as("route-" + name));
            all = all == null ? routed : all.merge(routed, Named.as("merge-" + name));
        }
        b.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UpdateState.SUMMARIES), Serdes.String(), Serdes.String()));
        b.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UpdateState.DETAILS), Serdes.String(), Serdes.String()));
        all.repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray())
                        .withName(ROUTED)
                        .withNumberOfPartitions(config.partitions()))
                .process(
                        () -> new UpdateState(config.retentionDays(), config.retentionCheckInterval(), versions),
                        Named.as("update-state"),
                        UpdateState.SUMMARIES,
                        UpdateState.DETAILS);
        return b.build();
    }
}
