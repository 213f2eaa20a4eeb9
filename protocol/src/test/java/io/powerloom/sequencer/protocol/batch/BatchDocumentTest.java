package io.powerloom.sequencer.protocol.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.protocol.Vectors;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.merkle.IncrementalMerkleTree;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchDocumentTest {

    static final String ID1 = "0f8fad5b-d9cb-469f-a165-70867728950e";
    static final String ID2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    @Test
    void exactJsonInSpecKeyOrder() {
        String sub = SubmissionCodec.toProtoJson(
                new SnapshotSubmission(new Request(1, 100, "bafkreia", 5, "p<1>"), "ab", "0x01", "0xdm", null));
        BatchDocument d = BatchDocument.build(List.of(ID1), List.of(sub), List.of("p<1>"), List.of("bafkreia"));
        String root = IncrementalMerkleTree.rootHex(List.of(ID1));
        assertThat(new String(d.toJson(), StandardCharsets.UTF_8))
                .isEqualTo("{\"submissionIDs\":[\"" + ID1
                        + "\"],\"submissions\":[\"{\\\"request\\\":{\\\"slotId\\\":\\\"1\\\","
                        + "\\\"deadline\\\":\\\"100\\\",\\\"snapshotCid\\\":\\\"bafkreia\\\",\\\"epochId\\\":\\\"5\\\","
                        + "\\\"projectId\\\":\\\"p<1>\\\"},\\\"signature\\\":\\\"ab\\\",\\\"header\\\":\\\"0x01\\\","
                        + "\\\"dataMarket\\\":\\\"0xdm\\\"}\"],\"roothash\":\"" + root + "\",\"pids\":[\"p<1>\"],"
                        + "\"cids\":[\"bafkreia\"]}");
    }

    @Test
    void rootHashIsTheMerkleRootOfTheSubmissionIds() {
        // cross-check with the JS vectors: the 2-uuid case
        JsonNode two = null;
        for (JsonNode c : Vectors.load("merkle.json").get("cases")) {
            if (c.get("items").size() == 2 && c.get("name").asText().contains("uuids")) {
                two = c;
            }
        }
        List<String> ids = new ArrayList<>();
        two.get("items").forEach(i -> ids.add(i.asText()));
        BatchDocument d = BatchDocument.build(ids, List.of("{}", "{}"), List.of(), List.of());
        assertThat(d.rootHash()).isEqualTo(two.get("root").asText());
        assertThat(BatchDocument.finalizedCidsRootHash(ids))
                .isEqualTo(two.get("root").asText());
    }

    @Test
    void roundTripAndDeterministicCid() throws Exception {
        BatchDocument d = BatchDocument.build(
                List.of(ID1, ID2),
                List.of("{\"a\":\"\\n\"}", "{}"),
                List.of("p1", "p2"),
                List.of("bafkreia", "bafkreib"));
        byte[] json = d.toJson();
        BatchDocument back = BatchDocument.fromJson(json);
        assertThat(back).isEqualTo(d);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(Cid.rawLeavesV1(back.toJson())).isEqualTo(Cid.rawLeavesV1(json));
        assertThat(d.finalizedCidsRootHash()).isEqualTo(IncrementalMerkleTree.rootHex(List.of("bafkreia", "bafkreib")));
    }

    @Test
    void rejectsBadDocuments() {
        String root = IncrementalMerkleTree.rootHex(List.of());
        assertThatThrownBy(() -> BatchDocument.fromJson("[]".getBytes())).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> BatchDocument.fromJson("{".getBytes())).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> BatchDocument.fromJson(("{\"submissionIDs\":[],\"submissions\":[],\"roothash\":\""
                                + root + "\",\"pids\":[],\"cids\":[1]}")
                        .getBytes()))
                .hasMessageContaining("non-string");
        assertThatThrownBy(() -> BatchDocument.fromJson(("{\"submissionIDs\":[\"a\"],\"submissions\":[],\"roothash\":\""
                                + root + "\",\"pids\":[],\"cids\":[]}")
                        .getBytes()))
                .hasMessageContaining("differ in length");
        assertThatThrownBy(() -> BatchDocument.fromJson(
                        ("{\"submissionIDs\":[],\"submissions\":[],\"roothash\":\"0x1\"," + "\"pids\":[],\"cids\":[]}")
                                .getBytes()))
                .hasMessageContaining("roothash");
        assertThatThrownBy(() -> BatchDocument.fromJson(("{\"submissionIDs\":[],\"submissions\":[],\"roothash\":\""
                                + root + "\",\"pids\":[],\"cids\":[],\"x\":1}")
                        .getBytes()))
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() -> BatchDocument.fromJson(
                        ("{\"submissions\":[],\"roothash\":\"" + root + "\",\"pids\":[],\"cids\":[]}").getBytes()))
                .hasMessageContaining("submissionIDs");
        assertThatThrownBy(() -> new BatchDocument(List.of(), List.of(), root, List.of("p"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenFromQuotedTextsAsFromStringsAndLengthKnownBeforehand() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        String alphabet = "ab\"\\\n\u0001<&\u00e9\u20ac\ud83d\ude00\ud800";
        for (int round = 0; round < 300; round++) {
            int projects = rnd.nextInt(0, 6);
            List<String> ids = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            List<String> pids = new ArrayList<>();
            List<String> cids = new ArrayList<>();
            for (int p = 0; p < projects; p++) {
                pids.add(random(rnd, alphabet));
                cids.add(random(rnd, alphabet));
                for (int k = rnd.nextInt(1, 4); k > 0; k--) {
                    ids.add(random(rnd, alphabet));
                    texts.add(random(rnd, alphabet));
                }
            }
            BatchDocument d = BatchDocument.build(ids, texts, pids, cids);
            // the byte path from the texts' UTF-8 (as the batcher holds them) gives what the string path gives for
            // the decoded texts, length included
            List<byte[]> raw =
                    texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
            List<String> decoded =
                    raw.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            byte[] viaStrings = BatchDocument.build(ids, decoded, pids, cids).toJson();
            List<byte[]> quoted = raw.stream()
                    .map(io.powerloom.sequencer.protocol.json.Utf8Json::quote)
                    .toList();
            assertThat(BatchDocument.toJsonFromQuoted(ids, quoted, d.rootHash(), pids, cids))
                    .as("round %d", round)
                    .isEqualTo(viaStrings);
            assertThat(BatchDocument.jsonLengthFromQuoted(ids, quoted, pids, cids))
                    .isEqualTo(viaStrings.length);
        }
    }

    @Test
    void submissionsThatAreNotQuotedStringsAreRefused() {
        List<byte[]> raw = List.of("{\"request\":{}}".getBytes(StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchDocument.toJsonFromQuoted(
                        List.of("id"),
                        raw,
                        BatchDocument.build(List.of("id"), List.of("x"), List.of("p"), List.of("c"))
                                .rootHash(),
                        List.of("p"),
                        List.of("c")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a quoted JSON string");
    }

    private static String random(java.util.SplittableRandom rnd, String alphabet) {
        StringBuilder b = new StringBuilder();
        for (int i = rnd.nextInt(0, 12); i > 0; i--) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
