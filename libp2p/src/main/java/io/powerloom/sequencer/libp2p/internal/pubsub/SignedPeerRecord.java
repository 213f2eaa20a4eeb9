package io.powerloom.sequencer.libp2p.internal.pubsub;

import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PublicKey;
import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A libp2p signed envelope holding a peer record (RFC 0002/0003), as peer exchange carries: verified and reduced to
 * the peer id and its addresses.
 */
record SignedPeerRecord(PeerId peer, List<Multiaddr> addresses) {
    private static final byte[] DOMAIN = "libp2p-peer-record".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};

    /** Parses and verifies {@code envelope}; null when it is malformed, not a peer record, or badly signed. */
    static SignedPeerRecord verify(byte[] envelope) {
        try {
            List<Protobuf.Field> env = Protobuf.parse(envelope);
            Protobuf.Field key = Protobuf.first(env, 1);
            Protobuf.Field type = Protobuf.first(env, 2);
            Protobuf.Field payload = Protobuf.first(env, 3);
            Protobuf.Field sig = Protobuf.first(env, 5);
            if (key == null
                    || type == null
                    || payload == null
                    || sig == null
                    || !java.util.Arrays.equals(type.bytes(), PAYLOAD_TYPE)) {
                return null;
            }
            PublicKey pk = Keys.decodePublicKey(key.bytes());
            ByteArrayOutputStream signed = new ByteArrayOutputStream();
            for (byte[] part : new byte[][] {DOMAIN, type.bytes(), payload.bytes()}) {
                signed.writeBytes(Varint.encode(part.length));
                signed.writeBytes(part);
            }
            if (!pk.verify(signed.toByteArray(), sig.bytes())) {
                return null;
            }
            List<Protobuf.Field> rec = Protobuf.parse(payload.bytes());
            Protobuf.Field id = Protobuf.first(rec, 1);
            if (id == null || id.bytes() == null) {
                return null;
            }
            PeerId peer = PeerId.fromBytes(id.bytes());
            if (!peer.matches(pk)) {
                return null;
            }
            List<Multiaddr> addrs = new ArrayList<>();
            for (Protobuf.Field f : rec) {
                if (f.number() == 3 && f.bytes() != null) {
                    Protobuf.Field ma = Protobuf.first(Protobuf.parse(f.bytes()), 1);
                    if (ma != null && ma.bytes() != null) {
                        try {
                            addrs.add(Multiaddr.fromBytes(ma.bytes()));
                        } catch (RuntimeException unsupported) {
                            // e.g. /quic or /ws addresses: not dialable by this host
                        }
                    }
                }
            }
            return new SignedPeerRecord(peer, addrs);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
