package io.powerloom.sequencer.infra.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Broker settings that make one combined broker+controller behave like a healthy cluster: internal topics with
 * replication factor 1 and min ISR 1 (without them consumer groups and transactions hang), no rebalance delay,
 * and transaction time-outs long enough for Flink's exactly-once Kafka sink.
 */
final class SingleNodeSettings {
    /** Largest transaction time-out the broker accepts: one hour, which Flink's KafkaSink may ask for. */
    static final long TRANSACTION_MAX_TIMEOUT_MS = 3_600_000L;

    private SingleNodeSettings() {}

    static Map<String, String> brokerSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("offsets.topic.replication.factor", "1");
        s.put("offsets.topic.num.partitions", "5");
        s.put("transaction.state.log.replication.factor", "1");
        s.put("transaction.state.log.min.isr", "1");
        s.put("transaction.state.log.num.partitions", "5");
        s.put("share.coordinator.state.topic.replication.factor", "1");
        s.put("share.coordinator.state.topic.min.isr", "1");
        s.put("default.replication.factor", "1");
        s.put("min.insync.replicas", "1");
        s.put("num.partitions", "1");
        s.put("auto.create.topics.enable", "false");
        s.put("group.initial.rebalance.delay.ms", "0");
        s.put("transaction.max.timeout.ms", Long.toString(TRANSACTION_MAX_TIMEOUT_MS));
        return s;
    }
}
