package io.powerloom.sequencer.libp2p.internal.kad;

import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kademlia DHT {@code Message} protobuf of {@code /ipfs/kad/1.0.0} (libp2p/specs kad-dht): type, key, closer
 * peers and provider peers (records are not used by this client).
 */
public record KadMessage(Type type, byte[] key, List<Peer> closerPeers, List<Peer> providerPeers) {

    /** {@code MessageType}. */
    public enum Type {
        PUT_VALUE,
        GET_VALUE,
        ADD_PROVIDER,
        GET_PROVIDERS,
        FIND_NODE,
        PING;

        static Type of(long v) {
            return v >= 0 && v < values().length ? values()[(int) v] : null;
        }
    }

    /** {@code Peer}: id and binary multiaddrs. */
    public record Peer(byte[] id, List<byte[]> addrs) {}

    public byte[] encode() {
        Protobuf.Writer w = new Protobuf.Writer().varint(1, type.ordinal());
        if (key != null) {
            w.bytes(2, key);
        }
        for (Peer p : closerPeers) {
            w.bytes(8, peer(p));
        }
        for (Peer p : providerPeers) {
            w.bytes(9, peer(p));
        }
        return w.toByteArray();
    }

    private static byte[] peer(Peer p) {
        Protobuf.Writer w = new Protobuf.Writer().bytes(1, p.id());
        p.addrs().forEach(a -> w.bytes(2, a));
        return w.toByteArray();
    }

    public static KadMessage decode(byte[] b) {
        Type type = null;
        byte[] key = null;
        List<Peer> closer = new ArrayList<>();
        List<Peer> providers = new ArrayList<>();
        for (Protobuf.Field f : Protobuf.parse(b)) {
            switch (f.number()) {
                case 1 -> type = f.bytes() == null ? Type.of(f.value()) : null;
                case 2 -> key = f.bytes();
                case 8, 9 -> {
                    if (f.bytes() == null) {
                        continue;
                    }
                    byte[] id = null;
                    List<byte[]> addrs = new ArrayList<>();
                    for (Protobuf.Field pf : Protobuf.parse(f.bytes())) {
                        if (pf.number() == 1 && pf.bytes() != null) id = pf.bytes();
                        if (pf.number() == 2 && pf.bytes() != null) addrs.add(pf.bytes());
                    }
                    if (id != null) {
                        (f.number() == 8 ? closer : providers).add(new Peer(id, addrs));
                    }
                }
                default -> {}
            }
        }
        if (type == null) {
            throw new IllegalArgumentException("kad message without a known type");
        }
        return new KadMessage(type, key, closer, providers);
    }
}
