package io.powerloom.sequencer.libp2p.crypto;

import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/** An RSA identity public key (PKIX DER), verify only: signatures are PKCS#1 v1.5 with SHA-256. */
final class RsaPublicKey implements PublicKey {
    private final byte[] der;

    RsaPublicKey(byte[] der) {
        this.der = der.clone();
    }

    @Override public KeyType type() { return KeyType.RSA; }

    @Override public byte[] raw() { return der.clone(); }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
        try {
            java.security.PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(key);
            v.update(message);
            return v.verify(signature);
        } catch (Exception e) {
            return false;
        }
    }
}
