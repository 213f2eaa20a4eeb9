package io.powerloom.sequencer.query.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.records.SubmissionTopicRecord;
import io.powerloom.sequencer.protocol.records.Topics;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import io.powerloom.sequencer.query.QueryMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads one input topic and routes each record, as a small normalized JSON event ({@link Event}), to the partition
 * keys ({@link Keys}) of the facts it touches. A record that cannot be decoded goes to {@link Keys#GLOBAL} as an
 * {@link Event#UNDECODABLE} event, counted; it never stops the service.
 */
public final class RouteInput implements Processor<byte[], byte[], String, byte[]> {

    /** The kinds of input topic. */
    public enum Input {
        SUBMISSIONS,
        PROTOCOL_CHAIN,
        FINALIZED,
        BATCHES,
        REJECTED,
        BRIDGE_REJECTS,
        SLOT_COUNTS,
        DISCARDED
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final Input input;
    private final QueryMetrics metrics;
    private ProcessorContext<String, byte[]> context;

    public RouteInput(Input input, QueryMetrics metrics) {
        this.input = input;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        List<Routed> out;
        try {
            out = route(input, record.key(), record.value(), record.timestamp());
        } catch (BadInput e) {
            metrics.undecodable(input.name());
            ObjectNode bad = JSON.createObjectNode();
            bad.put("k", Event.UNDECODABLE);
            bad.put("input", input.name().toLowerCase(Locale.ROOT));
            bad.put("detail", e.getMessage());
            bad.put("at", record.timestamp());
            out = List.of(new Routed(Keys.GLOBAL, bad));
        }
        for (Routed r : out) {
            metrics.routed(r.event().path("k").asText());
            context.forward(record.withKey(r.partitionKey()).withValue(bytes(r.event())));
        }
    }

    /** One routed event. */
    public record Routed(String partitionKey, ObjectNode event) {}

    /** The events of one input record (empty for records nobody asks about, e.g. heartbeats and block heads). */
    static List<Routed> route(Input input, byte[] key, byte[] value, long timestamp) throws BadInput {
        if (value == null) {
            return List.of();
        }
        List<Routed> out = new ArrayList<>(3);
        switch (input) {
            case SUBMISSIONS -> submission(key, value, out);
            case PROTOCOL_CHAIN -> chain(value, out);
            case FINALIZED -> finalized(value, timestamp, out);
            case BATCHES -> batch(value, timestamp, out);
            case REJECTED -> rejected(value, out);
            case BRIDGE_REJECTS -> bridgeRejected(value, out);
            case SLOT_COUNTS -> slotCount(value, out);
            case DISCARDED -> discarded(value, out);
            default -> throw new IllegalStateException(input.name());
        }
        return out;
    }

    private static void submission(byte[] key, byte[] value, List<Routed> out) throws BadInput {
        if (key != null && Topics.HEARTBEAT_KEY.equals(new String(key, StandardCharsets.UTF_8))) {
            return;
        }
        SubmissionTopicRecord r;
        try {
            r = RecordCodec.decodeSubmissionTopic(value);
        } catch (RecordFormatException e) {
            throw new BadInput("submissions record: " + e.getMessage());
        }
        if (!(r instanceof SubmissionEnvelope env)) {
            return;
        }
        SnapshotSubmission s;
        try {
            s = SubmissionCodec.fromGoJson(env.submission().getBytes(StandardCharsets.UTF_8));
        } catch (WireFormatException e) {
            // the job rejects it with a reason (MALFORMED_SUBMISSION), which is what the views show
            return;
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("k", Event.SUBMISSION);
        e.put("sid", env.submissionId());
        e.put("peer", env.peerId());
        e.put("at", env.receivedAtMs());
        e.put("market", Keys.market(s.dataMarket()));
        e.put("slot", s.request().slotId());
        e.put("epoch", s.request().epochId());
        e.put("project", s.request().projectId());
        e.put("cid", s.request().snapshotCid());
        if (s.nodeVersion() != null) {
            e.put("nv", s.nodeVersion());
        }
        if (s.request().epochId() != 0) {
            out.add(new Routed(Keys.epoch(s.dataMarket(), s.request().epochId()), e));
        }
        out.add(new Routed(Keys.slot(s.request().slotId()), e));
    }

    private static void chain(byte[] value, List<Routed> out) throws BadInput {
        JsonNode n = tree(value);
        String type = n.path("type").asText();
        if (!"epochReleased".equals(type) && !"dayStarted".equals(type)) {
            return; // blocks, slot assignments and record types of later writers are not needed here
        }
        ChainTopicRecord r;
        try {
            r = RecordCodec.decodeChainTopic(value);
        } catch (RecordFormatException e) {
            throw new BadInput("protocol-chain record: " + e.getMessage());
        }
        if (r instanceof DayStarted d) {
            ObjectNode e = JSON.createObjectNode();
            e.put("k", Event.DAY_STARTED);
            e.put("market", d.dataMarket());
            e.put("startedDay", d.dayId());
            e.put("epoch", d.epochId());
            e.put("removed", d.removed());
            out.add(new Routed(Keys.marketKey(d.dataMarket()), e));
            return;
        }
        EpochReleased rel = (EpochReleased) r;
        ObjectNode e = JSON.createObjectNode();
        e.put("k", Event.RELEASE);
        e.put("market", rel.dataMarket());
        e.put("epoch", rel.epochId());
        e.put("at", rel.observedAtMs());
        e.put("begin", rel.begin());
        e.put("end", rel.end());
        e.put("chainTimestamp", rel.chainTimestamp());
        e.put("blockNumber", rel.blockNumber());
        e.put("txHash", rel.txHash());
        e.put("window", rel.snapshotSubmissionWindow());
        e.put("batchWindow", rel.batchSubmissionWindow());
        e.put("removed", rel.removed());
        out.add(new Routed(Keys.epoch(rel.dataMarket(), rel.epochId()), e));
        out.add(new Routed(Keys.marketKey(rel.dataMarket()), e));
    }

    private static void finalized(byte[] value, long ts, List<Routed> out) throws BadInput {
        ObjectNode n = object(value, "projectEpoch", "finalized");
        String market = text(n, "dataMarket");
        long epoch = number(n, "epochId");
        text(n, "projectId");
        n.remove("submissionIds");
        n.remove("v");
        n.remove("type");
        n.put("k", Event.FINALIZED);
        n.put("ts", ts);
        out.add(new Routed(Keys.epoch(market, epoch), n));
    }

    private static void batch(byte[] value, long ts, List<Routed> out) throws BadInput {
        JsonNode t = tree(value);
        String type = t.path("type").asText();
        ObjectNode n = object(value, "batch".equals(type) ? "batch" : "epochEnd", "batches");
        String market = text(n, "dataMarket");
        long epoch = number(n, "epochId");
        if ("batch".equals(type)) {
            number(n, "batchIndex");
        }
        n.remove("v");
        n.remove("type");
        n.put("k", "batch".equals(type) ? Event.BATCH : Event.EPOCH_END);
        n.put("ts", ts);
        out.add(new Routed(Keys.epoch(market, epoch), n));
    }

    private static void rejected(byte[] value, List<Routed> out) throws BadInput {
        ObjectNode n = object(value, "rejected", "rejected");
        ObjectNode e = JSON.createObjectNode();
        e.put("k", Event.REJECTED);
        e.put("sid", text(n, "submissionId"));
        e.put("reason", text(n, "reason"));
        e.put("detail", n.path("detail").asText(""));
        e.put("at", n.path("receivedAtMs").asLong());
        String market = n.path("dataMarket").asText("");
        e.put("market", Keys.market(market));
        if (n.has("projectId")) {
            e.put("project", n.path("projectId").asText());
        }
        if (n.has("peerId")) {
            e.put("peer", n.path("peerId").asText());
        }
        if (n.has("epochId")) {
            e.put("slot", n.path("slotId").asLong());
            e.put("epoch", n.path("epochId").asLong());
        }
        long epoch = n.path("epochId").asLong(0);
        if (!market.isEmpty() && epoch != 0 && epoch != -1) {
            out.add(new Routed(Keys.epoch(market, epoch), e));
        } else {
            out.add(new Routed(Keys.GLOBAL, e));
        }
    }

    private static void bridgeRejected(byte[] value, List<Routed> out) throws BadInput {
        ObjectNode n = object(value, "rejected", "submissions-rejected");
        ObjectNode e = JSON.createObjectNode();
        e.put("k", Event.BRIDGE_REJECTED);
        e.put("reason", text(n, "reason"));
        e.put("detail", n.path("detail").asText(""));
        e.put("peer", n.path("peerId").asText(""));
        JsonNode sid = n.get("submissionId");
        if (sid != null && !sid.isNull()) {
            e.put("sid", sid.asText());
        }
        e.put("at", n.path("receivedAtMs").asLong());
        e.put("bridgeId", n.path("bridgeId").asText(""));
        e.put("rawLength", n.path("rawLength").asLong());
        out.add(new Routed(Keys.GLOBAL, e));
    }

    private static void slotCount(byte[] value, List<Routed> out) throws BadInput {
        JsonNode t = tree(value);
        String type = t.path("type").asText();
        if ("slotCount".equals(type)) {
            ObjectNode n = object(value, "slotCount", "slot-counts");
            String market = text(n, "dataMarket");
            long day = number(n, "day");
            long slot = number(n, "slotId");
            number(n, "count");
            n.remove("v");
            n.remove("type");
            n.put("k", Event.SLOT_COUNT);
            n.put("dataMarket", Keys.market(market));
            out.add(new Routed(Keys.slot(slot), n));
            out.add(new Routed(Keys.day(market, day), n));
            out.add(new Routed(Keys.marketKey(market), n));
        } else if ("dayEligible".equals(type)) {
            ObjectNode n = object(value, "dayEligible", "slot-counts");
            String market = text(n, "dataMarket");
            long day = number(n, "day");
            number(n, "eligibleNodes");
            n.remove("v");
            n.remove("type");
            n.put("k", Event.DAY_ELIGIBLE);
            n.put("dataMarket", Keys.market(market));
            out.add(new Routed(Keys.day(market, day), n));
            out.add(new Routed(Keys.marketKey(market), n));
        } else {
            throw new BadInput("slot-counts record of unknown type \"" + type + "\"");
        }
    }

    private static void discarded(byte[] value, List<Routed> out) throws BadInput {
        ObjectNode n = object(value, "discarded", "discarded");
        String market = text(n, "dataMarket");
        long epoch = number(n, "epochId");
        number(n, "day");
        long slot = number(n, "slotId");
        text(n, "submissionId");
        text(n, "projectId");
        n.remove("v");
        n.remove("type");
        n.put("k", Event.DISCARDED);
        n.put("dataMarket", Keys.market(market));
        out.add(new Routed(Keys.epoch(market, epoch), n));
        out.add(new Routed(Keys.slot(slot), n));
        out.add(new Routed(Keys.marketKey(market), n));
    }

    // ---- strict little readers ----

    private static JsonNode tree(byte[] value) throws BadInput {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject()) {
                throw new BadInput("not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new BadInput("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static ObjectNode object(byte[] value, String type, String topic) throws BadInput {
        ObjectNode n = (ObjectNode) tree(value);
        if (n.path("v").asInt() != 1 || !type.equals(n.path("type").asText())) {
            throw new BadInput(topic + " record is not a version-1 \"" + type + "\" record");
        }
        return n;
    }

    private static String text(JsonNode n, String field) throws BadInput {
        JsonNode f = n.get(field);
        if (f == null || !f.isTextual() || f.asText().isEmpty()) {
            throw new BadInput("field \"" + field + "\" missing or not a string");
        }
        return f.asText();
    }

    private static long number(JsonNode n, String field) throws BadInput {
        JsonNode f = n.get(field);
        if (f == null || !f.isIntegralNumber()) {
            throw new BadInput("field \"" + field + "\" missing or not an integer");
        }
        return f.asLong();
    }

    static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An input record that cannot be decoded. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }
}
