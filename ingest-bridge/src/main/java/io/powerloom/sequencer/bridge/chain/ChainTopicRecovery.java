package io.powerloom.sequencer.bridge.chain;

import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.records.SlotAssignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds {@link WatcherState} from what is committed in the topics (read_committed), so that a restarted watcher
 * resumes right after the last {@link ChainBlock} it wrote: no gap, no duplicate.
 *
 * <p>Only the tail is read: the last records of the protocol-chain topic holding at least {@code reorgDepth} block
 * markers (the window grows until it does, or reaches the start of the topic), and the slot changes of those blocks.
 */
final class ChainTopicRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(ChainTopicRecovery.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long READ_TIMEOUT_MS = 60_000;

    private ChainTopicRecovery() {}

    static WatcherState recover(Properties consumerProps, ChainWatcherConfig config) {
        WatcherState state = new WatcherState(config.reorgDepth());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition tp = new TopicPartition(config.chainTopic(), 0);
            long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp); // read_committed: the last stable offset
            long window = 4L * config.reorgDepth() + 256;
            List<ChainTopicRecord> records;
            while (true) {
                long from = Math.max(begin, end - window);
                records = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r :
                        read(consumer, List.of(tp), Map.of(tp, from), Map.of(tp, end))) {
                    try {
                        records.add(RecordCodec.decodeChainTopic(r.value()));
                    } catch (RecordFormatException e) {
                        LOG.warn("skipping undecodable record at {}-{}: {}", tp, r.offset(), e.getMessage());
                    }
                }
                long blocks =
                        records.stream().filter(r -> r instanceof ChainBlock).count();
                if (blocks > config.reorgDepth() || from == begin) {
                    break;
                }
                window *= 4;
            }
            for (ChainTopicRecord r : records) {
                if (r instanceof ChainBlock b) {
                    Long last = state.lastProcessed();
                    if (last != null && b.number() <= last) {
                        state.rewindHashesAfter(b.number() - 1); // a marker after a reorg rewinds the chain
                    }
                    state.apply(b);
                } else if (r instanceof EpochReleased e) {
                    state.apply(e);
                } else if (r instanceof io.powerloom.sequencer.protocol.records.DayStarted d) {
                    state.apply(d);
                } else if (r instanceof io.powerloom.sequencer.protocol.records.AccountingParameterUpdated a) {
                    state.apply(a);
                }
            }
            Long oldest = state.oldest();
            if (oldest != null) {
                recoverSlots(consumer, config, state, oldest);
            }
        }
        LOG.info("chain topic {}: resuming after block {}", config.chainTopic(), state.lastProcessed());
        return state;
    }

    private static void recoverSlots(
            KafkaConsumer<String, byte[]> consumer, ChainWatcherConfig config, WatcherState state, long oldest) {
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(config.slotsTopic())) {
            parts.add(new TopicPartition(p.topic(), p.partition()));
        }
        if (parts.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(parts);
        Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
        for (TopicPartition tp : parts) {
            long window = 4L * config.reorgDepth() + 256;
            while (true) {
                long from = Math.max(begins.get(tp), ends.get(tp) - window);
                long minBlock = Long.MAX_VALUE;
                List<SlotAssignment> slots = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r :
                        read(consumer, List.of(tp), Map.of(tp, from), Map.of(tp, ends.get(tp)))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        SlotAssignment s = RecordCodec.decodeSlotAssignment(r.value());
                        slots.add(s);
                        minBlock = Math.min(minBlock, s.blockNumber());
                    } catch (RecordFormatException e) {
                        LOG.warn("skipping undecodable record at {}-{}: {}", tp, r.offset(), e.getMessage());
                    }
                }
                if (minBlock < oldest || from == begins.get(tp)) {
                    slots.stream()
                            .filter(s -> s.blockNumber() >= oldest)
                            .forEach(s -> state.slotChanged(s.blockNumber(), s.slotId()));
                    break;
                }
                window *= 4;
            }
        }
    }

    private static List<ConsumerRecord<String, byte[]>> read(
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> parts,
            Map<TopicPartition, Long> from,
            Map<TopicPartition, Long> to) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        consumer.assign(parts);
        for (TopicPartition tp : parts) {
            consumer.seek(tp, from.get(tp));
        }
        long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
        while (parts.stream().anyMatch(tp -> consumer.position(tp) < to.get(tp))) {
            if (System.currentTimeMillis() > deadline) {
                throw new ChainWatcherException(
                        "could not read " + parts + " up to " + to + " within " + READ_TIMEOUT_MS + " ms");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
