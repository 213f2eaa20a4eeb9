package io.powerloom.sequencer.libp2p.internal.noise;

import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.crypto.PublicKey;
import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The libp2p Noise handshake: pattern XX, Noise_XX_25519_ChaChaPoly_SHA256, empty prologue.
 *
 * <pre>
 *   -> e                       (initiator, empty payload)
 *   <- e, ee, s, es, payload   (responder's NoiseHandshakePayload)
 *   -> s, se, payload          (initiator's NoiseHandshakePayload)
 * </pre>
 *
 * The payload carries the identity key and its signature over {@code "noise-libp2p-static-key:" || static key},
 * which binds the Noise static key to the libp2p peer id. Messages here exclude the 2-byte length prefix.
 */
public final class NoiseHandshake {
    public static final String PROTOCOL_ID = "/noise";
    private static final byte[] PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIG_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int DH = 32;

    private final boolean initiator;
    private final PrivateKey identity;
    private final PeerId expectedRemote;
    private final byte[] s = new byte[DH];
    private final byte[] sPub = new byte[DH];
    private final byte[] e = new byte[DH];
    private final byte[] ePub = new byte[DH];
    private byte[] re;
    private byte[] rs;
    private byte[] h;
    private byte[] ck;
    private CipherState k;
    private int step;
    private PeerId remotePeer;
    private PublicKey remoteIdentity;
    private CipherState sender;
    private CipherState receiver;

    /**
     * @param expectedRemote the peer the initiator dialed (checked against the responder's identity), or null
     */
    public NoiseHandshake(boolean initiator, PrivateKey identity, PeerId expectedRemote) {
        this.initiator = initiator;
        this.identity = identity;
        this.expectedRemote = expectedRemote;
        X25519.generatePrivateKey(RANDOM, s);
        X25519.generatePublicKey(s, 0, sPub, 0);
        X25519.generatePrivateKey(RANDOM, e);
        X25519.generatePublicKey(e, 0, ePub, 0);
        h = Arrays.copyOf(PROTOCOL_NAME, 32);
        ck = h.clone();
        mixHash(new byte[0]);
    }

    /** Initiator only: message 1 ({@code e}). */
    public byte[] start() {
        if (!initiator || step != 0) {
            throw new IllegalStateException("start() is the initiator's first step");
        }
        mixHash(ePub);
        mixHash(new byte[0]); // empty payload, no key yet
        step = 1;
        return ePub.clone();
    }

    /**
     * Processes one handshake message from the peer.
     *
     * @return the message to send in reply, or null when there is none
     * @throws Libp2pException HANDSHAKE when the message is malformed, fails authentication, or the identity
     *                         does not check out
     */
    public byte[] onMessage(byte[] msg) {
        if (initiator && step == 1) {
            readMessage2(msg);
            byte[] reply = writeMessage3();
            finish();
            return reply;
        }
        if (!initiator && step == 0) {
            readMessage1(msg);
            step = 1;
            return writeMessage2();
        }
        if (!initiator && step == 1) {
            readMessage3(msg);
            finish();
            return null;
        }
        throw new Libp2pException(Libp2pException.Kind.HANDSHAKE, "unexpected noise handshake message");
    }

    /** Whether the handshake finished. */
    public boolean complete() {
        return sender != null;
    }

    public PeerId remotePeer() {
        return remotePeer;
    }

    public PublicKey remoteIdentity() {
        return remoteIdentity;
    }

    /** Our sending cipher after completion. */
    public CipherState sender() {
        return sender;
    }

    /** Our receiving cipher after completion. */
    public CipherState receiver() {
        return receiver;
    }

    private void readMessage1(byte[] msg) {
        if (msg.length < DH) {
            throw bad("message 1 shorter than an ephemeral key");
        }
        re = Arrays.copyOf(msg, DH);
        mixHash(re);
        mixHash(Arrays.copyOfRange(msg, DH, msg.length)); // payload in clear (normally empty)
    }

    private byte[] writeMessage2() {
        mixHash(ePub);
        mixKey(dh(e, re));
        byte[] encS = encryptAndHash(sPub);
        mixKey(dh(s, re));
        byte[] payload = encryptAndHash(payload());
        return concat(ePub, encS, payload);
    }

    private void readMessage2(byte[] msg) {
        if (msg.length < DH + DH + CipherState.TAG + CipherState.TAG) {
            throw bad("message 2 too short (" + msg.length + " bytes)");
        }
        re = Arrays.copyOf(msg, DH);
        mixHash(re);
        mixKey(dh(e, re));
        rs = decryptAndHash(Arrays.copyOfRange(msg, DH, DH + DH + CipherState.TAG));
        mixKey(dh(e, rs));
        byte[] payload = decryptAndHash(Arrays.copyOfRange(msg, DH + DH + CipherState.TAG, msg.length));
        verifyPayload(payload);
    }

    private byte[] writeMessage3() {
        byte[] encS = encryptAndHash(sPub);
        mixKey(dh(s, re));
        byte[] payload = encryptAndHash(payload());
        return concat(encS, payload);
    }

    private void readMessage3(byte[] msg) {
        if (msg.length < DH + CipherState.TAG + CipherState.TAG) {
            throw bad("message 3 too short (" + msg.length + " bytes)");
        }
        rs = decryptAndHash(Arrays.copyOf(msg, DH + CipherState.TAG));
        mixKey(dh(e, rs));
        byte[] payload = decryptAndHash(Arrays.copyOfRange(msg, DH + CipherState.TAG, msg.length));
        verifyPayload(payload);
    }

    private byte[] payload() {
        byte[] sig = identity.sign(concat(SIG_PREFIX, sPub));
        return new Protobuf.Writer()
                .bytes(1, identity.publicKey().toProtobuf())
                .bytes(2, sig)
                .toByteArray();
    }

    private void verifyPayload(byte[] payload) {
        List<Protobuf.Field> fields;
        try {
            fields = Protobuf.parse(payload);
        } catch (Libp2pException ex) {
            throw bad("malformed handshake payload: " + ex.getMessage());
        }
        Protobuf.Field key = Protobuf.first(fields, 1);
        Protobuf.Field sig = Protobuf.first(fields, 2);
        if (key == null || key.bytes() == null || sig == null || sig.bytes() == null) {
            throw bad("handshake payload lacks identity key or signature");
        }
        PublicKey pub;
        try {
            pub = Keys.decodePublicKey(key.bytes());
        } catch (Libp2pException ex) {
            throw bad("unusable identity key: " + ex.getMessage());
        }
        if (!pub.verify(concat(SIG_PREFIX, rs), sig.bytes())) {
            throw bad("identity signature over the noise static key does not verify");
        }
        PeerId id = PeerId.fromPublicKey(pub);
        if (expectedRemote != null && !expectedRemote.equals(id)) {
            throw bad("dialed " + expectedRemote + " but the peer is " + id);
        }
        remoteIdentity = pub;
        remotePeer = id;
    }

    private void finish() {
        byte[][] keys = hkdf(ck, new byte[0]);
        CipherState c1 = new CipherState(Arrays.copyOf(keys[0], 32));
        CipherState c2 = new CipherState(Arrays.copyOf(keys[1], 32));
        sender = initiator ? c1 : c2;
        receiver = initiator ? c2 : c1;
        step = 2;
        Arrays.fill(s, (byte) 0);
        Arrays.fill(e, (byte) 0);
    }

    private static byte[] dh(byte[] priv, byte[] pub) {
        byte[] out = new byte[DH];
        if (!X25519.calculateAgreement(priv, 0, pub, 0, out, 0)) {
            throw bad("X25519 agreement gave the all-zero value (low-order point)");
        }
        return out;
    }

    private void mixHash(byte[] data) {
        h = sha256(h, data);
    }

    private void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ck, ikm);
        ck = out[0];
        k = new CipherState(Arrays.copyOf(out[1], 32));
    }

    private byte[] encryptAndHash(byte[] plaintext) {
        byte[] c = k == null ? plaintext : k.encryptWithAd(h, plaintext);
        mixHash(c);
        return c;
    }

    private byte[] decryptAndHash(byte[] ciphertext) {
        byte[] p = k == null ? ciphertext : k.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return p;
    }

    private static byte[][] hkdf(byte[] chainingKey, byte[] ikm) {
        byte[] temp = hmac(chainingKey, ikm);
        byte[] out1 = hmac(temp, new byte[] {1});
        byte[] out2 = hmac(temp, concat(out1, new byte[] {2}));
        return new byte[][] {out1, out2};
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] sha256(byte[] a, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(a);
            md.update(b);
            return md.digest();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static Libp2pException bad(String why) {
        return new Libp2pException(Libp2pException.Kind.HANDSHAKE, why);
    }
}
