package io.powerloom.sequencer.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.protocol.batch.BatchDocument;
import io.powerloom.sequencer.protocol.batch.BatchFormatException;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.cid.CidFormatException;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.wire.CollectStreamDecoder;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing: bad input must only ever produce the module's typed, checked exceptions (never
 * an unchecked crash), and valid input must still decode.
 */
class FuzzTest {

    private static final int ROUNDS = 20_000;
    private static final String ALPHABET = "{}[]\"\\:,0-.e ";

    static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int i = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> b[i] = (byte) rnd.nextInt(256);
                case 1 -> b[i] = (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
                case 2 -> b = java.util.Arrays.copyOf(b, i); // truncate
                default -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, i);
                    c[i] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, i, c, i + 1, b.length - i);
                    b = c;
                }
            }
        }
        return b;
    }

    @Test
    void submissionCodecOnlyThrowsWireFormatException() {
        byte[] valid = SubmissionCodec.toGoJson(new SnapshotSubmission(
                new Request(5, 77, "bafkrei", 9, "p:<x>:ns"), "ab".repeat(65), "0x01", "0xdm", "v1"));
        Random rnd = new Random(1);
        int rejected = 0;
        for (int k = 0; k < ROUNDS; k++) {
            try {
                SubmissionCodec.fromGoJson(mutate(valid, rnd));
            } catch (WireFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(ROUNDS / 2);
    }

    @Test
    void decoderOnlyThrowsWireFormatException() {
        byte[] valid = ("0f8fad5b-d9cb-469f-a165-70867728950e"
                        + new String(
                                SubmissionCodec.toGoJson(
                                        new SnapshotSubmission(new Request(5, 77, "c", 9, "p"), "ab", "h", "d", null)),
                                StandardCharsets.UTF_8))
                .repeat(3)
                .getBytes(StandardCharsets.UTF_8);
        Random rnd = new Random(2);
        for (int k = 0; k < ROUNDS; k++) {
            CollectStreamDecoder d = new CollectStreamDecoder(200);
            byte[] m = mutate(valid, rnd);
            try {
                int pos = 0;
                while (pos < m.length) {
                    int n = Math.min(m.length - pos, 1 + rnd.nextInt(64));
                    d.feed(
                            ByteBuffer.wrap(m, pos, n),
                            f -> assertThat(f.submissionId()).hasSize(36));
                    pos += n;
                }
                d.endOfStream();
            } catch (WireFormatException e) {
                assertThat(e.reason()).isNotNull();
            }
        }
    }

    @Test
    void recordCodecOnlyThrowsRecordFormatException() {
        byte[] valid = RecordCodec.encode(new Heartbeat(1732460000000L, "bridge-0", 3, 17));
        Random rnd = new Random(3);
        for (int k = 0; k < ROUNDS; k++) {
            byte[] m = mutate(valid, rnd);
            try {
                RecordCodec.decodeSubmissionTopic(m);
                RecordCodec.decodeChainTopic(m);
                RecordCodec.decodeSlotAssignment(m);
            } catch (RecordFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void batchDocumentOnlyThrowsBatchFormatException() {
        byte[] valid = BatchDocument.build(
                        java.util.List.of("a", "b"),
                        java.util.List.of("{}", "{\"x\":1}"),
                        java.util.List.of("p"),
                        java.util.List.of("c"))
                .toJson();
        Random rnd = new Random(4);
        for (int k = 0; k < ROUNDS; k++) {
            try {
                BatchDocument.fromJson(mutate(valid, rnd));
            } catch (BatchFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void cidParseOnlyThrowsCidFormatException() {
        String[] valid = {
            Cid.rawLeavesV1(new byte[] {1}),
            "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
        };
        Random rnd = new Random(5);
        for (int k = 0; k < ROUNDS; k++) {
            byte[] m = mutate(valid[k % 3].getBytes(StandardCharsets.US_ASCII), rnd);
            String s = new String(m, StandardCharsets.ISO_8859_1);
            try {
                Cid c = Cid.parse(s);
                assertThat(Cid.parse(c.toString())).isEqualTo(c);
            } catch (CidFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }
}
