package io.powerloom.sequencer.libp2p.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RpcTest {
    private static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.UTF_8);

    /** The StrictSign input written field by field with the general protobuf writer. */
    private static byte[] reference(Rpc.Message m) {
        Protobuf.Writer w = new Protobuf.Writer();
        if (m.from() != null) w.bytes(1, m.from());
        if (m.data() != null) w.bytes(2, m.data());
        if (m.seqno() != null) w.bytes(3, m.seqno());
        if (m.topic() != null) w.string(4, m.topic());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PREFIX);
        out.writeBytes(w.toByteArray());
        return out.toByteArray();
    }

    @Test
    void signedInputIsThePrefixAndTheMessageWithoutSignatureAndKey() {
        Random r = new Random(7);
        byte[] from = new byte[38];
        r.nextBytes(from);
        byte[] seqno = new byte[8];
        r.nextBytes(seqno);
        byte[] sig = new byte[64];
        // data lengths around the varint boundaries (1, 2 and 3 length bytes)
        for (int len : new int[] {0, 1, 127, 128, 16_383, 16_384, 200_000}) {
            byte[] data = new byte[len];
            r.nextBytes(data);
            Rpc.Message m = new Rpc.Message(from, data, seqno, "/powerloom/snapshot-submissions/all", sig, from);
            assertThat(m.signedInput(PREFIX)).as("data of %d bytes", len).isEqualTo(reference(m));
        }
        Rpc.Message sparse = new Rpc.Message(from, null, null, "t\u00e9", sig, null);
        assertThat(sparse.signedInput(PREFIX)).isEqualTo(reference(sparse));
        assertThat(sparse.signedBytes())
                .isEqualTo(java.util.Arrays.copyOfRange(reference(sparse), PREFIX.length, reference(sparse).length));
    }
}
