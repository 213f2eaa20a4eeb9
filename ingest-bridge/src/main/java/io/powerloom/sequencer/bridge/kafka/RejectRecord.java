package io.powerloom.sequencer.bridge.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * One rejected piece of {@code /collect} input, as written to the rejects topic [{@code submissions-rejected}].
 *
 * <p>JSON, version 1:
 * <pre>{"v":1,"type":"rejected","reason":"oversized","detail":"…","peerId":"12D3Koo…","submissionId":"…or null…",
 *  "receivedAtMs":1732460000000,"bridgeId":"bridge-0","rawLength":70000,"rawBase64":"…at most N bytes…"}</pre>
 * Key = the peer ID; record timestamp = {@code receivedAtMs}. {@code rawLength} is the length of the input the
 * bridge had when it rejected (before truncation), {@code rawBase64} the first bytes of it.
 *
 * @param reason       stable lower-case token, the same as the {@code reason} label of the rejected metric
 * @param detail       human-readable explanation
 * @param submissionId the submission ID when one was read, else null
 * @param raw          the (already truncated) raw bytes
 * @param rawLength    the length before truncation
 */
public record RejectRecord(
        String reason,
        String detail,
        String peerId,
        String submissionId,
        long receivedAtMs,
        String bridgeId,
        byte[] raw,
        int rawLength) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies at most {@code maxBytes} of {@code raw}. */
    public static byte[] truncate(byte[] raw, int maxBytes) {
        return raw.length <= maxBytes ? raw.clone() : Arrays.copyOf(raw, maxBytes);
    }

    /** The JSON value. */
    public byte[] encode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", 1);
        n.put("type", "rejected");
        n.put("reason", reason);
        n.put("detail", detail);
        n.put("peerId", peerId);
        if (submissionId == null) {
            n.putNull("submissionId");
        } else {
            n.put("submissionId", submissionId);
        }
        n.put("receivedAtMs", receivedAtMs);
        n.put("bridgeId", bridgeId);
        n.put("rawLength", rawLength);
        n.put("rawBase64", Base64.getEncoder().encodeToString(raw));
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen for a tree of strings and numbers", e);
        }
    }

    /** Parses the JSON value; {@link IllegalArgumentException} with a reason on anything else. */
    public static RejectRecord decode(byte[] json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("reject record is not JSON: " + e.getMessage(), e);
        }
        if (n == null
                || !n.isObject()
                || n.path("v").asInt() != 1
                || !"rejected".equals(n.path("type").asText())) {
            throw new IllegalArgumentException("not a version-1 reject record");
        }
        JsonNode sid = n.get("submissionId");
        return new RejectRecord(
                n.path("reason").asText(),
                n.path("detail").asText(),
                n.path("peerId").asText(),
                sid == null || sid.isNull() ? null : sid.asText(),
                n.path("receivedAtMs").asLong(),
                n.path("bridgeId").asText(),
                Base64.getDecoder().decode(n.path("rawBase64").asText()),
                n.path("rawLength").asInt());
    }
}
