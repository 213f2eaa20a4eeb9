package io.powerloom.sequencer.libp2p.pubsub;

import io.powerloom.sequencer.libp2p.PeerId;
import java.util.HexFormat;

/**
 * A verified pubsub message (StrictSign checked).
 *
 * @param from         the publisher (signer)
 * @param seqno        the publisher's sequence number (8 bytes big-endian in go and js)
 * @param topic        the topic
 * @param data         the payload
 * @param receivedFrom the neighbour that delivered it (the publisher itself, or a peer forwarding it)
 */
public record PubsubMessage(PeerId from, byte[] seqno, String topic, byte[] data, PeerId receivedFrom) {

    /** The message id (from + seqno) as lowercase hex: {@code hex(from bytes) + hex(seqno)}. */
    public String messageId() {
        HexFormat h = HexFormat.of();
        return h.formatHex(from.bytes()) + h.formatHex(seqno);
    }
}
