package io.powerloom.sequencer.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.protocol.wire.CollectStreamDecoder.Frame;
import io.powerloom.sequencer.protocol.wire.WireFormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CollectStreamDecoderTest {

    static final String ID1 = "0f8fad5b-d9cb-469f-a165-70867728950e";
    static final String ID2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    static final String JSON1 = "{\"request\":{\"slotId\":1,\"deadline\":100,\"snapshotCid\":\"bafkrei\",\"epochId\":5,"
            + "\"projectId\":\"p:{x}:\\\"q\\\"\"},\"signature\":\"ab\",\"header\":\"0x01\",\"dataMarket\":\"0xdm\"}";
    static final String JSON2 = "{\"a\":[1,2,{\"b\":\"}]\\\\\"},[]],\"c\":\"ünï\"}";

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<Frame> decodeAll(CollectStreamDecoder d, byte[]... reads) throws WireFormatException {
        List<Frame> out = new ArrayList<>();
        for (byte[] r : reads) {
            d.feed(ByteBuffer.wrap(r), out::add);
        }
        return out;
    }

    @Test
    void twoMessagesInOneRead() throws Exception {
        CollectStreamDecoder d = new CollectStreamDecoder(4096);
        List<Frame> frames = decodeAll(d, bytes(ID1 + JSON1 + ID2 + JSON2));
        assertThat(frames).containsExactly(new Frame(ID1, bytes(JSON1)), new Frame(ID2, bytes(JSON2)));
        assertThat(d.isIdle()).isTrue();
        assertThat(d.framesDecoded()).isEqualTo(2);
        d.endOfStream();
    }

    @Test
    void everySplitPointOfATwoMessageStream() throws Exception {
        byte[] all = bytes(ID1 + JSON1 + ID2 + JSON2);
        for (int i = 0; i <= all.length; i++) {
            for (int j = i; j <= all.length; j += 7) {
                CollectStreamDecoder d = new CollectStreamDecoder(4096);
                List<Frame> frames = decodeAll(
                        d,
                        java.util.Arrays.copyOfRange(all, 0, i),
                        java.util.Arrays.copyOfRange(all, i, j),
                        java.util.Arrays.copyOfRange(all, j, all.length));
                assertThat(frames)
                        .as("split at %d,%d", i, j)
                        .containsExactly(new Frame(ID1, bytes(JSON1)), new Frame(ID2, bytes(JSON2)));
                d.endOfStream();
            }
        }
    }

    @Test
    void oneByteAtATimeAndDirectBuffers() throws Exception {
        byte[] all = bytes(ID1 + JSON1 + "\n" + ID2 + JSON2 + "\r\n");
        CollectStreamDecoder d = new CollectStreamDecoder(4096);
        List<Frame> out = new ArrayList<>();
        for (byte b : all) {
            ByteBuffer direct = ByteBuffer.allocateDirect(1);
            direct.put(b).flip();
            d.feed(direct, out::add);
            assertThat(direct.hasRemaining()).isFalse();
        }
        assertThat(out).containsExactly(new Frame(ID1, bytes(JSON1)), new Frame(ID2, bytes(JSON2)));
        d.endOfStream();
    }

    @Test
    void manyMessagesRandomReads() throws Exception {
        Random rnd = new Random(42);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Frame> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String id = java.util
                    .UUID
                    .nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)})
                    .toString();
            String json = "{\"n\":" + i + ",\"s\":\"" + "x\\\"{".repeat(rnd.nextInt(50)) + "\"}";
            stream.writeBytes(bytes(id + json));
            if (rnd.nextInt(5) == 0) {
                stream.writeBytes(bytes(" \n"));
            }
            expected.add(new Frame(id, bytes(json)));
        }
        byte[] all = stream.toByteArray();
        CollectStreamDecoder d = new CollectStreamDecoder(1024);
        List<Frame> out = new ArrayList<>();
        int pos = 0;
        while (pos < all.length) {
            int n = Math.min(all.length - pos, rnd.nextInt(3000));
            ByteBuffer buf = ByteBuffer.wrap(all, pos, n).slice(); // non-zero array offset
            d.feed(buf, out::add);
            pos += n;
        }
        assertThat(out).containsExactlyElementsOf(expected);
        d.endOfStream();
    }

    @Test
    void sizeBoundExactlyAtTheBoundIsAccepted() throws Exception {
        String msg = ID1 + "{\"a\":\"bc\"}";
        CollectStreamDecoder d = new CollectStreamDecoder(msg.length());
        assertThat(decodeAll(d, bytes(msg + msg))).hasSize(2);
    }

    @Test
    void sizeBoundOneOverFailsMidJson() {
        String msg = ID1 + "{\"a\":\"bc\"}";
        CollectStreamDecoder d = new CollectStreamDecoder(msg.length() - 1);
        List<Frame> out = new ArrayList<>();
        assertThatThrownBy(() -> d.feed(bytes(msg), out::add))
                .isInstanceOf(WireFormatException.class)
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(Reason.OVERSIZED))
                .hasMessageContaining(ID1)
                .hasMessageContaining("bound of " + (msg.length() - 1));
        assertThat(out).isEmpty();
    }

    @Test
    void sizeBoundIsDetectedAsSoonAsExceededEvenWithoutTheEnd() throws Exception {
        // a never-ending JSON object fed byte by byte fails exactly at byte bound+1
        CollectStreamDecoder d = new CollectStreamDecoder(100);
        byte[] head = bytes(ID1 + "{\"a\":\"");
        d.feed(head, f -> {});
        int fed = head.length;
        WireFormatException failure = null;
        while (failure == null) {
            try {
                d.feed(new byte[] {'x'}, f -> {});
                fed++;
            } catch (WireFormatException e) {
                failure = e;
            }
        }
        assertThat(failure.reason()).isEqualTo(Reason.OVERSIZED);
        assertThat(fed).isEqualTo(100);
    }

    @Test
    void hugeBoundDoesNotOverflow() throws Exception {
        CollectStreamDecoder d = new CollectStreamDecoder(Integer.MAX_VALUE);
        assertThat(decodeAll(d, bytes(ID1 + JSON1 + ID2 + JSON2)))
                .containsExactly(new Frame(ID1, bytes(JSON1)), new Frame(ID2, bytes(JSON2)));
    }

    @Test
    void sizeBoundHitMidUuid() {
        CollectStreamDecoder d = new CollectStreamDecoder(20);
        assertThatThrownBy(() -> d.feed(bytes(ID1 + "{}"), f -> {}))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(Reason.OVERSIZED));
    }

    @Test
    void whitespaceBetweenUuidAndJsonCountsTowardsTheBound() throws Exception {
        String msg = ID1 + "  {}";
        assertThat(decodeAll(new CollectStreamDecoder(msg.length()), bytes(msg)))
                .hasSize(1);
        assertThatThrownBy(() -> decodeAll(new CollectStreamDecoder(msg.length() - 1), bytes(msg)))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(Reason.OVERSIZED));
    }

    @Test
    void badUuidCharacters() {
        assertReason(ID1.replace('f', 'g') + "{}", Reason.BAD_UUID, "position 1");
        assertReason(ID1.replace('-', 'a') + "{}", Reason.BAD_UUID, "expected '-'");
        assertReason("{\"a\":1}", Reason.BAD_UUID, "position 0");
        assertReason(ID1.substring(0, 35) + "{}", Reason.BAD_UUID, "position 35");
    }

    @Test
    void nonObjectAfterUuid() {
        assertReason(ID1 + "[1,2]", Reason.NOT_JSON_OBJECT, "expected '{'");
        assertReason(ID1 + "\"s\"", Reason.NOT_JSON_OBJECT, "found '\"'");
        assertReason(ID1 + "\u0000", Reason.NOT_JSON_OBJECT, "0x00");
    }

    @Test
    void unbalancedAndMismatched() {
        assertReason(ID1 + "{\"a\":[}", Reason.MALFORMED_JSON, "'}' closes an array");
        assertReason(ID1 + "{\"a\":{]}", Reason.MALFORMED_JSON, "']' closes an object");
        assertReason(ID1 + "{\"a\":1 @}", Reason.MALFORMED_JSON, "'@'");
        assertReason(ID1 + "{\"a\":\"line\nbreak\"}", Reason.MALFORMED_JSON, "control byte");
        assertReason(ID1 + "{" + "[".repeat(70), Reason.MALFORMED_JSON, "nesting deeper");
    }

    @Test
    void bracesAndQuotesInsideStringsDoNotConfuseFraming() throws Exception {
        String json = "{\"x\":\"}}}{{{\\\"]]\\\\\",\"y\":\"\\\\\"}";
        assertThat(decodeAll(new CollectStreamDecoder(1000), bytes(ID1 + json + ID2 + "{}")))
                .containsExactly(new Frame(ID1, bytes(json)), new Frame(ID2, bytes("{}")));
    }

    @Test
    void truncatedAtEndOfStream() throws Exception {
        for (String partial : new String[] {ID1.substring(0, 10), ID1, ID1 + "{\"a\":\"}", ID1 + "{\"a\":[1"}) {
            CollectStreamDecoder d = new CollectStreamDecoder(1000);
            decodeAll(d, bytes(ID2 + "{}" + partial));
            assertThat(d.isIdle()).isFalse();
            assertThatThrownBy(d::endOfStream)
                    .satisfies(
                            e -> assertThat(((WireFormatException) e).reason()).isEqualTo(Reason.TRUNCATED))
                    .hasMessageContaining("stream ended");
        }
    }

    @Test
    void deadAfterAnError() {
        CollectStreamDecoder d = new CollectStreamDecoder(1000);
        assertThatThrownBy(() -> d.feed(bytes("nope"), f -> {})).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> d.feed(bytes(ID1 + "{}"), f -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed earlier");
    }

    @Test
    void framesBeforeAnErrorInTheSameReadAreDelivered() {
        CollectStreamDecoder d = new CollectStreamDecoder(1000);
        List<Frame> out = new ArrayList<>();
        assertThatThrownBy(() -> d.feed(bytes(ID1 + "{}" + ID2 + "]"), out::add))
                .isInstanceOf(WireFormatException.class);
        assertThat(out).containsExactly(new Frame(ID1, bytes("{}")));
    }

    @Test
    void framedJsonDecodesAsASubmission() throws Exception {
        List<Frame> frames = decodeAll(new CollectStreamDecoder(2048), bytes(ID1 + JSON1));
        SnapshotSubmission s = SubmissionCodec.fromGoJson(frames.get(0).json());
        assertThat(s.request().projectId()).isEqualTo("p:{x}:\"q\"");
        assertThat(s.request().epochId()).isEqualTo(5);
    }

    @Test
    void upperCaseUuidAndInvalidUtf8AreFramedThenRejectedByTheCodec() throws Exception {
        String upper = ID1.toUpperCase();
        byte[] json = bytes("{\"request\":{\"projectId\":\"a?b\"},\"signature\":\"s\",\"dataMarket\":\"d\"}");
        json[new String(json, StandardCharsets.UTF_8).indexOf('?')] = (byte) 0xFF; // never valid in UTF-8
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(bytes(upper));
        s.writeBytes(json);
        List<Frame> frames = decodeAll(new CollectStreamDecoder(1000), s.toByteArray());
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).submissionId()).isEqualTo(upper);
        assertThatThrownBy(() -> SubmissionCodec.fromGoJson(frames.get(0).json()))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(Reason.MALFORMED_JSON));
    }

    @Test
    void serializableModel() throws Exception {
        SnapshotSubmission sub = SubmissionCodec.fromGoJson(bytes(JSON1));
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream oos = new java.io.ObjectOutputStream(bos)) {
            oos.writeObject(sub);
        }
        try (java.io.ObjectInputStream ois =
                new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bos.toByteArray()))) {
            assertThat(ois.readObject()).isEqualTo(sub);
        }
    }

    private static void assertReason(String stream, Reason reason, String messagePart) {
        CollectStreamDecoder d = new CollectStreamDecoder(1000);
        assertThatThrownBy(() -> d.feed(bytes(stream), f -> {}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(reason));
    }
}
