package io.powerloom.sequencer.protocol.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.protocol.crypto.Hex;
import io.powerloom.sequencer.protocol.json.Json;
import io.powerloom.sequencer.protocol.json.JsonWriter;
import io.powerloom.sequencer.protocol.json.Utf8Json;
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
public record BatchDocument(
        List<String> submissionIds, List<String> submissions, String rootHash, List<String> pids, List<String> cids)
        implements java.io.Serializable {

    public BatchDocument {
        submissionIds = List.copyOf(submissionIds);
        submissions = List.copyOf(submissions);
        pids = List.copyOf(pids);
        cids = List.copyOf(cids);
        if (submissionIds.size() != submissions.size()) {
            throw new IllegalArgumentException("submissionIDs (" + submissionIds.size() + ") and submissions ("
                    + submissions.size() + ") differ in length");
        }
        if (pids.size() != cids.size()) {
            throw new IllegalArgumentException(
                    "pids (" + pids.size() + ") and cids (" + cids.size() + ") differ in length");
        }
        if (!Hex.isLowerCaseHex0x(rootHash, 32)) {
            throw new IllegalArgumentException("roothash must be 0x + 64 lower-case hex digits: " + rootHash);
        }
    }

    /** Builds a document, computing {@code roothash} with the Merkle tree over the submission IDs. */
    public static BatchDocument build(
            List<String> submissionIds, List<String> submissionsProtoJson, List<String> pids, List<String> cids) {
        return new BatchDocument(
                submissionIds, submissionsProtoJson, IncrementalMerkleTree.rootHex(submissionIds), pids, cids);
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
     * {@link #toJson()} of the document these lists make, from submissions that are already quoted JSON strings
     * ({@link Utf8Json#quote}, done once when each submission arrives): byte for byte the same document, and building
     * it only copies the submissions' bytes.
     *
     * @param quotedSubmissions the protobuf-JSON texts, each as {@link Utf8Json#quote} gives it
     * @param rootHash          {@code roothash}: the Merkle root over {@code submissionIds}
     * @throws IllegalArgumentException if a submission is not a quoted string
     */
    public static byte[] toJsonFromQuoted(
            List<String> submissionIds,
            List<byte[]> quotedSubmissions,
            String rootHash,
            List<String> pids,
            List<String> cids) {
        for (byte[] q : quotedSubmissions) {
            if (q.length < 2 || q[0] != '"' || q[q.length - 1] != '"') {
                throw new IllegalArgumentException("a submission is not a quoted JSON string");
            }
        }
        List<byte[]> ids = quoted(submissionIds);
        List<byte[]> p = quoted(pids);
        List<byte[]> c = quoted(cids);
        byte[] root = quoted(rootHash);
        long length = 2
                + 4
                + quotedArrayLength(NAME_IDS, ids)
                + quotedArrayLength(NAME_SUBMISSIONS, quotedSubmissions)
                + NAME_ROOTHASH.length
                + 1
                + root.length
                + quotedArrayLength(NAME_PIDS, p)
                + quotedArrayLength(NAME_CIDS, c);
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch document of " + length + " bytes");
        }
        byte[] out = new byte[(int) length];
        int pos = 0;
        out[pos++] = '{';
        pos = quotedArray(out, pos, NAME_IDS, ids);
        out[pos++] = ',';
        pos = quotedArray(out, pos, NAME_SUBMISSIONS, quotedSubmissions);
        out[pos++] = ',';
        pos = put(out, pos, NAME_ROOTHASH);
        out[pos++] = ':';
        pos = put(out, pos, root);
        out[pos++] = ',';
        pos = quotedArray(out, pos, NAME_PIDS, p);
        out[pos++] = ',';
        pos = quotedArray(out, pos, NAME_CIDS, c);
        out[pos++] = '}';
        if (pos != out.length) {
            throw new IllegalStateException(
                    "batch document length " + pos + " differs from the computed " + out.length);
        }
        return out;
    }

    /** The length in bytes of {@link #toJsonFromQuoted} for these lists. */
    public static long jsonLengthFromQuoted(
            List<String> submissionIds, List<byte[]> quotedSubmissions, List<String> pids, List<String> cids) {
        return 2
                + 4
                + NAME_ROOTHASH.length
                + 1
                + 2
                + 66 // braces, commas, "roothash":"0x…"
                + stringsLength(NAME_IDS, submissionIds)
                + quotedArrayLength(NAME_SUBMISSIONS, quotedSubmissions)
                + stringsLength(NAME_PIDS, pids)
                + stringsLength(NAME_CIDS, cids);
    }

    /** {@code "name":[…]} of strings written by {@link JsonWriter}. */
    private static long stringsLength(byte[] name, List<String> values) {
        long len = name.length + 1 + 2 + Math.max(0, values.size() - 1);
        for (String v : values) {
            len += JsonWriter.encodedLength(v, JsonWriter.Style.MINIMAL);
        }
        return len;
    }

    private static final byte[] NAME_IDS = quoted("submissionIDs");
    private static final byte[] NAME_SUBMISSIONS = quoted("submissions");
    private static final byte[] NAME_ROOTHASH = quoted("roothash");
    private static final byte[] NAME_PIDS = quoted("pids");
    private static final byte[] NAME_CIDS = quoted("cids");

    /** {@code s} as a JSON string, quotes included, exactly as {@link JsonWriter} writes it. */
    private static byte[] quoted(String s) {
        return new JsonWriter(JsonWriter.Style.MINIMAL, s.length() + 8).value(s).toBytes();
    }

    private static List<byte[]> quoted(List<String> values) {
        List<byte[]> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(quoted(v));
        }
        return out;
    }

    private static long quotedArrayLength(byte[] name, List<byte[]> quoted) {
        long len = name.length + 1 + 2 + Math.max(0, quoted.size() - 1);
        for (byte[] q : quoted) {
            len += q.length;
        }
        return len;
    }

    private static int quotedArray(byte[] out, int pos, byte[] name, List<byte[]> quoted) {
        pos = put(out, pos, name);
        out[pos++] = ':';
        out[pos++] = '[';
        for (int i = 0; i < quoted.size(); i++) {
            if (i > 0) {
                out[pos++] = ',';
            }
            pos = put(out, pos, quoted.get(i));
        }
        out[pos++] = ']';
        return pos;
    }

    private static int put(byte[] out, int pos, byte[] bytes) {
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        return pos + bytes.length;
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
            if (!List.of("submissionIDs", "submissions", "roothash", "pids", "cids")
                    .contains(k)) {
                throw new BatchFormatException("unknown key \"" + k + "\"");
            }
        }
        JsonNode rh = root.get("roothash");
        if (rh == null || !rh.isTextual()) {
            throw new BatchFormatException("\"roothash\" must be a string");
        }
        try {
            return new BatchDocument(
                    strings(root, "submissionIDs"),
                    strings(root, "submissions"),
                    rh.textValue(),
                    strings(root, "pids"),
                    strings(root, "cids"));
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
