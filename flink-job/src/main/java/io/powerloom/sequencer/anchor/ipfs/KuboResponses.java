package io.powerloom.sequencer.anchor.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the Kubo RPC API's answers: the JSON of {@code add}, {@code pin/add} and {@code id}, and error bodies
 * ({@code {"Message":…,"Code":0,"Type":"error"}}, or plain text from a proxy), turning the latter into
 * {@link IpfsException}s with a retry decision.
 */
final class KuboResponses {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT_IN_MESSAGE = 300;

    private KuboResponses() {}

    /** The exception for an HTTP answer with a status other than 200. */
    static IpfsException error(String command, int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).trim();
        String kuboMessage = null;
        int kuboCode = -1;
        try {
            JsonNode n = JSON.readTree(text);
            if (n != null && n.isObject() && n.hasNonNull("Message")) {
                kuboMessage = n.get("Message").asText();
                kuboCode = n.path("Code").asInt(-1);
            }
        } catch (IOException notJson) {
            // a proxy or a wrong endpoint answered with text: keep it short in the message
        }
        boolean retryable = isRetryable(status, kuboCode, kuboMessage);
        String detail = kuboMessage != null ? kuboMessage : abbreviate(text);
        return new IpfsException(
                IpfsException.Kind.NODE_ERROR,
                "IPFS " + command + " failed with HTTP " + status + ": " + detail,
                status,
                kuboMessage,
                retryable,
                null);
    }

    /**
     * Whether a request that got this answer may succeed later. Kubo answers almost every failure with HTTP 500
     * and code 0, so the message decides between internal trouble (retry) and a request that will never work.
     */
    static boolean isRetryable(int status, int kuboCode, String kuboMessage) {
        if (status == 429 || status == 502 || status == 503 || status == 504) {
            return true;
        }
        if (status != 500 || kuboCode == 1) {
            return false; // 400 client error, 401/403, 404/405 wrong endpoint or method, ...
        }
        if (kuboMessage == null) {
            return true;
        }
        String m = kuboMessage.toLowerCase(Locale.ROOT);
        boolean permanent = m.contains("invalid path")
                || m.contains("invalid cid")
                || m.contains("not supported")
                || m.contains("unknown cid version")
                || m.contains("not found")
                || m.contains("could not find")
                || m.contains("is not pinned")
                || m.contains("chunker")
                || m.contains("too large")
                || m.contains("argument")
                || m.contains("unrecognized")
                || m.contains("unknown option");
        return !permanent;
    }

    /** The {@code Hash} of the last object in an {@code add} answer (one JSON object per line). */
    static String addedHash(byte[] body) {
        String last = null;
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = parse("add", line);
            if (n.hasNonNull("Hash")) {
                last = n.get("Hash").asText();
            }
        }
        if (last == null || last.isEmpty()) {
            throw new IpfsException(
                    IpfsException.Kind.BAD_RESPONSE,
                    "IPFS add answered without a Hash: " + abbreviate(new String(body, StandardCharsets.UTF_8)),
                    IpfsException.NO_STATUS,
                    null,
                    true,
                    null);
        }
        return last;
    }

    /** The CIDs of a {@code pin/add} answer, {@code {"Pins":[…]}}. */
    static List<String> pins(byte[] body) {
        JsonNode pins =
                parse("pin/add", new String(body, StandardCharsets.UTF_8)).get("Pins");
        if (pins == null || !pins.isArray()) {
            throw badResponse("pin/add", "no Pins array", body);
        }
        List<String> out = new ArrayList<>();
        pins.forEach(p -> out.add(p.asText()));
        return out;
    }

    /** The CIDs of a {@code pin/ls} answer, {@code {"Keys":{cid:{"Type":…}}}}. */
    static List<String> pinnedKeys(byte[] body) {
        JsonNode keys =
                parse("pin/ls", new String(body, StandardCharsets.UTF_8)).get("Keys");
        if (keys == null || !keys.isObject()) {
            throw badResponse("pin/ls", "no Keys object", body);
        }
        List<String> out = new ArrayList<>();
        keys.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The peer ID of an {@code id} answer, {@code {"ID":…}}. */
    static String peerId(byte[] body) {
        JsonNode id = parse("id", new String(body, StandardCharsets.UTF_8)).get("ID");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw badResponse("id", "no ID", body);
        }
        return id.asText();
    }

    private static JsonNode parse(String command, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw badResponse(command, "not a JSON object", text.getBytes(StandardCharsets.UTF_8));
            }
            return n;
        } catch (IOException e) {
            throw new IpfsException(
                    IpfsException.Kind.BAD_RESPONSE,
                    "IPFS " + command + " answered with invalid JSON: " + abbreviate(text),
                    IpfsException.NO_STATUS,
                    null,
                    true,
                    e);
        }
    }

    private static IpfsException badResponse(String command, String what, byte[] body) {
        return new IpfsException(
                IpfsException.Kind.BAD_RESPONSE,
                "IPFS " + command + " answer has " + what + ": " + abbreviate(new String(body, StandardCharsets.UTF_8)),
                IpfsException.NO_STATUS,
                null,
                true,
                null);
    }

    private static String abbreviate(String text) {
        String t = text.strip();
        return t.length() <= MAX_TEXT_IN_MESSAGE ? t : t.substring(0, MAX_TEXT_IN_MESSAGE) + "…";
    }
}
