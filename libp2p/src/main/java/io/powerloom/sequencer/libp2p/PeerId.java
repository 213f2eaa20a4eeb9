package io.powerloom.sequencer.libp2p;

import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PublicKey;
import io.powerloom.sequencer.libp2p.internal.util.Base32;
import io.powerloom.sequencer.libp2p.internal.util.Base58;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A libp2p peer id: the multihash of the peer's protobuf-encoded public key (identity multihash when that
 * encoding is at most 42 bytes, as for Ed25519 and secp256k1 keys; SHA-256 otherwise). The string form is
 * base58btc ({@code 12D3Koo…} for Ed25519, {@code 16Uiu2…} for secp256k1, {@code Qm…} for RSA); the CIDv1 form
 * ({@code bafz…}, codec libp2p-key) is accepted by {@link #fromString}.
 */
public final class PeerId {
    private static final int IDENTITY = 0x00;
    private static final int SHA2_256 = 0x12;
    private static final int LIBP2P_KEY_CODEC = 0x72;
    private static final int MAX_INLINE_KEY_LENGTH = 42;

    private final byte[] multihash;
    private final String text;

    private PeerId(byte[] multihash) {
        this.multihash = multihash;
        this.text = Base58.encode(multihash);
    }

    /** The peer id of {@code key}. */
    public static PeerId fromPublicKey(PublicKey key) {
        byte[] pb = key.toProtobuf();
        if (pb.length <= MAX_INLINE_KEY_LENGTH) {
            byte[] mh = new byte[2 + pb.length];
            mh[0] = IDENTITY;
            mh[1] = (byte) pb.length;
            System.arraycopy(pb, 0, mh, 2, pb.length);
            return new PeerId(mh);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(pb);
            byte[] mh = new byte[34];
            mh[0] = SHA2_256;
            mh[1] = 32;
            System.arraycopy(digest, 0, mh, 2, 32);
            return new PeerId(mh);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses the base58btc multihash form or the CIDv1 ({@code b…} base32) form. */
    public static PeerId fromString(String s) {
        if (s == null || s.isEmpty()) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "empty peer id");
        }
        if (s.charAt(0) == 'b') { // multibase base32: CIDv1 (base58btc ids start with '1' or 'Q')
            byte[] cid = Base32.decode(s.substring(1));
            int[] pos = {0};
            long version = Varint.read(cid, pos);
            long codec = Varint.read(cid, pos);
            if (version != 1 || codec != LIBP2P_KEY_CODEC) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "not a libp2p-key CIDv1: " + s);
            }
            return fromBytes(Arrays.copyOfRange(cid, pos[0], cid.length));
        }
        return fromBytes(Base58.decode(s));
    }

    /** Parses the binary multihash form. */
    public static PeerId fromBytes(byte[] multihash) {
        int[] pos = {0};
        long code;
        long len;
        try {
            code = Varint.read(multihash, pos);
            len = Varint.read(multihash, pos);
        } catch (Libp2pException e) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "peer id is not a multihash", e);
        }
        if (code != IDENTITY && code != SHA2_256) {
            throw new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT,
                    "peer id multihash uses unsupported hash 0x" + Long.toHexString(code));
        }
        if (len != multihash.length - pos[0] || (code == SHA2_256 && len != 32)) {
            throw new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT,
                    "peer id multihash length " + len + " does not match its " + (multihash.length - pos[0])
                            + " digest bytes");
        }
        return new PeerId(multihash.clone());
    }

    /** The binary multihash. */
    public byte[] bytes() {
        return multihash.clone();
    }

    /** The public key inlined in an identity-multihash peer id, or null for hashed (RSA) ids. */
    public PublicKey publicKey() {
        if (multihash[0] != IDENTITY) {
            return null;
        }
        return Keys.decodePublicKey(Arrays.copyOfRange(multihash, 2, multihash.length));
    }

    /** Whether {@code key} is this peer's key. */
    public boolean matches(PublicKey key) {
        return equals(fromPublicKey(key));
    }

    /** The CIDv1 form (base32, codec libp2p-key). */
    public String toCidString() {
        byte[] cid = new byte[2 + multihash.length];
        cid[0] = 1;
        cid[1] = LIBP2P_KEY_CODEC;
        System.arraycopy(multihash, 0, cid, 2, multihash.length);
        return "b" + Base32.encode(cid);
    }

    /** The base58btc form. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(multihash, other.multihash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(multihash);
    }
}
