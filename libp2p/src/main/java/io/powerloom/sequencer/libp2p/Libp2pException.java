package io.powerloom.sequencer.libp2p;

/** A typed libp2p failure: the {@link Kind} says which layer rejected what, the message says why. */
public class Libp2pException extends RuntimeException {
    /** Which rule or layer failed. */
    public enum Kind {
        /** Malformed input: bad multiaddr, peer id, key, varint, protobuf. */
        INVALID_INPUT,
        /** A peer broke a wire protocol (multistream, yamux framing, oversized frame). */
        PROTOCOL,
        /** The remote does not support the protocol we asked for. */
        NEGOTIATION,
        /** Noise handshake failed: bad signature, unexpected peer id, decryption failure. */
        HANDSHAKE,
        /** A configured limit (connections, streams) was hit. */
        LIMIT,
        /** The relay refused or failed (status code in the message). */
        RELAY,
        /** A step did not finish in time. */
        TIMEOUT,
        /** The stream or connection is closed. */
        CLOSED,
        /** The transport failed (connect refused, I/O error). */
        TRANSPORT
    }

    private final Kind kind;

    public Libp2pException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Libp2pException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Which rule or layer failed. */
    public Kind kind() {
        return kind;
    }

    @Override
    public String getMessage() {
        return kind + ": " + super.getMessage();
    }
}
