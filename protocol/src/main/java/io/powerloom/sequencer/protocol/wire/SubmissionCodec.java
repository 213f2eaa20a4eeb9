package io.powerloom.sequencer.protocol.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.powerloom.sequencer.protocol.json.Json;
import io.powerloom.sequencer.protocol.json.JsonWriter;
import io.powerloom.sequencer.protocol.wire.WireFormatException.Reason;
import java.io.IOException;

/**
 * Reads and writes {@link SnapshotSubmission} in the two JSON dialects the protocol uses.
 *
 * <h2>Reading ({@link #fromGoJson})</h2>
 * Accepts what Go's {@code encoding/json} writes for the protobuf-generated struct (SPEC §1) and is
 * tolerant the way Go is: keys in any order, keys matched case-insensitively, unknown keys ignored,
 * {@code null} treated as absent, absent scalars are zero. It also accepts uint64 values given as
 * decimal strings (protojson's form). It is stricter than Go where Go's leniency would hide
 * mistakes: a key given twice is refused (Go silently keeps the last one), and invalid UTF-8 is
 * refused (Go silently replaces it). Required: {@code request}, {@code signature}, {@code dataMarket}.
 *
 * <h2>Writing</h2>
 * {@link #toGoJson} is byte-exact with Go {@code encoding/json} (Go 1.22+) of the generated struct;
 * {@link #toProtoJson} is compact, deterministic protojson (uint64 as strings) for batch documents.
 */
public final class SubmissionCodec {

    private static final int F_REQUEST = 1;
    private static final int F_SIGNATURE = 1 << 1;
    private static final int F_HEADER = 1 << 2;
    private static final int F_DATA_MARKET = 1 << 3;
    private static final int F_NODE_VERSION = 1 << 4;

    private static final int R_SLOT = 1;
    private static final int R_DEADLINE = 1 << 1;
    private static final int R_CID = 1 << 2;
    private static final int R_EPOCH = 1 << 3;
    private static final int R_PROJECT = 1 << 4;

    private SubmissionCodec() {}

    /**
     * Parses the JSON of one submission as a local collector writes it.
     *
     * @throws WireFormatException with a precise reason when the bytes are not an acceptable submission
     */
    public static SnapshotSubmission fromGoJson(byte[] json) throws WireFormatException {
        if (json == null || json.length == 0) {
            throw new WireFormatException(Reason.MALFORMED_JSON, "empty input");
        }
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new WireFormatException(Reason.MALFORMED_JSON, "no JSON value");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new WireFormatException(
                        Reason.NOT_JSON_OBJECT, "expected a JSON object, found " + describe(first));
            }
            int seen = 0;
            Request request = null;
            String signature = "";
            String header = "";
            String dataMarket = "";
            String nodeVersion = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                int bit = topLevelBit(key);
                if (bit == 0) {
                    p.skipChildren(); // unknown key: ignored, as Go does
                    continue;
                }
                if ((seen & bit) != 0) {
                    throw new WireFormatException(Reason.BAD_FIELD, "key \"" + key + "\" given twice");
                }
                seen |= bit;
                switch (bit) {
                    case F_REQUEST -> {
                        if (v == JsonToken.VALUE_NULL) {
                            request = null;
                        } else if (v == JsonToken.START_OBJECT) {
                            request = readRequest(p);
                        } else {
                            throw new WireFormatException(
                                    Reason.BAD_FIELD, "\"request\" must be an object, found " + describe(v));
                        }
                    }
                    case F_SIGNATURE -> signature = stringOrEmpty(p, v, "signature");
                    case F_HEADER -> header = stringOrEmpty(p, v, "header");
                    case F_DATA_MARKET -> dataMarket = stringOrEmpty(p, v, "dataMarket");
                    case F_NODE_VERSION ->
                        nodeVersion = v == JsonToken.VALUE_NULL ? null : stringOrEmpty(p, v, "nodeVersion");
                    default -> throw new IllegalStateException("unreachable");
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new WireFormatException(Reason.MALFORMED_JSON, "unexpected " + describe(t));
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new WireFormatException(
                        Reason.MALFORMED_JSON, "trailing data after the object: " + describe(trailing));
            }
            if (request == null) {
                throw new WireFormatException(Reason.MISSING_FIELD, "\"request\" is missing");
            }
            if (signature.isEmpty()) {
                throw new WireFormatException(Reason.MISSING_FIELD, "\"signature\" is missing or empty");
            }
            if (dataMarket.isEmpty()) {
                throw new WireFormatException(Reason.MISSING_FIELD, "\"dataMarket\" is missing or empty");
            }
            return new SnapshotSubmission(request, signature, header, dataMarket, nodeVersion);
        } catch (IOException e) {
            String msg = Json.describe(e);
            Reason reason = msg.contains("end-of-input") ? Reason.TRUNCATED : Reason.MALFORMED_JSON;
            throw new WireFormatException(reason, msg, e);
        }
    }

    private static Request readRequest(JsonParser p) throws IOException, WireFormatException {
        int seen = 0;
        long slotId = 0;
        long deadline = 0;
        long epochId = 0;
        String snapshotCid = "";
        String projectId = "";
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            int bit = requestBit(key);
            if (bit == 0) {
                p.skipChildren();
                continue;
            }
            if ((seen & bit) != 0) {
                throw new WireFormatException(Reason.BAD_FIELD, "key \"request." + key + "\" given twice");
            }
            seen |= bit;
            switch (bit) {
                case R_SLOT -> slotId = uint64(p, v, "request.slotId");
                case R_DEADLINE -> deadline = uint64(p, v, "request.deadline");
                case R_EPOCH -> epochId = uint64(p, v, "request.epochId");
                case R_CID -> snapshotCid = stringOrEmpty(p, v, "request.snapshotCid");
                case R_PROJECT -> projectId = stringOrEmpty(p, v, "request.projectId");
                default -> throw new IllegalStateException("unreachable");
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new WireFormatException(Reason.MALFORMED_JSON, "unexpected " + describe(t) + " in \"request\"");
        }
        return new Request(slotId, deadline, snapshotCid, epochId, projectId);
    }

    private static int topLevelBit(String key) {
        if (key.equalsIgnoreCase("request")) {
            return F_REQUEST;
        } else if (key.equalsIgnoreCase("signature")) {
            return F_SIGNATURE;
        } else if (key.equalsIgnoreCase("header")) {
            return F_HEADER;
        } else if (key.equalsIgnoreCase("dataMarket")) {
            return F_DATA_MARKET;
        } else if (key.equalsIgnoreCase("nodeVersion")) {
            return F_NODE_VERSION;
        }
        return 0;
    }

    private static int requestBit(String key) {
        if (key.equalsIgnoreCase("slotId")) {
            return R_SLOT;
        } else if (key.equalsIgnoreCase("deadline")) {
            return R_DEADLINE;
        } else if (key.equalsIgnoreCase("snapshotCid")) {
            return R_CID;
        } else if (key.equalsIgnoreCase("epochId")) {
            return R_EPOCH;
        } else if (key.equalsIgnoreCase("projectId")) {
            return R_PROJECT;
        }
        return 0;
    }

    private static String stringOrEmpty(JsonParser p, JsonToken v, String field)
            throws IOException, WireFormatException {
        if (v == JsonToken.VALUE_NULL) {
            return "";
        }
        if (v != JsonToken.VALUE_STRING) {
            throw new WireFormatException(Reason.BAD_FIELD, "\"" + field + "\" must be a string, found " + describe(v));
        }
        return p.getText();
    }

    /** Reads an unsigned 64-bit integer given as a JSON integer or as a decimal string. */
    private static long uint64(JsonParser p, JsonToken v, String field) throws IOException, WireFormatException {
        String text;
        if (v == JsonToken.VALUE_NULL) {
            return 0;
        } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_STRING) {
            text = p.getText();
        } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            throw new WireFormatException(
                    Reason.BAD_FIELD,
                    "\"" + field + "\" must be an unsigned integer, found fractional/exponent number " + p.getText());
        } else {
            throw new WireFormatException(
                    Reason.BAD_FIELD, "\"" + field + "\" must be an unsigned integer, found " + describe(v));
        }
        return parseUint64(text, field);
    }

    /**
     * Parses a canonical decimal uint64 (digits only, no sign, no leading zeros, at most 2^64-1).
     *
     * @throws WireFormatException BAD_FIELD with the reason
     */
    public static long parseUint64(String text, String field) throws WireFormatException {
        int n = text.length();
        if (n == 0) {
            throw new WireFormatException(Reason.BAD_FIELD, "\"" + field + "\" is an empty number");
        }
        if (text.charAt(0) == '-') {
            throw new WireFormatException(Reason.BAD_FIELD, "\"" + field + "\" is negative: " + text);
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new WireFormatException(
                        Reason.BAD_FIELD, "\"" + field + "\" is not an unsigned decimal integer: \"" + text + "\"");
            }
        }
        if (n > 1 && text.charAt(0) == '0') {
            throw new WireFormatException(Reason.BAD_FIELD, "\"" + field + "\" has leading zeros: " + text);
        }
        if (n > 20) {
            throw new WireFormatException(Reason.BAD_FIELD, "\"" + field + "\" overflows uint64: " + text);
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new WireFormatException(Reason.BAD_FIELD, "\"" + field + "\" overflows uint64: " + text);
        }
    }

    /**
     * Writes the submission exactly as Go {@code encoding/json} writes the protobuf-generated struct:
     * fields in struct order, zero values omitted ({@code nodeVersion} is a pointer: written when
     * non-null, even if empty), HTML-safe escaping.
     */
    public static byte[] toGoJson(SnapshotSubmission s) {
        JsonWriter w = new JsonWriter(JsonWriter.Style.GO_ENCODING_JSON, 512);
        w.beginObject();
        w.name("request").beginObject();
        Request r = s.request();
        if (r.slotId() != 0) {
            w.name("slotId").unsignedValue(r.slotId());
        }
        if (r.deadline() != 0) {
            w.name("deadline").unsignedValue(r.deadline());
        }
        if (!r.snapshotCid().isEmpty()) {
            w.name("snapshotCid").value(r.snapshotCid());
        }
        if (r.epochId() != 0) {
            w.name("epochId").unsignedValue(r.epochId());
        }
        if (!r.projectId().isEmpty()) {
            w.name("projectId").value(r.projectId());
        }
        w.endObject();
        writeTail(w, s);
        w.endObject();
        return w.toBytes();
    }

    /**
     * Writes the submission as compact protobuf-JSON ({@code protojson}, field order by field
     * number, uint64 as decimal strings, unset fields omitted, minimal escaping). Production's
     * protojson randomly inserts spaces; this output is the canonical compact form.
     */
    public static String toProtoJson(SnapshotSubmission s) {
        JsonWriter w = new JsonWriter(JsonWriter.Style.MINIMAL, 512);
        w.beginObject();
        w.name("request").beginObject();
        Request r = s.request();
        if (r.slotId() != 0) {
            w.name("slotId").unsignedStringValue(r.slotId());
        }
        if (r.deadline() != 0) {
            w.name("deadline").unsignedStringValue(r.deadline());
        }
        if (!r.snapshotCid().isEmpty()) {
            w.name("snapshotCid").value(r.snapshotCid());
        }
        if (r.epochId() != 0) {
            w.name("epochId").unsignedStringValue(r.epochId());
        }
        if (!r.projectId().isEmpty()) {
            w.name("projectId").value(r.projectId());
        }
        w.endObject();
        writeTail(w, s);
        w.endObject();
        return w.toText();
    }

    private static void writeTail(JsonWriter w, SnapshotSubmission s) {
        if (!s.signature().isEmpty()) {
            w.name("signature").value(s.signature());
        }
        if (!s.header().isEmpty()) {
            w.name("header").value(s.header());
        }
        if (!s.dataMarket().isEmpty()) {
            w.name("dataMarket").value(s.dataMarket());
        }
        if (s.nodeVersion() != null) {
            w.name("nodeVersion").value(s.nodeVersion());
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }
}
