package io.powerloom.sequencer.libp2p.crypto;

/** A libp2p identity public key: verifies signatures and has a protobuf ({@code PublicKey}) encoding. */
public interface PublicKey {
    KeyType type();

    /** The raw key bytes as they appear in the protobuf {@code Data} field. */
    byte[] raw();

    /** Whether {@code signature} is a valid signature of {@code message} by this key. */
    boolean verify(byte[] message, byte[] signature);

    /** The protobuf {@code PublicKey} encoding (type + data), which peer ids are derived from. */
    default byte[] toProtobuf() {
        return Keys.encodePublicKey(type(), raw());
    }
}
