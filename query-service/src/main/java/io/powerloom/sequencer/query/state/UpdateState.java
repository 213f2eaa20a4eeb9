package io.powerloom.sequencer.query.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies routed events to the two stores (see {@link Keys}). Every update is an upsert or a counter bumped only when
 * the fact is new (a submission ID seen for the first time, a reason set for the first time), so the state is the same
 * whatever order the input topics interleave in. Kafka Streams runs this exactly once (changelogs and the consumed
 * offsets commit in one transaction), so a restart neither loses nor repeats an update.
 */
public final class UpdateState implements Processor<String, byte[], Void, Void> {
    /** Store of one JSON value per partition key. */
    public static final String SUMMARIES = "query-summaries";
    /** Store of {@code <partition key>|<sub key>} entries. */
    public static final String DETAILS = "query-details";
    /** How many records of input without an epoch are kept (the oldest go first); counts are kept for all. */
    static final int RECENT_GLOBAL = 500;

    /** Sub key of the details store holding when an epoch or day key last changed (no view's prefix matches it). */
    static final String TOUCHED = "~touched";

    private static final long DAY_MS = 86_400_000L;

    private final int retentionDays;
    private final java.time.Duration retentionCheck;
    private final StateVersions versions;
    private KeyValueStore<String, String> summaries;
    private KeyValueStore<String, String> details;
    private ProcessorContext<Void, Void> context;

    /** Keeps everything (no retention). */
    public UpdateState() {
        this(0, java.time.Duration.ofMinutes(10), new StateVersions());
    }

    /**
     * @param retentionDays  epochs and days not updated for this many days of stream time are removed, and a slot's
     *                       per-day entries more than this many days older than its latest day; 0 keeps everything
     * @param retentionCheck how often (in stream time) the stores are checked
     * @param versions       told of every change, after it is written (answers kept as bytes are checked against it)
     */
    public UpdateState(int retentionDays, java.time.Duration retentionCheck, StateVersions versions) {
        this.retentionDays = retentionDays;
        this.retentionCheck = retentionCheck;
        this.versions = versions;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        summaries = context.getStateStore(SUMMARIES);
        details = context.getStateStore(DETAILS);
        if (retentionDays > 0) {
            // stream time, not wall-clock time: the same input leaves the same state, whenever it is replayed
            context.schedule(
                    retentionCheck, org.apache.kafka.streams.processor.PunctuationType.STREAM_TIME, this::prune);
        }
    }

    /**
     * Removes epochs and days (their summary and every detail entry) whose last change is older than the horizon in
     * stream time, and each slot's per-day entries (counts, discarded submissions) of days more than
     * {@code retentionDays} before the slot's latest day. Markets, slots' summaries and the bounded input-without-epoch
     * records stay.
     */
    void prune(long streamTimeMs) {
        long horizon = streamTimeMs - retentionDays * DAY_MS;
        java.util.List<String> gone = new java.util.ArrayList<>();
        try (org.apache.kafka.streams.state.KeyValueIterator<String, String> it = summaries.all()) {
            while (it.hasNext()) {
                String pk = it.next().key;
                char kind = pk.charAt(0);
                if (kind == 'E' || kind == 'D') {
                    String t = details.get(Keys.detail(pk, TOUCHED));
                    if (t != null && Long.parseLong(t) < horizon) {
                        gone.add(pk);
                    }
                }
            }
        }
        for (String pk : gone) {
            java.util.List<String> keys = new java.util.ArrayList<>();
            try (org.apache.kafka.streams.state.KeyValueIterator<String, String> it =
                    details.prefixScan(pk + "|", new org.apache.kafka.common.serialization.StringSerializer())) {
                while (it.hasNext()) {
                    keys.add(it.next().key);
                }
            }
            keys.forEach(details::delete);
            summaries.delete(pk);
        }
        pruneSlotDays();
        versions.changedAll();
    }

    /**
     * Slots' {@code day|<market>|<day>} and {@code disc|<market>|<day>|…} entries of days more than
     * {@code retentionDays} before the slot's latest day in that market (a slot may have these entries without a
     * summary: they are found in the details store).
     */
    private void pruneSlotDays() {
        java.util.Map<String, Long> latest = new java.util.HashMap<>();
        java.util.List<String[]> entries = new java.util.ArrayList<>();
        int slotKey = Keys.slot(0).length();
        try (org.apache.kafka.streams.state.KeyValueIterator<String, String> it = details.range("S|", "S|~")) {
            while (it.hasNext()) {
                String key = it.next().key;
                if (key.length() <= slotKey + 1) {
                    continue;
                }
                String[] parts = key.substring(slotKey + 1).split("\\|", 4); // kind, market, day, rest
                if (parts.length >= 3 && (parts[0].equals("day") || parts[0].equals("disc"))) {
                    String slotMarket = key.substring(0, slotKey) + "|" + parts[1];
                    long day = Long.parseLong(parts[2]);
                    latest.merge(slotMarket, day, Math::max);
                    entries.add(new String[] {key, slotMarket, parts[2]});
                }
            }
        }
        for (String[] e : entries) {
            if (Long.parseLong(e[2]) < latest.get(e[1]) - retentionDays) {
                details.delete(e[0]);
            }
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String pk = record.key();
        ObjectNode e;
        try {
            e = (ObjectNode) RouteInput.JSON.readTree(record.value());
        } catch (IOException | ClassCastException ex) {
            return; // written by RouteInput: cannot happen
        }
        ObjectNode sum = get(summaries, pk);
        if (retentionDays > 0 && (pk.charAt(0) == 'E' || pk.charAt(0) == 'D')) {
            details.put(Keys.detail(pk, TOUCHED), Long.toString(record.timestamp()));
        }
        boolean changed = switch (pk.charAt(0)) {
            case 'E' -> epoch(pk, sum, e);
            case 'S' -> slot(pk, sum, e);
            case 'D' -> day(pk, sum, e);
            case 'M' -> market(sum, e);
            default -> global(pk, sum, e);
        };
        if (changed) {
            summaries.put(pk, canonical(sum));
        }
        versions.changed(pk);
    }

    /**
     * The stored text of a summary or detail: object keys in sorted order at every level. Updates arrive from several
     * topics in an order that differs between instances and runs (a release before or after the first submission);
     * fields added in arrival order would make the same state answer with different bytes.
     */
    static String canonical(JsonNode node) {
        return sorted(node).toString();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = RouteInput.JSON.createObjectNode();
            java.util.List<String> names = new java.util.ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            for (String name : names) {
                out.set(name, sorted(o.get(name)));
            }
            return out;
        }
        if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            com.fasterxml.jackson.databind.node.ArrayNode out = RouteInput.JSON.createArrayNode();
            a.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return node;
    }

    // ---------------------------------------------------------------- epoch

    private boolean epoch(String pk, ObjectNode sum, ObjectNode e) {
        String k = e.path("k").asText();
        if (!sum.has("epoch")) {
            String[] parts = pk.split("\\|", 3);
            sum.put("market", parts[1]);
            sum.put("epoch", Long.parseLong(parts[2]));
        }
        switch (k) {
            case Event.SUBMISSION -> {
                String dk = Keys.detail(
                        pk,
                        "s|" + Keys.num(e.path("slot").asLong()) + "|"
                                + e.path("sid").asText());
                ObjectNode entry = get(details, dk);
                if (entry.has("at")) {
                    return false;
                }
                fill(entry, e, "sid", "slot", "project", "cid", "peer", "nv");
                entry.put("at", e.path("at").asLong());
                details.put(dk, canonical(entry));
                inc(sum, "submissions");
                String ak = Keys.detail(pk, "a|" + Keys.num(e.path("slot").asLong()));
                if (details.get(ak) == null) {
                    details.put(ak, "1");
                    inc(sum, "activeSlots");
                }
                return true;
            }
            case Event.REJECTED -> {
                String dk = Keys.detail(
                        pk,
                        "s|" + Keys.num(e.path("slot").asLong()) + "|"
                                + e.path("sid").asText());
                ObjectNode entry = get(details, dk);
                if (entry.has("reason")) {
                    return false;
                }
                fill(entry, e, "sid", "slot", "project", "peer");
                entry.put("reason", e.path("reason").asText());
                entry.put("detail", e.path("detail").asText());
                if (!entry.has("rejectedAt")) {
                    entry.put("rejectedAt", e.path("at").asLong());
                }
                details.put(dk, canonical(entry));
                ObjectNode reasons = sum.has("rejected") ? (ObjectNode) sum.get("rejected") : sum.putObject("rejected");
                inc(reasons, e.path("reason").asText());
                return true;
            }
            case Event.DISCARDED -> {
                String dk = Keys.detail(
                        pk,
                        "s|" + Keys.num(e.path("slotId").asLong()) + "|"
                                + e.path("submissionId").asText());
                ObjectNode entry = get(details, dk);
                if (entry.has("discarded")) {
                    return false;
                }
                entry.put("discarded", true);
                if (!entry.has("sid")) {
                    entry.put("sid", e.path("submissionId").asText());
                    entry.put("slot", e.path("slotId").asLong());
                    entry.put("project", e.path("projectId").asText());
                }
                if (!entry.has("cid")) {
                    entry.put("cid", e.path("snapshotCid").asText());
                }
                JsonNode w = e.get("winningCid");
                if (w != null && !w.isNull()) {
                    entry.put("winningCid", w.asText());
                }
                entry.put("day", e.path("day").asLong());
                details.put(dk, canonical(entry));
                inc(sum, "discarded");
                sum.put("day", e.path("day").asLong());
                return true;
            }
            case Event.FINALIZED -> {
                String dk = Keys.detail(pk, "p|" + e.path("projectId").asText());
                ObjectNode old = get(details, dk);
                ObjectNode p = e.deepCopy();
                p.remove("k");
                if (old.has("batchIndex")) {
                    p.set("batchIndex", old.get("batchIndex"));
                    p.set("batchCid", old.get("batchCid"));
                }
                details.put(dk, canonical(p));
                if (!old.has("status")) {
                    inc(sum, "projects");
                    inc(
                            sum,
                            "FINALIZED".equals(p.path("status").asText())
                                    ? "finalizedProjects"
                                    : "unfinalizedProjects");
                }
                sum.put("windowOpenMs", p.path("windowOpenMs").asLong());
                sum.put("windowCloseMs", p.path("windowCloseMs").asLong());
                return true;
            }
            case Event.BATCH -> {
                int index = e.path("batchIndex").asInt();
                String dk = Keys.detail(pk, "b|" + String.format("%06d", index));
                ObjectNode old = get(details, dk);
                ObjectNode b = e.deepCopy();
                b.remove("k");
                details.put(dk, canonical(b));
                JsonNode projects = b.path("projectIds");
                for (JsonNode project : projects) {
                    String pkey = Keys.detail(pk, "p|" + project.asText());
                    ObjectNode p = get(details, pkey);
                    p.put("batchIndex", index);
                    if (b.has("batchCid")) {
                        p.put("batchCid", b.path("batchCid").asText());
                    }
                    details.put(pkey, canonical(p));
                }
                if (!old.has("status")) {
                    inc(sum, "batchesSeen");
                }
                sum.put("batchCount", b.path("batchCount").asInt());
                ObjectNode statuses =
                        sum.has("batchStatus") ? (ObjectNode) sum.get("batchStatus") : sum.putObject("batchStatus");
                if (old.has("status")) {
                    statuses.put(
                            old.path("status").asText(),
                            statuses.path(old.path("status").asText()).asInt() - 1);
                }
                inc(statuses, b.path("status").asText());
                sum.put("windowCloseMs", b.path("windowCloseMs").asLong());
                if (b.has("commitLatencyMs")) {
                    long latency = b.path("commitLatencyMs").asLong();
                    if (latency > sum.path("commitLatencyMs").asLong(-1)) {
                        sum.put("commitLatencyMs", latency);
                    }
                }
                return true;
            }
            case Event.EPOCH_END -> {
                ObjectNode end = e.deepCopy();
                end.remove("k");
                sum.set("end", end);
                sum.put("batchCount", e.path("batchCount").asInt());
                return true;
            }
            case Event.RELEASE -> {
                ObjectNode rel = e.deepCopy();
                rel.remove("k");
                rel.remove("market");
                rel.remove("epoch");
                sum.set("released", rel);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- slot

    private boolean slot(String pk, ObjectNode sum, ObjectNode e) {
        if (!sum.has("slot")) {
            sum.put("slot", Long.parseLong(pk.substring(2)));
        }
        switch (e.path("k").asText()) {
            case Event.SUBMISSION -> {
                String field = e.path("epoch").asLong() == 0 ? "lastSimulated" : "lastSnapshot";
                long at = e.path("at").asLong();
                if (sum.path(field).path("at").asLong(Long.MIN_VALUE) > at) {
                    return false;
                }
                ObjectNode last = sum.putObject(field);
                fill(last, e, "sid", "market", "epoch", "project", "cid", "nv", "peer");
                last.put("at", at);
                if (sum.path("nodeVersionAt").asLong(Long.MIN_VALUE) <= at) {
                    sum.put("nodeVersionAt", at);
                    if (e.has("nv")) {
                        sum.put("nodeVersion", e.path("nv").asText());
                    } else {
                        sum.remove("nodeVersion");
                    }
                }
                return true;
            }
            case Event.SLOT_COUNT -> {
                String dk = Keys.detail(
                        pk,
                        "day|" + e.path("dataMarket").asText() + "|"
                                + Keys.num(e.path("day").asLong()));
                ObjectNode day = get(details, dk);
                if (day.path("epochId").asLong(Long.MIN_VALUE)
                        > e.path("epochId").asLong()) {
                    return false; // counts are absolute: an older update does not replace a newer one
                }
                for (String f : new String[] {
                    "count", "eligible", "kind", "status", "epochId", "txHash", "blockNumber", "detail"
                }) {
                    if (e.has(f)) {
                        day.set(f, e.get(f));
                    } else {
                        day.remove(f);
                    }
                }
                day.put("day", e.path("day").asLong());
                details.put(dk, canonical(day));
                return false;
            }
            case Event.DISCARDED -> {
                String market = e.path("dataMarket").asText();
                String dayNum = Keys.num(e.path("day").asLong());
                String xk = Keys.detail(
                        pk,
                        "disc|" + market + "|" + dayNum + "|"
                                + Keys.num(e.path("epochId").asLong()) + "|"
                                + e.path("submissionId").asText());
                if (details.get(xk) != null) {
                    return false;
                }
                ObjectNode x = e.deepCopy();
                x.remove("k");
                details.put(xk, canonical(x));
                String dk = Keys.detail(pk, "day|" + market + "|" + dayNum);
                ObjectNode day = get(details, dk);
                day.put("day", e.path("day").asLong());
                inc(day, "discarded");
                details.put(dk, canonical(day));
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- day, market, global

    private boolean day(String pk, ObjectNode sum, ObjectNode e) {
        if (!sum.has("day")) {
            String[] parts = pk.split("\\|", 3);
            sum.put("market", parts[1]);
            sum.put("day", Long.parseLong(parts[2]));
        }
        switch (e.path("k").asText()) {
            case Event.SLOT_COUNT -> {
                String dk = Keys.detail(pk, "s|" + Keys.num(e.path("slotId").asLong()));
                ObjectNode old = get(details, dk);
                if (old.path("epochId").asLong(Long.MIN_VALUE)
                        > e.path("epochId").asLong()) {
                    return false;
                }
                ObjectNode c = e.deepCopy();
                c.remove("k");
                c.remove("dataMarket");
                details.put(dk, canonical(c));
                if (!old.has("slotId")) {
                    inc(sum, "slots");
                }
                boolean wasEligible = old.path("eligible").asBoolean(false);
                boolean eligible = c.path("eligible").asBoolean(false);
                if (wasEligible != eligible) {
                    sum.put("eligibleSlots", sum.path("eligibleSlots").asLong() + (eligible ? 1 : -1));
                }
                return true;
            }
            case Event.DAY_ELIGIBLE -> {
                ObjectNode c = e.deepCopy();
                c.remove("k");
                c.remove("dataMarket");
                sum.set("eligibleCommit", c);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean market(ObjectNode sum, ObjectNode e) {
        String k = e.path("k").asText();
        String market = e.has("market")
                ? e.path("market").asText()
                : e.path("dataMarket").asText();
        sum.put("market", Keys.market(market));
        boolean changed = false;
        if (Event.RELEASE.equals(k) && !e.path("removed").asBoolean()) {
            long epoch = e.path("epoch").asLong();
            if (epoch > sum.path("latestEpoch").asLong(0)) {
                sum.put("latestEpoch", epoch);
                changed = true;
            }
            if (!sum.has("firstEpoch")) {
                sum.put("firstEpoch", epoch);
                changed = true;
            }
        }
        if (Event.DAY_STARTED.equals(k)) {
            // the chain's current day: the latest day start seen; a retracted one is forgotten (the day before it,
            // if its start was seen, is current again)
            long day = e.path("startedDay").asLong();
            ObjectNode starts = sum.has("dayStarts") ? (ObjectNode) sum.get("dayStarts") : sum.putObject("dayStarts");
            if (e.path("removed").asBoolean()) {
                if (starts.remove(Long.toString(day)) == null) {
                    return false;
                }
            } else {
                starts.put(Long.toString(day), e.path("epoch").asLong());
            }
            // keep the latest few starts only: retractions go back a few blocks, not days
            while (starts.size() > 8) {
                String oldest = null;
                for (java.util.Iterator<String> it = starts.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (oldest == null || Long.parseLong(f) < Long.parseLong(oldest)) {
                        oldest = f;
                    }
                }
                starts.remove(oldest);
            }
            long current = 0;
            for (java.util.Iterator<String> it = starts.fieldNames(); it.hasNext(); ) {
                current = Math.max(current, Long.parseLong(it.next()));
            }
            if (current > 0) {
                sum.put("currentDay", current);
            } else {
                sum.remove("currentDay");
            }
            return true;
        }
        if (e.has("day")) {
            long day = e.path("day").asLong();
            if (day > sum.path("latestDay").asLong(0)) {
                sum.put("latestDay", day);
                changed = true;
            }
        }
        return changed;
    }

    private boolean global(String pk, ObjectNode sum, ObjectNode e) {
        String k = e.path("k").asText();
        String group = switch (k) {
            case Event.BRIDGE_REJECTED -> "bridgeRejected";
            case Event.REJECTED -> "jobRejectedWithoutEpoch";
            default -> "undecodable";
        };
        ObjectNode counts = sum.has(group) ? (ObjectNode) sum.get(group) : sum.putObject(group);
        inc(
                counts,
                Event.UNDECODABLE.equals(k)
                        ? e.path("input").asText()
                        : e.path("reason").asText());
        long seq = sum.path("seq").asLong() + 1;
        sum.put("seq", seq);
        ObjectNode entry = e.deepCopy();
        entry.put("group", group);
        details.put(Keys.detail(pk, "r|" + Keys.num(seq)), canonical(entry));
        if (seq > RECENT_GLOBAL) {
            details.delete(Keys.detail(pk, "r|" + Keys.num(seq - RECENT_GLOBAL)));
        }
        return true;
    }

    // ---------------------------------------------------------------- helpers

    static ObjectNode get(KeyValueStore<String, String> store, String key) {
        String v = store.get(key);
        if (v == null || v.length() < 2) {
            return RouteInput.JSON.createObjectNode();
        }
        try {
            return (ObjectNode) RouteInput.JSON.readTree(v);
        } catch (IOException e) {
            throw new IllegalStateException("store value is not JSON: " + key, e);
        }
    }

    private static void fill(ObjectNode target, ObjectNode source, String... fields) {
        for (String f : fields) {
            if (source.has(f) && !target.has(f)) {
                target.set(f, source.get(f));
            }
        }
    }

    private static void inc(ObjectNode n, String field) {
        n.put(field, n.path(field).asLong() + 1);
    }
}
