package io.powerloom.sequencer.libp2p.crypto;

/** libp2p key types, numbered as in the {@code KeyType} enum of the peer-id spec's protobuf. */
public enum KeyType {
    RSA(0),
    ED25519(1),
    SECP256K1(2),
    ECDSA(3);

    private final int code;

    KeyType(int code) {
        this.code = code;
    }

    /** The protobuf enum value. */
    public int code() {
        return code;
    }

    /** The key type for a protobuf enum value, or null if unknown. */
    public static KeyType of(int code) {
        for (KeyType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
