package io.powerloom.sequencer.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.powerloom.sequencer.query.state.Keys;
import io.powerloom.sequencer.query.state.UpdateState;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads of this instance's part of the state: each operation runs on the instance holding its partition key (or, for
 * the {@code *All} operations, on every instance, and the caller merges). Operations take and return JSON so that a
 * forwarded request and a local one are the same call.
 */
public final class LocalQueries {
    /**
     * Most submissions of one slot in one epoch a per-slot view lists (a slot that floods an epoch gets them all
     * rejected, and the view says how many there were).
     */
    static final int MAX_SLOT_SUBMISSIONS = 1000;

    private final KafkaStreams streams;
    private final ObjectMapper json;
    private final int partitions;

    /**
     * Handles of this instance's stores, one per store and partition (index {@code partition}; the last one is the
     * store over all local partitions): asked of Kafka Streams once, forgotten on every state change or when a
     * handle fails, so a read goes straight to one partition's RocksDB.
     */
    private final AtomicReferenceArray<ReadOnlyKeyValueStore<String, String>> summaries;

    private final AtomicReferenceArray<ReadOnlyKeyValueStore<String, String>> details;
    /** The partition key of the operation running on this thread. */
    private final ThreadLocal<String> current = new ThreadLocal<>();

    /** @param partitions partitions of the routed topic (the stores' partitions) */
    public LocalQueries(KafkaStreams streams, ObjectMapper json, int partitions) {
        this.streams = streams;
        this.json = json;
        this.partitions = partitions;
        this.summaries = new AtomicReferenceArray<>(partitions + 1);
        this.details = new AtomicReferenceArray<>(partitions + 1);
    }

    /** Partitions of the stores. */
    int partitions() {
        return partitions;
    }

    /** Forgets the store handles (called on every state change of Kafka Streams). */
    public void forgetStores() {
        for (int p = 0; p <= partitions; p++) {
            summaries.set(p, null);
            details.set(p, null);
        }
    }

    /** Runs {@code op} for partition key {@code pk} (null for the {@code *All} operations). */
    public JsonNode run(String op, String pk, ObjectNode params) {
        current.set(pk);
        try {
            return switch (op) {
                case "summary" -> summary(pk);
                case "epochView" -> epochView(pk);
                case "batch" -> batch(pk, params.path("batchIndex").asInt());
                case "slotEpoch" -> slotEpoch(pk, params.path("slotID").asLong());
                case "epochSubmissions" ->
                    epochSubmissions(
                            pk,
                            params.path("offset").asInt(),
                            params.path("limit").asInt());
                case "discardedByEpoch" -> discardedByEpoch(pk);
                case "slotDays" -> prefix(pk, "day|" + params.path("market").asText() + "|", 0, Integer.MAX_VALUE);
                case "slotDiscardedDay" ->
                    prefix(
                            pk,
                            "disc|" + params.path("market").asText() + "|"
                                    + Keys.num(params.path("day").asLong()) + "|",
                            params.path("offset").asInt(),
                            params.path("limit").asInt());
                case "daySlots" -> prefix(pk, "s|", 0, Integer.MAX_VALUE);
                case "globalView" -> globalView(pk);
                case "epochsAll" ->
                    epochsAll(
                            params.path("market").asText(),
                            params.path("before").asLong(0),
                            params.path("limit").asInt());
                case "marketsAll" -> marketsAll();
                default -> throw new IllegalArgumentException("unknown operation " + op);
            };
        } catch (InvalidStateStoreException e) {
            forgetStores();
            throw new ApiException(503, "state is being restored or rebalanced, retry: " + e.getMessage());
        } finally {
            current.remove();
        }
    }

    /** The store {@code name}: the partition of the running operation's key, or all local partitions. */
    ReadOnlyKeyValueStore<String, String> store(String name) {
        String pk = current.get();
        int p = pk == null ? partitions : Keys.partition(pk, partitions);
        AtomicReferenceArray<ReadOnlyKeyValueStore<String, String>> handles =
                UpdateState.SUMMARIES.equals(name) ? summaries : details;
        ReadOnlyKeyValueStore<String, String> s = handles.get(p);
        if (s == null) {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, String>> q =
                    StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
            s = streams.store(p == partitions ? q : q.withPartition(p));
            if (streams.state() == KafkaStreams.State.RUNNING) {
                handles.set(p, s);
            }
        }
        return s;
    }

    private JsonNode summary(String pk) {
        return parse(store(UpdateState.SUMMARIES).get(pk));
    }

    private JsonNode epochView(String pk) {
        ObjectNode out = json.createObjectNode();
        out.set("summary", summary(pk));
        out.set("projects", prefix(pk, "p|", 0, Integer.MAX_VALUE).path("items"));
        out.set("batches", prefix(pk, "b|", 0, Integer.MAX_VALUE).path("items"));
        ArrayNode slots = out.putArray("slots");
        String markers = Keys.detail(pk, "a|");
        try (KeyValueIterator<String, String> it = store(UpdateState.DETAILS)
                .prefixScan(markers, new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext() && slots.size() < 2000) {
                slots.add(Long.parseLong(it.next().key.substring(markers.length())));
            }
        }
        return out;
    }

    private JsonNode batch(String pk, int index) {
        return parse(store(UpdateState.DETAILS).get(Keys.detail(pk, "b|" + String.format("%06d", index))));
    }

    /** Each submission of a slot in an epoch with its fate. */
    private JsonNode slotEpoch(String pk, long slot) {
        ReadOnlyKeyValueStore<String, String> details = store(UpdateState.DETAILS);
        Fates fates = new Fates(details, pk);
        ArrayNode items = json.createArrayNode();
        int total = scan(
                details,
                Keys.detail(pk, "s|" + Keys.num(slot) + "|"),
                0,
                MAX_SLOT_SUBMISSIONS,
                v -> items.add(fates.of((ObjectNode) parse(v))));
        ObjectNode out = json.createObjectNode();
        out.put("total", total);
        out.set("submissions", items);
        out.set("epoch", summary(pk));
        return out;
    }

    private JsonNode epochSubmissions(String pk, int offset, int limit) {
        ReadOnlyKeyValueStore<String, String> details = store(UpdateState.DETAILS);
        Fates fates = new Fates(details, pk);
        ArrayNode items = json.createArrayNode();
        int total =
                scan(details, Keys.detail(pk, "s|"), offset, limit, v -> items.add(fates.of((ObjectNode) parse(v))));
        ObjectNode out = json.createObjectNode();
        out.put("total", total);
        out.set("items", items);
        return out;
    }

    /** Discarded submissions of an epoch grouped by project (recorded by the accounting stage, or derived). */
    private JsonNode discardedByEpoch(String pk) {
        ReadOnlyKeyValueStore<String, String> details = store(UpdateState.DETAILS);
        Fates fates = new Fates(details, pk);
        Map<String, ObjectNode> byProject = new java.util.TreeMap<>();
        scan(details, Keys.detail(pk, "s|"), 0, Integer.MAX_VALUE, v -> {
            ObjectNode s = fates.of((ObjectNode) parse(v));
            if (!"discarded".equals(s.path("fate").asText())
                    && !"unfinalized".equals(s.path("fate").asText())) {
                return;
            }
            String project = s.path("projectID").asText();
            ObjectNode p = byProject.computeIfAbsent(project, k -> {
                ObjectNode n = json.createObjectNode();
                n.put("projectID", k);
                JsonNode w = s.get("winningCID");
                n.set("mostFrequentSnapshotCID", w == null ? NullNode.getInstance() : w);
                n.put("discardedSubmissionCount", 0);
                n.putObject("discardedSubmissions");
                return n;
            });
            p.put("discardedSubmissionCount", p.path("discardedSubmissionCount").asInt() + 1);
            ObjectNode bySlot = (ObjectNode) p.get("discardedSubmissions");
            String slot = s.path("slotID").asText();
            ArrayNode cids = bySlot.has(slot) ? (ArrayNode) bySlot.get(slot) : bySlot.putArray(slot);
            cids.add(s.path("snapshotCID").asText());
        });
        ArrayNode out = json.createArrayNode();
        byProject.values().forEach(out::add);
        return out;
    }

    private JsonNode globalView(String pk) {
        ObjectNode out = json.createObjectNode();
        JsonNode sum = summary(pk);
        for (String f : new String[] {"bridgeRejected", "jobRejectedWithoutEpoch", "undecodable"}) {
            out.set(f, sum.has(f) ? sum.get(f) : json.createObjectNode());
        }
        ArrayNode recent = json.createArrayNode();
        try (KeyValueIterator<String, String> it =
                store(UpdateState.DETAILS).reverseRange(Keys.detail(pk, "r|"), Keys.detail(pk, "r|~"))) {
            while (it.hasNext() && recent.size() < 100) {
                recent.add(parse(it.next().value));
            }
        }
        out.set("recent", recent);
        return out;
    }

    /**
     * The latest {@code limit} epochs of each local partition (a range over all local partitions at once would
     * concatenate them, not merge them; the caller merges).
     */
    private JsonNode epochsAll(String market, long before, int limit) {
        String from = Keys.epoch(market, 0);
        String to = before > 0 ? Keys.epoch(market, before - 1) : "E|" + Keys.market(market) + "|~";
        ArrayNode out = json.createArrayNode();
        for (int p = 0; p < partitions; p++) {
            ReadOnlyKeyValueStore<String, String> store;
            try {
                store = streams.store(StoreQueryParameters.fromNameAndType(
                                UpdateState.SUMMARIES, QueryableStoreTypes.<String, String>keyValueStore())
                        .withPartition(p));
            } catch (InvalidStateStoreException e) {
                continue; // not a partition of this instance
            }
            int n = 0;
            try (KeyValueIterator<String, String> it = store.reverseRange(from, to)) {
                while (it.hasNext() && n++ < limit) {
                    out.add(parse(it.next().value));
                }
            } catch (InvalidStateStoreException e) {
                // moved away meanwhile: its new holder answers
            }
        }
        return out;
    }

    private JsonNode marketsAll() {
        ArrayNode out = json.createArrayNode();
        try (KeyValueIterator<String, String> it = store(UpdateState.SUMMARIES).range("M|", "M|~")) {
            while (it.hasNext()) {
                out.add(parse(it.next().value));
            }
        }
        return out;
    }

    /** Entries of {@code pk} whose sub key starts with {@code sub}: {total, items[offset, offset+limit)}. */
    private JsonNode prefix(String pk, String sub, int offset, int limit) {
        ArrayNode items = json.createArrayNode();
        int total = scan(store(UpdateState.DETAILS), Keys.detail(pk, sub), offset, limit, v -> items.add(parse(v)));
        ObjectNode out = json.createObjectNode();
        out.put("total", total);
        out.set("items", items);
        return out;
    }

    /** Calls {@code each} for the values in [offset, offset+limit) under {@code prefix}; returns how many there are. */
    private static int scan(
            ReadOnlyKeyValueStore<String, String> store,
            String prefix,
            int offset,
            int limit,
            java.util.function.Consumer<String> each) {
        int n = 0;
        try (KeyValueIterator<String, String> it =
                store.prefixScan(prefix, new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (n >= offset && n - offset < limit) {
                    each.accept(kv.value);
                }
                n++;
            }
        }
        return n;
    }

    JsonNode parse(String v) {
        if (v == null) {
            return NullNode.getInstance();
        }
        try {
            return json.readTree(v);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What became of each submission, from the epoch's entries (one partition: all local). */
    private final class Fates {
        private final ReadOnlyKeyValueStore<String, String> details;
        private final String pk;
        private final Map<String, JsonNode> projects = new HashMap<>();
        private final Map<Integer, JsonNode> batches = new HashMap<>();

        Fates(ReadOnlyKeyValueStore<String, String> details, String pk) {
            this.details = details;
            this.pk = pk;
        }

        ObjectNode of(ObjectNode e) {
            ObjectNode s = json.createObjectNode();
            s.put("submissionID", e.path("sid").asText());
            s.put("slotID", e.path("slot").asLong());
            s.put("projectID", e.path("project").asText());
            if (e.has("cid")) {
                s.put("snapshotCID", e.path("cid").asText());
            }
            if (e.has("at")) {
                s.put("receivedAtMs", e.path("at").asLong());
            } else if (e.has("rejectedAt")) {
                s.put("receivedAtMs", e.path("rejectedAt").asLong());
            }
            if (e.has("nv")) {
                s.put("nodeVersion", e.path("nv").asText());
            }
            if (e.has("reason")) {
                String reason = e.path("reason").asText();
                s.put("fate", "REPLACED".equals(reason) ? "replaced" : "rejected");
                s.put("reason", reason);
                s.put("detail", e.path("detail").asText());
                return s;
            }
            JsonNode p = projects.computeIfAbsent(
                    e.path("project").asText(), k -> parse(details.get(Keys.detail(pk, "p|" + k))));
            if (e.path("discarded").asBoolean()) {
                s.put("fate", e.has("winningCid") ? "discarded" : "unfinalized");
                if (e.has("winningCid")) {
                    s.put("winningCID", e.path("winningCid").asText());
                }
                return s;
            }
            if (p.isNull() || !p.has("status")) {
                s.put("fate", "pending");
                return s;
            }
            if (!"FINALIZED".equals(p.path("status").asText())) {
                s.put("fate", "unfinalized");
                return s;
            }
            String winner = p.path("snapshotCid").asText();
            s.put("winningCID", winner);
            s.put("winnerCount", p.path("winnerCount").asInt());
            if (!winner.equals(e.path("cid").asText())) {
                s.put("fate", "discarded");
                return s;
            }
            if (!p.has("batchIndex")) {
                s.put("fate", "finalized");
                return s;
            }
            int index = p.path("batchIndex").asInt();
            JsonNode b = batches.computeIfAbsent(
                    index, i -> parse(details.get(Keys.detail(pk, "b|" + String.format("%06d", i)))));
            s.put("fate", "batched");
            s.put("batchIndex", index);
            s.put("batchCID", b.path("batchCid").asText(p.path("batchCid").asText()));
            s.put("batchStatus", b.path("status").asText());
            if (b.has("txHash")) {
                s.put("txHash", b.path("txHash").asText());
            }
            return s;
        }
    }
}
