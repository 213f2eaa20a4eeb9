package io.powerloom.sequencer.protocol.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.protocol.crypto.Hex;
import io.powerloom.sequencer.protocol.json.Json;
import io.powerloom.sequencer.protocol.json.JsonWriter;
import io.powerloom.sequencer.protocol.merkle.IncrementalMerkleTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The batch document uploaded to IPFS for one batch of an epoch (SPEC §6):
 * {@code {"submissionIDs":[...],"submissions":[...],"roothash":"0x…","pids":[...],"cids":[...]}}.
 *
 * <p>{@code submissions.get(i)} is the protobuf-JSON text of submission {@code submissionIds.get(i)}
 * (see {@link io.powerloom.sequencer.protocol.wire.SubmissionCodec#toProtoJson}), stored in the
 * document as a JSON string; {@code pids.get(i)} is a project ID and {@code cids.get(i)} its
 * finalized snapshot CID; {@code rootHash} is the Merkle root (tree 1) over the submission IDs.
 * {@link #toJson()} is compact and deterministic, so the same batch always has the same CID.
 */
public record BatchDocument(List<String> submissionIds, List<String> submissions, String rootHash,
                            List<String> pids, List<String> cids) implements java.io.Serializable {

    public BatchDocument {
        submissionIds = List.copyOf(submissionIds);
        submissions = List.copyOf(submissions);
        pids = List.copyOf(pids);
        cids = List.copyOf(cids);
        if (submissionIds.size() != submissions.size()) {
            throw new IllegalArgumentException("submissionIDs (" + submissionIds.size()
                    + ") and submissions (" + submissions.size() + ") differ in length");
        }
        if (pids.size() != cids.size()) {
            throw new IllegalArgumentException("pids (" + pids.size() + ") and cids (" + cids.size()
                    + ") differ in length");
        }
        if (!Hex.isLowerCaseHex0x(rootHash, 32)) {
            throw new IllegalArgumentException("roothash must be 0x + 64 lower-case hex digits: " + rootHash);
        }
    }

    /** Builds a document, computing {@code roothash} with the Merkle tree over the submission IDs. */
    public static BatchDocument build(List<String> submissionIds, List<String> submissionsProtoJson,
                                      List<String> pids, List<String> cids) {
        return new BatchDocument(submissionIds, submissionsProtoJson,
                IncrementalMerkleTree.rootHex(submissionIds), pids, cids);
    }

    /** Tree 2 of SPEC §6: the Merkle root over the batch's finalized CIDs (in {@code pids} order). */
    public static String finalizedCidsRootHash(List<String> cids) {
        return IncrementalMerkleTree.rootHex(cids);
    }

    /** This batch's {@link #finalizedCidsRootHash(List)}. */
    public String finalizedCidsRootHash() {
        return finalizedCidsRootHash(cids);
    }

    /** Compact UTF-8 JSON in exactly the key order of SPEC §6. */
    public byte[] toJson() {
        int hint = 64;
        for (String s : submissions) {
            hint += s.length() + 64;
        }
        JsonWriter w = new JsonWriter(JsonWriter.Style.MINIMAL, hint);
        w.beginObject();
        stringArray(w, "submissionIDs", submissionIds);
        stringArray(w, "submissions", submissions);
        w.name("roothash").value(rootHash);
        stringArray(w, "pids", pids);
        stringArray(w, "cids", cids);
        w.endObject();
        return w.toBytes();
    }

    /**
     * The length in bytes of {@link #toJson()} of the document these lists would make, without building it (no
     * Merkle root, no JSON text): lets the batcher decide how to cut an epoch before it builds any document.
     */
    public static long jsonLength(List<String> submissionIds, List<String> submissions, List<String> pids, List<String> cids) {
        final JsonWriter.Style style = JsonWriter.Style.MINIMAL;
        long len = 2 + 4; // braces and the four commas between five members
        len += arrayLength("submissionIDs", submissionIds) + arrayLength("submissions", submissions);
        len += JsonWriter.encodedLength("roothash", style) + 1 + 2 + 66; // "roothash":"0x" + 64 hex digits
        len += arrayLength("pids", pids) + arrayLength("cids", cids);
        return len;
    }

    private static long arrayLength(String name, List<String> values) {
        long len = JsonWriter.encodedLength(name, JsonWriter.Style.MINIMAL) + 1 + 2 + Math.max(0, values.size() - 1);
        for (String v : values) {
            len += JsonWriter.encodedLength(v, JsonWriter.Style.MINIMAL);
        }
        return len;
    }

    /**
     * Reads a batch document (key order is not enforced on input; unknown keys are refused).
     *
     * @throws BatchFormatException with the reason
     */
    public static BatchDocument fromJson(byte[] json) throws BatchFormatException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new BatchFormatException("not valid JSON: " + Json.describe(e), e);
        } catch (RuntimeException e) { // Jackson number conversion problems surface unchecked
            throw new BatchFormatException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BatchFormatException("a batch document must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            String k = it.next().getKey();
            if (!List.of("submissionIDs", "submissions", "roothash", "pids", "cids").contains(k)) {
                throw new BatchFormatException("unknown key \"" + k + "\"");
            }
        }
        JsonNode rh = root.get("roothash");
        if (rh == null || !rh.isTextual()) {
            throw new BatchFormatException("\"roothash\" must be a string");
        }
        try {
            return new BatchDocument(strings(root, "submissionIDs"), strings(root, "submissions"),
                    rh.textValue(), strings(root, "pids"), strings(root, "cids"));
        } catch (IllegalArgumentException e) {
            throw new BatchFormatException(e.getMessage());
        }
    }

    private static List<String> strings(JsonNode root, String key) throws BatchFormatException {
        JsonNode a = root.get(key);
        if (a == null || !a.isArray()) {
            throw new BatchFormatException("\"" + key + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode e : a) {
            if (!e.isTextual()) {
                throw new BatchFormatException("\"" + key + "\" holds a non-string element");
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static void stringArray(JsonWriter w, String name, List<String> values) {
        w.name(name).beginArray();
        for (String v : values) {
            w.value(v);
        }
        w.endArray();
    }
}
