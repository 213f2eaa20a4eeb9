package io.powerloom.sequencer.job;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.powerloom.sequencer.accounting.CountAudit;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;

/**
 * Reruns the sequencer over a range of the log and either audits or re-anchors it:
 *
 * <pre>
 * ReplayJob --mode audit|reanchor --from SPEC --to SPEC [--market 0x…] [--sequencer.&lt;key&gt; value ...]
 *   SPEC: epoch:&lt;id&gt; | timestamp:&lt;epoch ms&gt; | offsets:&lt;partition&gt;=&lt;offset&gt;,...   (--to also: latest)
 * </pre>
 *
 * An epoch range is turned into receive-time bounds from the epoch releases in the protocol-chain topic, and only those
 * epochs are finalized, batched and anchored. {@code audit} recomputes every batch and compares it with the chain,
 * committing nothing; {@code reanchor} commits what is missing (the commit client skips what is already on chain).
 * Results go to fresh topics ({@code <batches>-<mode>-<time>} etc.), and a report is printed when the bounded job ends.
 * With accounting on, the audit also compares the recomputed day counts with the chain ({@link CountAudit}); audit whole
 * days (an epoch range from a day's first epoch), since a day the replay saw only in part is not finalized.
 * Exit code 0: all match (or re-anchored); 2: the audit found mismatches.
 */
public final class ReplayJob {
    private ReplayJob() {}

    /** A parsed replay request. */
    public record Request(String mode, String from, String to, String market, List<String> jobArgs) {}

    public static void main(String[] args) throws Exception {
        Request request = parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SequencerConfig base = SequencerConfig.resolve(Configuration.fromMap(env.getConfiguration().toMap()),
                request.jobArgs().toArray(new String[0]), System.getenv());
        SequencerConfig cfg = plan(request, base, System.currentTimeMillis());
        SequencerJob.configure(env, cfg);
        env.execute("powerloom-sequencer-" + request.mode());
        int mismatches = report(cfg, System.out);
        System.exit(mismatches == 0 ? 0 : 2);
    }

    public static Request parse(String[] args) {
        String mode = null;
        String from = null;
        String to = "latest";
        String market = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = value(args, ++i, "--mode");
                case "--from" -> from = value(args, ++i, "--from");
                case "--to" -> to = value(args, ++i, "--to");
                case "--market" -> market = value(args, ++i, "--market").toLowerCase(Locale.ROOT);
                default -> rest.add(args[i]);
            }
        }
        if (!"audit".equals(mode) && !"reanchor".equals(mode)) {
            throw new IllegalArgumentException("--mode must be audit or reanchor");
        }
        if (from == null) {
            throw new IllegalArgumentException("--from is required: epoch:<id>, timestamp:<ms> or offsets:<p>=<o>,...");
        }
        return new Request(mode, from, to, market, rest);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    /** The configuration of the replay: source bounds, epoch filter, anchor mode and fresh output topics. */
    public static SequencerConfig plan(Request r, SequencerConfig base, long now) {
        Map<String, String> c = new HashMap<>(base.toConfiguration().toMap());
        boolean epochs = r.from().startsWith("epoch:") || r.to().startsWith("epoch:");
        if (epochs) {
            if (!r.from().startsWith("epoch:") || !r.to().startsWith("epoch:")) {
                throw new IllegalArgumentException("an epoch range needs both --from epoch:<id> and --to epoch:<id>");
            }
            String market = r.market() != null ? r.market() : onlyMarket(base);
            long first = Long.parseUnsignedLong(r.from().substring(6));
            long last = Long.parseUnsignedLong(r.to().substring(6));
            Map<Long, EpochReleased> releases = releases(base, market);
            EpochReleased a = releases.get(first);
            EpochReleased b = releases.get(last);
            if (a == null || b == null) {
                throw new IllegalArgumentException("epoch " + (a == null ? first : last) + " of market " + market
                        + " is not in the protocol-chain topic");
            }
            long start = a.observedAtMs() - base.get(SequencerConfig.EARLY_GRACE).toMillis() - 1_000;
            long stop = b.observedAtMs() + b.snapshotSubmissionWindow() * 1000L
                    + base.get(SequencerConfig.OUT_OF_ORDERNESS).toMillis() + 5_000;
            c.put(SequencerConfig.START_FROM.key(), "timestamp:" + start);
            c.put(SequencerConfig.STOP_AT.key(), "timestamp:" + stop);
            c.put(SequencerConfig.REPLAY_EPOCHS.key(), first + "-" + last);
        } else {
            c.put(SequencerConfig.START_FROM.key(), r.from());
            c.put(SequencerConfig.STOP_AT.key(), r.to());
        }
        c.put(SequencerConfig.ANCHOR_MODE.key(), "audit".equals(r.mode()) ? "audit" : "commit");
        String suffix = "-" + r.mode() + "-" + now;
        for (var topic : List.of(SequencerConfig.TOPIC_FINALIZED, SequencerConfig.TOPIC_BATCHES, SequencerConfig.TOPIC_REJECTED,
                SequencerConfig.TOPIC_SLOT_COUNTS, SequencerConfig.TOPIC_DISCARDED)) {
            if (!base.toConfiguration().containsKey(topic.key()) || base.get(topic).equals(topic.defaultValue())) {
                c.put(topic.key(), base.get(topic) + suffix);
            }
        }
        c.put(SequencerConfig.KAFKA_GROUP.key(), base.get(SequencerConfig.KAFKA_GROUP) + suffix);
        c.put(SequencerConfig.TRANSACTIONAL_PREFIX.key(), base.get(SequencerConfig.TRANSACTIONAL_PREFIX) + suffix);
        return SequencerConfig.of(Configuration.fromMap(c));
    }

    private static String onlyMarket(SequencerConfig cfg) {
        var markets = cfg.dataMarkets();
        if (markets.size() != 1) {
            throw new IllegalArgumentException("several data markets are configured: say which with --market");
        }
        return markets.iterator().next();
    }

    /** The market's epoch releases in the protocol-chain topic (the last non-retracted record per epoch). */
    static Map<Long, EpochReleased> releases(SequencerConfig cfg, String market) {
        Map<Long, EpochReleased> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : readAll(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP), cfg.get(SequencerConfig.TOPIC_CHAIN))) {
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

    /** Prints what the replay found; returns the number of audit mismatches. */
    public static int report(SequencerConfig cfg, PrintStream out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String topic = cfg.get(SequencerConfig.TOPIC_BATCHES);
        int batches = 0;
        int mismatches = 0;
        Map<String, Integer> byStatus = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : readAll(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP), topic)) {
            JsonNode n = json.readTree(rec.value());
            String status = n.get("status").asText();
            byStatus.merge(status, 1, Integer::sum);
            if ("batch".equals(n.get("type").asText())) {
                batches++;
            }
            if ("AUDIT_MISMATCH".equals(status)) {
                mismatches++;
                out.printf("MISMATCH epoch %s batch %s cid %s: %s%n", n.get("epochId").asText(), n.get("batchIndex").asText(),
                        n.get("batchCid").asText(), n.path("detail").asText());
            }
        }
        out.printf("replay %s: %d batches %s; results in topic %s%n", cfg.get(SequencerConfig.ANCHOR_MODE), batches, byStatus, topic);
        if (cfg.get(SequencerConfig.ACCOUNTING_ENABLED) && "audit".equals(cfg.get(SequencerConfig.ANCHOR_MODE))) {
            String counts = cfg.get(SequencerConfig.TOPIC_SLOT_COUNTS);
            mismatches += CountAudit.report(readAll(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP), counts), counts, out);
        }
        return mismatches;
    }

    /** Every committed record of {@code topic}, from the start of each partition to its end when called. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

}
