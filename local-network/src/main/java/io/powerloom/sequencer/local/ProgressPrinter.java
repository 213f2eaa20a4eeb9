package io.powerloom.sequencer.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the job's committed output into console lines: reads the finalized, batches and rejected topics (and the
 * bridge's rejects topic) with {@code isolation.level=read_committed} from their beginning, and prints
 * <pre>
 * epoch 3 finalized: 20 projects (0 unfinalized), rejected: {LATE=1, SIGNER_NOT_SLOT_OWNER=2}
 * batch 1/2 of epoch 3 committed: cid=bafkrei… tx=0x…
 * epoch 3 completed: tx=0x…
 * day 1: 8 eligible nodes (quota 100), committed at epoch 25: tx=0x…
 * day 1 final counts committed: slots 1-8 (8 slots, counts 400..420) tx=0x…
 * day 2 periodic counts committed at epoch 30: 10 slots tx=0x…
 * </pre>
 * An epoch's finalized line is printed once a poll brings no more finalized records for it; its rejection counts
 * are those seen so far for that epoch (bridge rejections carry no epoch and are counted as {@code bridge:<reason>}
 * in the totals, see {@link #rejectedTotals()}).
 */
public final class ProgressPrinter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressPrinter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<String> out;
    private final String finalizedTopic;
    private final String batchesTopic;
    private final String rejectedTopic;
    private final String bridgeRejectsTopic;
    private final String slotCountsTopic;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;

    private final Map<Long, int[]> finalizedPerEpoch = new TreeMap<>(); // [finalized, unfinalized]
    private final Set<Long> pendingEpochs = new TreeSet<>();
    private final Map<Long, Map<String, Integer>> rejectedPerEpoch = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rejectedTotals = new ConcurrentHashMap<>();
    private final AtomicLong committedBatches = new AtomicLong();
    private final AtomicLong completedEpochs = new AtomicLong();
    private volatile long firstCommitAtMs;
    private final long startedAtMs;

    /**
     * @param out         receives every console line (e.g. {@code System.out::println})
     * @param startedAtMs when the network started (the first committed batch is reported relative to it)
     */
    public ProgressPrinter(
            String bootstrapServers,
            String finalizedTopic,
            String batchesTopic,
            String rejectedTopic,
            String bridgeRejectsTopic,
            String slotCountsTopic,
            Consumer<String> out,
            long startedAtMs) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.out = out;
        this.startedAtMs = startedAtMs;
        this.finalizedTopic = finalizedTopic;
        this.batchesTopic = batchesTopic;
        this.rejectedTopic = rejectedTopic;
        this.slotCountsTopic = slotCountsTopic;
        this.bridgeRejectsTopic = bridgeRejectsTopic;
        this.thread = new Thread(this::loop, "progress-printer");
        this.thread.setDaemon(true);
    }

    /** Assigns every partition of the four topics from the beginning and starts printing. */
    public void start() {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(finalizedTopic, batchesTopic, rejectedTopic, bridgeRejectsTopic, slotCountsTopic)) {
            for (PartitionInfo pi : consumer.partitionsFor(t, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(t, pi.partition()));
            }
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        started = true;
        thread.start();
    }

    /** Batches committed on chain so far (status COMMITTED). */
    public long committedBatches() {
        return committedBatches.get();
    }

    /** Epochs whose {@code endBatchSubmissions} was committed. */
    public long completedEpochs() {
        return completedEpochs.get();
    }

    /** Wall-clock time of the first committed batch record seen, 0 before. */
    public long firstCommitAtMs() {
        return firstCommitAtMs;
    }

    /** Rejections by reason over the whole run (job reasons as is, bridge reasons as {@code bridge:<reason>}). */
    public Map<String, Long> rejectedTotals() {
        Map<String, Long> m = new TreeMap<>();
        rejectedTotals.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** The job's rejections of submissions for {@code epochId} seen so far, by reason. */
    public Map<String, Integer> rejectedOfEpoch(long epochId) {
        return new TreeMap<>(rejectedPerEpoch.getOrDefault(epochId, Map.of()));
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                Set<Long> touched = new TreeSet<>();
                // one poll can hold several batches of an epoch from different partitions: print them in order
                List<ConsumerRecord<String, byte[]>> ordered = new ArrayList<>();
                records.forEach(ordered::add);
                ordered.sort(java.util.Comparator.comparing(
                                (ConsumerRecord<String, byte[]> r) -> r.topic().equals(batchesTopic))
                        .thenComparing(r -> r.topic().equals(batchesTopic) ? batchOrder(r.key()) : ""));
                List<JsonNode> counts = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : ordered) {
                    try {
                        if (r.topic().equals(slotCountsTopic)) {
                            counts.add(JSON.readTree(r.value()));
                            continue;
                        }
                        handle(r, touched);
                    } catch (Exception e) {
                        LOG.warn("cannot read {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                    }
                }
                countLines(counts).forEach(out);
                // an epoch whose finalized records stopped arriving is complete enough to print
                for (Long epoch : new ArrayList<>(pendingEpochs)) {
                    if (!touched.contains(epoch)) {
                        pendingEpochs.remove(epoch);
                        int[] c = finalizedPerEpoch.get(epoch);
                        out.accept("epoch " + epoch + " finalized: " + c[0] + " projects (" + c[1]
                                + " unfinalized), rejected: " + rejectedOfEpoch(epoch));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            LOG.error("progress printer stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Console lines of the slot-counts records of one poll: one per day's eligible-node count, one per accounting
     * transaction (the slot records of one transaction, or of one update found already on chain, in one line).
     */
    static List<String> countLines(List<JsonNode> records) {
        List<String> lines = new ArrayList<>();
        Map<String, List<JsonNode>> byTx = new java.util.LinkedHashMap<>();
        for (JsonNode n : records) {
            String status =
                    n.path("status").asText().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            if ("dayEligible".equals(n.path("type").asText())) {
                lines.add("day " + n.path("day").asText() + ": "
                        + n.path("eligibleNodes").asText() + " eligible nodes (quota "
                        + n.path("quota").asText() + "), " + status + " at epoch "
                        + n.path("epochId").asText() + ": tx="
                        + n.path("txHash").asText("-")
                        + (n.has("detail") ? " " + n.get("detail").asText() : ""));
                continue;
            }
            String group = n.path("day").asText() + "|" + n.path("kind").asText() + "|"
                    + n.path("epochId").asText() + "|" + n.path("status").asText() + "|"
                    + n.path("txHash").asText("-");
            byTx.computeIfAbsent(group, k -> new ArrayList<>()).add(n);
        }
        for (List<JsonNode> g : byTx.values()) {
            g.sort(java.util.Comparator.comparingLong(n -> n.path("slotId").asLong()));
            JsonNode first = g.get(0);
            String status = first.path("status")
                    .asText()
                    .toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ');
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (JsonNode n : g) {
                min = Math.min(min, n.path("count").asLong());
                max = Math.max(max, n.path("count").asLong());
            }
            boolean fin = "FINAL".equals(first.path("kind").asText());
            lines.add("day " + first.path("day").asText() + (fin ? " final" : " periodic") + " counts " + status
                    + " at epoch " + first.path("epochId").asText() + ": slots "
                    + first.path("slotId").asText() + ".."
                    + g.get(g.size() - 1).path("slotId").asText() + " (" + g.size() + " slots, counts " + min + ".."
                    + max
                    + ") tx=" + first.path("txHash").asText("-")
                    + (first.has("detail") ? " " + first.get("detail").asText() : ""));
        }
        return lines;
    }

    /** Sort key of a batches record key {@code market|epoch|index-or-end}: epoch, then batches, then the epoch end. */
    static String batchOrder(String key) {
        String[] parts = key == null ? new String[0] : key.split("\\|");
        if (parts.length != 3) {
            return "~" + key;
        }
        String epoch = String.format(java.util.Locale.ROOT, "%20s", parts[1]);
        String item = "end".equals(parts[2]) ? "~" : String.format(java.util.Locale.ROOT, "%10s", parts[2]);
        return epoch + "|" + item;
    }

    private void handle(ConsumerRecord<String, byte[]> r, Set<Long> touched) throws Exception {
        JsonNode n = JSON.readTree(r.value());
        if (r.topic().equals(finalizedTopic)) {
            long epoch = n.get("epochId").asLong();
            int[] c = finalizedPerEpoch.computeIfAbsent(epoch, k -> new int[2]);
            c["FINALIZED".equals(n.path("status").asText()) ? 0 : 1]++;
            pendingEpochs.add(epoch);
            touched.add(epoch);
        } else if (r.topic().equals(rejectedTopic)) {
            String reason = n.path("reason").asText("UNKNOWN");
            rejectedTotals.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
            if (n.has("epochId")) {
                rejectedPerEpoch
                        .computeIfAbsent(n.get("epochId").asLong(), k -> new ConcurrentHashMap<>())
                        .merge(reason, 1, Integer::sum);
            }
        } else if (r.topic().equals(bridgeRejectsTopic)) {
            rejectedTotals
                    .computeIfAbsent("bridge:" + n.path("reason").asText("unknown"), k -> new AtomicLong())
                    .incrementAndGet();
            out.accept("bridge rejected a submission from " + n.path("peerId").asText() + ": "
                    + n.path("reason").asText() + " (" + n.path("detail").asText() + ")");
        } else if (r.topic().equals(batchesTopic)) {
            long epoch = n.get("epochId").asLong();
            String status = n.path("status").asText();
            if ("batch".equals(n.path("type").asText())) {
                int index = n.path("batchIndex").asInt();
                if ("COMMITTED".equals(status)) {
                    committedBatches.incrementAndGet();
                    if (firstCommitAtMs == 0) {
                        firstCommitAtMs = System.currentTimeMillis();
                        out.accept(String.format(
                                java.util.Locale.ROOT,
                                "first batch committed %.1f s after start",
                                (firstCommitAtMs - startedAtMs) / 1000.0));
                    }
                }
                out.accept("batch " + (index + 1) + "/" + n.path("batchCount").asInt() + " of epoch " + epoch + " "
                        + status.toLowerCase(java.util.Locale.ROOT) + ": cid="
                        + n.path("batchCid").asText()
                        + " tx=" + n.path("txHash").asText("-")
                        + (n.has("commitLatencyMs")
                                ? " (" + n.get("commitLatencyMs").asLong() + " ms after window close)"
                                : "")
                        + (n.has("detail") ? " " + n.get("detail").asText() : ""));
            } else {
                if ("COMMITTED".equals(status) || "ALREADY_DONE".equals(status)) {
                    completedEpochs.incrementAndGet();
                }
                out.accept("epoch " + epoch + " completed: tx="
                        + n.path("txHash").asText("-") + ("COMMITTED".equals(status) ? "" : " (" + status + ")"));
            }
        }
    }

    /** Stops printing and closes the consumer. */
    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
