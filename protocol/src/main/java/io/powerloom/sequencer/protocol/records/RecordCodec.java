package io.powerloom.sequencer.protocol.records;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.protocol.json.Json;
import io.powerloom.sequencer.protocol.json.JsonWriter;
import java.io.IOException;
import java.math.BigInteger;

/**
 * Encodes and decodes the shared Kafka record values: compact UTF-8 JSON with {@code "v":1} and a
 * {@code "type"} discriminator, keys in a fixed order, so equal records give equal bytes.
 *
 * <p>Decoding is strict about what it needs (version, type, every field present with the right
 * JSON type, unsigned integers without fraction or exponent, addresses and hashes in lower-case
 * 0x hex) and ignores unknown keys, so a newer writer can add fields. Every failure is a
 * {@link RecordFormatException} naming the field and the problem.
 *
 * <p>All {@code long} fields are written and read as <b>unsigned</b> 64-bit integers; {@code int}
 * fields must be in 0..2^31-1.
 *
 * <p>Submissions-topic records (the per-submission hot path) are first decoded in one streaming pass
 * ({@link #streamSubmissionTopic}); whenever that pass meets anything it does not handle itself
 * (any error, a {@code null}, a uint64 of 2^63 or more, ...), the record is decoded again through the
 * Jackson tree, which accepts and rejects exactly as before and names the problem.
 */
public final class RecordCodec {

    /** The record format version written and accepted. */
    public static final int VERSION = 1;

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private RecordCodec() {}

    // ---------------------------------------------------------------- encode

    public static byte[] encode(SubmissionEnvelope r) {
        JsonWriter w = start("submission", 256 + r.submission().length());
        w.name("submissionId").value(r.submissionId());
        w.name("peerId").value(r.peerId());
        w.name("receivedAtMs").unsignedValue(r.receivedAtMs());
        w.name("bridgeId").value(r.bridgeId());
        w.name("submission").value(r.submission());
        if (!SubmissionEnvelope.ORIGIN_COLLECT.equals(r.origin())) {
            // written only off the /collect path, so /collect records stay byte for byte what they were
            w.name("origin").value(r.origin());
            if (r.messageId() != null) {
                w.name("messageId").value(r.messageId());
            }
        }
        return w.endObject().toBytes();
    }

    public static byte[] encode(Heartbeat r) {
        JsonWriter w = start("heartbeat", 128);
        w.name("receivedAtMs").unsignedValue(r.receivedAtMs());
        w.name("bridgeId").value(r.bridgeId());
        w.name("partition").value(r.partition());
        w.name("sequence").unsignedValue(r.sequence());
        return w.endObject().toBytes();
    }

    /** Encodes either kind of submissions-topic record. */
    public static byte[] encode(SubmissionTopicRecord r) {
        if (r instanceof SubmissionEnvelope s) {
            return encode(s);
        }
        return encode((Heartbeat) r);
    }

    public static byte[] encode(EpochReleased r) {
        JsonWriter w = start("epochReleased", 512);
        w.name("dataMarket").value(r.dataMarket());
        w.name("epochId").unsignedValue(r.epochId());
        w.name("begin").unsignedValue(r.begin());
        w.name("end").unsignedValue(r.end());
        w.name("chainTimestamp").unsignedValue(r.chainTimestamp());
        w.name("blockNumber").unsignedValue(r.blockNumber());
        w.name("blockHash").value(r.blockHash());
        w.name("txHash").value(r.txHash());
        w.name("logIndex").value(r.logIndex());
        w.name("snapshotSubmissionWindow").unsignedValue(r.snapshotSubmissionWindow());
        w.name("batchSubmissionWindow").unsignedValue(r.batchSubmissionWindow());
        w.name("observedAtMs").unsignedValue(r.observedAtMs());
        w.name("removed").value(r.removed());
        return w.endObject().toBytes();
    }

    public static byte[] encode(ChainBlock r) {
        JsonWriter w = start("block", 160);
        w.name("number").unsignedValue(r.number());
        w.name("hash").value(r.hash());
        w.name("timestamp").unsignedValue(r.timestamp());
        w.name("observedAtMs").unsignedValue(r.observedAtMs());
        return w.endObject().toBytes();
    }

    public static byte[] encode(DayStarted r) {
        JsonWriter w = start("dayStarted", 320);
        w.name("dataMarket").value(r.dataMarket());
        w.name("dayId").unsignedValue(r.dayId());
        w.name("epochId").unsignedValue(r.epochId());
        w.name("chainTimestamp").unsignedValue(r.chainTimestamp());
        w.name("blockNumber").unsignedValue(r.blockNumber());
        w.name("blockHash").value(r.blockHash());
        w.name("txHash").value(r.txHash());
        w.name("logIndex").value(r.logIndex());
        w.name("observedAtMs").unsignedValue(r.observedAtMs());
        w.name("removed").value(r.removed());
        return w.endObject().toBytes();
    }

    public static byte[] encode(AccountingParameterUpdated r) {
        JsonWriter w = start("accountingParameter", 320);
        w.name("dataMarket").value(r.dataMarket());
        w.name("parameter").value(r.parameter().wireName());
        w.name("value").unsignedValue(r.value());
        w.name("epochsInADay").unsignedValue(r.epochsInADay());
        w.name("blockNumber").unsignedValue(r.blockNumber());
        w.name("blockHash").value(r.blockHash());
        w.name("txHash").value(r.txHash());
        w.name("logIndex").value(r.logIndex());
        w.name("observedAtMs").unsignedValue(r.observedAtMs());
        w.name("removed").value(r.removed());
        return w.endObject().toBytes();
    }

    /** Encodes any kind of protocol-chain record. */
    public static byte[] encode(ChainTopicRecord r) {
        if (r instanceof EpochReleased e) {
            return encode(e);
        }
        if (r instanceof DayStarted d) {
            return encode(d);
        }
        if (r instanceof AccountingParameterUpdated a) {
            return encode(a);
        }
        if (r instanceof SlotAssignment s) {
            return encode(s);
        }
        return encode((ChainBlock) r);
    }

    public static byte[] encode(SlotAssignment r) {
        JsonWriter w = start("slot", 160);
        w.name("slotId").unsignedValue(r.slotId());
        w.name("snapshotter").value(r.snapshotter());
        w.name("active").value(r.active());
        w.name("blockNumber").unsignedValue(r.blockNumber());
        w.name("observedAtMs").unsignedValue(r.observedAtMs());
        return w.endObject().toBytes();
    }

    private static JsonWriter start(String type, int hint) {
        JsonWriter w = new JsonWriter(JsonWriter.Style.MINIMAL, hint);
        w.beginObject();
        w.name("v").value(VERSION);
        w.name("type").value(type);
        return w;
    }

    // ---------------------------------------------------------------- decode

    /** Decodes a value of the submissions topic (a submission or a heartbeat). */
    public static SubmissionTopicRecord decodeSubmissionTopic(byte[] value) throws RecordFormatException {
        SubmissionTopicRecord fast = streamSubmissionTopic(value, null);
        return fast != null ? fast : treeDecodeSubmissionTopic(value);
    }

    public static SubmissionEnvelope decodeSubmissionEnvelope(byte[] value) throws RecordFormatException {
        if (streamSubmissionTopic(value, "submission") instanceof SubmissionEnvelope fast) {
            return fast;
        }
        return treeDecodeSubmissionEnvelope(value);
    }

    public static Heartbeat decodeHeartbeat(byte[] value) throws RecordFormatException {
        if (streamSubmissionTopic(value, "heartbeat") instanceof Heartbeat fast) {
            return fast;
        }
        return treeDecodeHeartbeat(value);
    }

    /** {@link #decodeSubmissionTopic} through the Jackson tree (the fallback and the tests' reference). */
    static SubmissionTopicRecord treeDecodeSubmissionTopic(byte[] value) throws RecordFormatException {
        JsonNode n = parse(value);
        String type = type(n);
        return switch (type) {
            case "submission" -> submissionEnvelope(n);
            case "heartbeat" -> heartbeat(n);
            default ->
                throw new RecordFormatException("type \"" + type
                        + "\" does not belong on the submissions topic (expected submission or heartbeat)");
        };
    }

    static SubmissionEnvelope treeDecodeSubmissionEnvelope(byte[] value) throws RecordFormatException {
        JsonNode n = parse(value);
        expectType(n, "submission");
        return submissionEnvelope(n);
    }

    static Heartbeat treeDecodeHeartbeat(byte[] value) throws RecordFormatException {
        JsonNode n = parse(value);
        expectType(n, "heartbeat");
        return heartbeat(n);
    }

    /** Decodes a value of the protocol-chain topic (an epoch release or a block). */
    public static ChainTopicRecord decodeChainTopic(byte[] value) throws RecordFormatException {
        JsonNode n = parse(value);
        String type = type(n);
        return switch (type) {
            case "epochReleased" -> epochReleased(n);
            case "block" -> chainBlock(n);
            case "slot" -> slotAssignment(n);
            case "dayStarted" -> dayStarted(n);
            case "accountingParameter" -> accountingParameter(n);
            default ->
                throw new RecordFormatException("type \"" + type + "\" does not belong on the protocol-chain topic"
                        + " (expected epochReleased, block, slot, dayStarted or accountingParameter)");
        };
    }

    public static EpochReleased decodeEpochReleased(byte[] value) throws RecordFormatException {
        JsonNode n = parse(value);
        expectType(n, "epochReleased");
        return epochReleased(n);
    }

    public static ChainBlock decodeChainBlock(byte[] value) throws RecordFormatException {
        JsonNode n = parse(value);
        expectType(n, "block");
        return chainBlock(n);
    }

    public static SlotAssignment decodeSlotAssignment(byte[] value) throws RecordFormatException {
        JsonNode n = parse(value);
        expectType(n, "slot");
        return slotAssignment(n);
    }

    /**
     * One streaming pass over a submissions-topic record, without building a tree: the record, or
     * {@code null} when this pass cannot vouch for the result, and the caller must decode through the
     * tree ({@link #parse} and friends) to get the record or the error exactly as before.
     *
     * <p>It returns a record only where the tree decoder returns the same record: the whole document
     * is read, including the check for trailing tokens; the same parser (same factory, duplicate-key
     * detection, stream constraints) sees every token; every scalar, unknown ones included, is
     * materialized as the tree would (text, big integers, doubles), so a constraint the tree would trip
     * over makes this pass bail out too; known fields must have exactly the accepted JSON type. Unusual
     * but valid values (a uint64 of 2^63 or more, a known field of another record type with an
     * unexpected JSON type) also bail out; the tree then accepts them.
     *
     * @param expectedType {@code "submission"}, {@code "heartbeat"}, or {@code null} for either
     */
    static SubmissionTopicRecord streamSubmissionTopic(byte[] value, String expectedType) {
        if (value == null || value.length == 0) {
            return null;
        }
        boolean version = false;
        String type = null;
        String submissionId = null;
        String peerId = null;
        String bridgeId = null;
        String submission = null;
        String origin = SubmissionEnvelope.ORIGIN_COLLECT;
        String messageId = null;
        long receivedAtMs = 0;
        long partition = 0;
        long sequence = 0;
        boolean hasReceivedAtMs = false;
        boolean hasPartition = false;
        boolean hasSequence = false;
        try (JsonParser p = Json.FACTORY.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "v" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT
                                || p.getNumberType() != JsonParser.NumberType.INT
                                || p.getIntValue() != VERSION) {
                            return null;
                        }
                        version = true;
                    }
                    case "type" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        type = p.getText();
                    }
                    case "submissionId" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        submissionId = p.getText();
                    }
                    case "peerId" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        peerId = p.getText();
                    }
                    case "bridgeId" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        bridgeId = p.getText();
                    }
                    case "submission" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        submission = p.getText();
                    }
                    case "origin" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        origin = p.getText();
                    }
                    case "messageId" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        messageId = p.getText();
                    }
                    case "receivedAtMs" -> {
                        if ((receivedAtMs = smallUint64(p, t)) < 0) {
                            return null;
                        }
                        hasReceivedAtMs = true;
                    }
                    case "partition" -> {
                        if ((partition = smallUint64(p, t)) < 0) {
                            return null;
                        }
                        hasPartition = true;
                    }
                    case "sequence" -> {
                        if ((sequence = smallUint64(p, t)) < 0) {
                            return null;
                        }
                        hasSequence = true;
                    }
                    default -> {
                        if (!skipValue(p, t)) {
                            return null;
                        }
                    }
                }
            }
            // nextFieldName() returned null, so the root object is closed; the tree reader refuses trailing tokens
            if (p.nextToken() != null) {
                return null;
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null; // the tree decoder reports it
        }
        if (!version || type == null || (expectedType != null && !expectedType.equals(type))) {
            return null;
        }
        try {
            switch (type) {
                case "submission":
                    if (submissionId == null
                            || peerId == null
                            || !hasReceivedAtMs
                            || bridgeId == null
                            || submission == null) {
                        return null;
                    }
                    return new SubmissionEnvelope(
                            submissionId, peerId, receivedAtMs, bridgeId, submission, origin, messageId);
                case "heartbeat":
                    if (!hasReceivedAtMs
                            || bridgeId == null
                            || !hasPartition
                            || partition > Integer.MAX_VALUE
                            || !hasSequence) {
                        return null;
                    }
                    return new Heartbeat(receivedAtMs, bridgeId, (int) partition, sequence);
                default:
                    return null;
            }
        } catch (IllegalArgumentException e) {
            return null; // the tree decoder reports it
        }
    }

    /**
     * The current value as an unsigned integer below 2^63, or -1 when it is anything else (not an
     * integer, negative, or too large for this pass).
     */
    private static long smallUint64(JsonParser p, JsonToken t) throws java.io.IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            return -1;
        }
        JsonParser.NumberType nt = p.getNumberType();
        if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
            return -1;
        }
        long v = p.getLongValue();
        return v < 0 ? -1 : v;
    }

    /**
     * Reads past the value starting at token {@code t}, materializing every scalar in it as the tree
     * reader would (text, BigInteger for integers beyond long, double for non-integers), so that it
     * fails wherever the tree reader fails. (With Jackson 2.18 the stream constraints on number and
     * string length are already checked while tokenizing, so this is a guard against that changing;
     * unknown fields are rare, so it costs nothing on the hot path.) Returns false at an unexpected
     * end of input.
     */
    private static boolean skipValue(JsonParser p, JsonToken t) throws java.io.IOException {
        int depth = 0;
        while (true) {
            if (t == null) {
                return false;
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        p.getBigIntegerValue();
                    }
                }
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                default -> {
                    // field names, true, false, null: nothing to materialize
                }
            }
            if (depth == 0) {
                return true;
            }
            t = p.nextToken();
        }
    }

    private static SlotAssignment slotAssignment(JsonNode n) throws RecordFormatException {
        try {
            return new SlotAssignment(
                    uint64(n, "slotId"),
                    text(n, "snapshotter"),
                    bool(n, "active"),
                    uint64(n, "blockNumber"),
                    uint64(n, "observedAtMs"));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("slot: " + e.getMessage());
        }
    }

    private static SubmissionEnvelope submissionEnvelope(JsonNode n) throws RecordFormatException {
        try {
            JsonNode origin = n.get("origin");
            JsonNode messageId = n.get("messageId");
            if (origin != null && !origin.isTextual() || messageId != null && !messageId.isTextual()) {
                throw new RecordFormatException("submission: origin and messageId must be strings");
            }
            return new SubmissionEnvelope(
                    text(n, "submissionId"),
                    text(n, "peerId"),
                    uint64(n, "receivedAtMs"),
                    text(n, "bridgeId"),
                    text(n, "submission"),
                    origin == null ? SubmissionEnvelope.ORIGIN_COLLECT : origin.asText(),
                    messageId == null ? null : messageId.asText());
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("submission: " + e.getMessage());
        }
    }

    private static Heartbeat heartbeat(JsonNode n) throws RecordFormatException {
        return new Heartbeat(
                uint64(n, "receivedAtMs"), text(n, "bridgeId"), int31(n, "partition"), uint64(n, "sequence"));
    }

    private static EpochReleased epochReleased(JsonNode n) throws RecordFormatException {
        try {
            return new EpochReleased(
                    text(n, "dataMarket"),
                    uint64(n, "epochId"),
                    uint64(n, "begin"),
                    uint64(n, "end"),
                    uint64(n, "chainTimestamp"),
                    uint64(n, "blockNumber"),
                    text(n, "blockHash"),
                    text(n, "txHash"),
                    int31(n, "logIndex"),
                    uint64(n, "snapshotSubmissionWindow"),
                    uint64(n, "batchSubmissionWindow"),
                    uint64(n, "observedAtMs"),
                    bool(n, "removed"));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("epochReleased: " + e.getMessage());
        }
    }

    private static DayStarted dayStarted(JsonNode n) throws RecordFormatException {
        try {
            return new DayStarted(
                    text(n, "dataMarket"),
                    uint64(n, "dayId"),
                    uint64(n, "epochId"),
                    uint64(n, "chainTimestamp"),
                    uint64(n, "blockNumber"),
                    text(n, "blockHash"),
                    text(n, "txHash"),
                    int31(n, "logIndex"),
                    uint64(n, "observedAtMs"),
                    bool(n, "removed"));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("dayStarted: " + e.getMessage());
        }
    }

    private static AccountingParameterUpdated accountingParameter(JsonNode n) throws RecordFormatException {
        try {
            return new AccountingParameterUpdated(
                    text(n, "dataMarket"),
                    AccountingParameterUpdated.Parameter.ofWireName(text(n, "parameter")),
                    uint64(n, "value"),
                    uint64(n, "epochsInADay"),
                    uint64(n, "blockNumber"),
                    text(n, "blockHash"),
                    text(n, "txHash"),
                    int31(n, "logIndex"),
                    uint64(n, "observedAtMs"),
                    bool(n, "removed"));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("accountingParameter: " + e.getMessage());
        }
    }

    private static ChainBlock chainBlock(JsonNode n) throws RecordFormatException {
        try {
            return new ChainBlock(
                    uint64(n, "number"), text(n, "hash"), uint64(n, "timestamp"), uint64(n, "observedAtMs"));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("block: " + e.getMessage());
        }
    }

    private static JsonNode parse(byte[] value) throws RecordFormatException {
        if (value == null || value.length == 0) {
            throw new RecordFormatException("empty record value");
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new RecordFormatException("not valid JSON: " + Json.describe(e), e);
        } catch (RuntimeException e) { // Jackson number conversion problems surface unchecked
            throw new RecordFormatException("not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new RecordFormatException("record value must be a JSON object");
        }
        JsonNode v = n.get("v");
        if (v == null) {
            throw new RecordFormatException("missing version field \"v\"");
        }
        if (!v.isIntegralNumber() || !v.bigIntegerValue().equals(BigInteger.valueOf(VERSION))) {
            throw new RecordFormatException("unsupported record version " + v + " (this reader knows " + VERSION + ")");
        }
        return n;
    }

    private static String type(JsonNode n) throws RecordFormatException {
        return text(n, "type");
    }

    private static void expectType(JsonNode n, String expected) throws RecordFormatException {
        String t = type(n);
        if (!t.equals(expected)) {
            throw new RecordFormatException("expected type \"" + expected + "\", found \"" + t + "\"");
        }
    }

    private static String text(JsonNode n, String field) throws RecordFormatException {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            throw new RecordFormatException("missing field \"" + field + "\"");
        }
        if (!f.isTextual()) {
            throw new RecordFormatException("field \"" + field + "\" must be a string, found " + f.getNodeType());
        }
        return f.textValue();
    }

    private static boolean bool(JsonNode n, String field) throws RecordFormatException {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            throw new RecordFormatException("missing field \"" + field + "\"");
        }
        if (!f.isBoolean()) {
            throw new RecordFormatException("field \"" + field + "\" must be a boolean, found " + f.getNodeType());
        }
        return f.booleanValue();
    }

    private static long uint64(JsonNode n, String field) throws RecordFormatException {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            throw new RecordFormatException("missing field \"" + field + "\"");
        }
        if (!f.isIntegralNumber()) {
            throw new RecordFormatException("field \"" + field + "\" must be an unsigned integer, found "
                    + (f.isNumber() ? "the non-integer " + f : f.getNodeType()));
        }
        BigInteger b = f.bigIntegerValue();
        if (b.signum() < 0) {
            throw new RecordFormatException("field \"" + field + "\" is negative: " + b);
        }
        if (b.compareTo(UINT64_MAX) > 0) {
            throw new RecordFormatException("field \"" + field + "\" overflows uint64: " + b);
        }
        return b.longValue();
    }

    private static int int31(JsonNode n, String field) throws RecordFormatException {
        long v = uint64(n, field);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new RecordFormatException(
                    "field \"" + field + "\" out of range 0..2^31-1: " + Long.toUnsignedString(v));
        }
        return (int) v;
    }
}
