package io.powerloom.sequencer.libp2p.pubsub;

import io.powerloom.sequencer.libp2p.PeerId;

/**
 * A message the router refused before any topic handler saw it; the delivering peer was penalised.
 *
 * @param peer      the neighbour that delivered it
 * @param reason    why
 * @param topic     the message's topic, or null when unknown (e.g. an oversized frame is not parsed)
 * @param messageId hex message id (from + seqno) when known, else null
 * @param data      the payload when parsed (for the rejects record), else null
 * @param size      the frame or payload size in bytes
 */
public record Rejection(PeerId peer, Reason reason, String topic, String messageId, byte[] data, long size) {

    /** Why a message was refused. */
    public enum Reason {
        /** The RPC frame exceeds the maximum message size. */
        OVERSIZED,
        /** The RPC is not valid protobuf. */
        MALFORMED_RPC,
        /** Missing from/seqno/signature, a key that does not match from, or a bad signature. */
        INVALID_SIGNATURE,
        /** A topic we do not subscribe to. */
        FOREIGN_TOPIC
    }
}
