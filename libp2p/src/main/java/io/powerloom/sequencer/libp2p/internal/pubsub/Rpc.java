package io.powerloom.sequencer.libp2p.internal.pubsub;

import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pubsub {@code RPC} protobuf (libp2p/specs pubsub and gossipsub v1.0–v1.2): subscriptions, published messages
 * and the gossipsub control messages (IHAVE, IWANT, GRAFT, PRUNE with peer exchange, IDONTWANT). Message ids
 * travel as raw bytes; here they are held as ISO-8859-1 strings (one char per byte) so they hash and compare by
 * content.
 */
public record Rpc(List<SubOpts> subscriptions, List<Message> publish, Control control) {

    /** {@code SubOpts}: subscribe (true) or unsubscribe to a topic. */
    public record SubOpts(boolean subscribe, String topic) {}

    /**
     * {@code Message}; absent fields are null. {@code raw} is the encoded message as received (for size checks),
     * null for messages we build.
     */
    public record Message(byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key) {
        /** The encoding signed by StrictSign: fields 1–4 as present, without signature and key. */
        public byte[] signedBytes() {
            return signedInput(new byte[0]);
        }

        /**
         * {@code prefix} followed by {@link #signedBytes()}, written once into one array of the exact size (what
         * StrictSign signs and verifies, with the prefix {@code "libp2p-pubsub:"}).
         */
        public byte[] signedInput(byte[] prefix) {
            byte[] t = topic == null ? null : topic.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[prefix.length + fieldSize(from) + fieldSize(data) + fieldSize(seqno) + fieldSize(t)];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            int pos = put(out, prefix.length, 1, from);
            pos = put(out, pos, 2, data);
            pos = put(out, pos, 3, seqno);
            put(out, pos, 4, t);
            return out;
        }

        /** A length-delimited field of number 1–15 (one tag byte). */
        private static int fieldSize(byte[] value) {
            return value == null ? 0 : 1 + Varint.size(value.length) + value.length;
        }

        private static int put(byte[] out, int pos, int field, byte[] value) {
            if (value == null) {
                return pos;
            }
            out[pos++] = (byte) (field << 3 | 2);
            int len = value.length;
            while ((len & ~0x7F) != 0) {
                out[pos++] = (byte) (len & 0x7F | 0x80);
                len >>>= 7;
            }
            out[pos++] = (byte) len;
            System.arraycopy(value, 0, out, pos, value.length);
            return pos + value.length;
        }

        byte[] encode() {
            Protobuf.Writer w = new Protobuf.Writer();
            if (from != null) w.bytes(1, from);
            if (data != null) w.bytes(2, data);
            if (seqno != null) w.bytes(3, seqno);
            if (topic != null) w.string(4, topic);
            if (signature != null) w.bytes(5, signature);
            if (key != null) w.bytes(6, key);
            return w.toByteArray();
        }

        static Message decode(byte[] b) {
            List<Protobuf.Field> fs = Protobuf.parse(b);
            byte[] from = null, data = null, seqno = null, sig = null, key = null;
            String topic = null;
            for (Protobuf.Field f : fs) {
                if (f.bytes() == null) continue;
                switch (f.number()) {
                    case 1 -> from = f.bytes();
                    case 2 -> data = f.bytes();
                    case 3 -> seqno = f.bytes();
                    case 4 -> topic = f.string();
                    case 5 -> sig = f.bytes();
                    case 6 -> key = f.bytes();
                    default -> {}
                }
            }
            return new Message(from, data, seqno, topic, sig, key);
        }
    }

    /** {@code PeerInfo} of a PRUNE's peer exchange: a peer id and, optionally, its signed peer record. */
    public record PeerInfo(byte[] peerId, byte[] signedPeerRecord) {}

    /** {@code ControlPrune}. {@code backoffSeconds} is -1 when absent. */
    public record Prune(String topic, List<PeerInfo> peers, long backoffSeconds) {}

    /** {@code IHave}: message ids of one topic. */
    public record IHave(String topic, List<String> messageIds) {}

    /** {@code ControlMessage}. */
    public record Control(
            List<IHave> ihave,
            List<List<String>> iwant,
            List<String> graft,
            List<Prune> prune,
            List<List<String>> idontwant) {
        public boolean isEmpty() {
            return ihave.isEmpty() && iwant.isEmpty() && graft.isEmpty() && prune.isEmpty() && idontwant.isEmpty();
        }

        public static Control empty() {
            return new Control(
                    new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    public static Rpc empty() {
        return new Rpc(new ArrayList<>(), new ArrayList<>(), Control.empty());
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty() && publish.isEmpty() && (control == null || control.isEmpty());
    }

    static String id(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    static byte[] idBytes(String id) {
        return id.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The encoded RPC (without the length prefix). */
    public byte[] encode() {
        Protobuf.Writer w = new Protobuf.Writer();
        for (SubOpts s : subscriptions) {
            w.bytes(
                    1,
                    new Protobuf.Writer()
                            .varint(1, s.subscribe() ? 1 : 0)
                            .string(2, s.topic())
                            .toByteArray());
        }
        for (Message m : publish) {
            w.bytes(2, m.encode());
        }
        if (control != null && !control.isEmpty()) {
            Protobuf.Writer c = new Protobuf.Writer();
            for (IHave ih : control.ihave()) {
                Protobuf.Writer x = new Protobuf.Writer().string(1, ih.topic());
                ih.messageIds().forEach(id -> x.bytes(2, idBytes(id)));
                c.bytes(1, x.toByteArray());
            }
            for (List<String> ids : control.iwant()) {
                Protobuf.Writer x = new Protobuf.Writer();
                ids.forEach(id -> x.bytes(1, idBytes(id)));
                c.bytes(2, x.toByteArray());
            }
            for (String t : control.graft()) {
                c.bytes(3, new Protobuf.Writer().string(1, t).toByteArray());
            }
            for (Prune p : control.prune()) {
                Protobuf.Writer x = new Protobuf.Writer().string(1, p.topic());
                for (PeerInfo pi : p.peers()) {
                    Protobuf.Writer y = new Protobuf.Writer();
                    if (pi.peerId() != null) y.bytes(1, pi.peerId());
                    if (pi.signedPeerRecord() != null) y.bytes(2, pi.signedPeerRecord());
                    x.bytes(2, y.toByteArray());
                }
                if (p.backoffSeconds() >= 0) x.varint(3, p.backoffSeconds());
                c.bytes(4, x.toByteArray());
            }
            for (List<String> ids : control.idontwant()) {
                Protobuf.Writer x = new Protobuf.Writer();
                ids.forEach(id -> x.bytes(1, idBytes(id)));
                c.bytes(5, x.toByteArray());
            }
            w.bytes(3, c.toByteArray());
        }
        return w.toByteArray();
    }

    /** Decodes an RPC; malformed protobuf throws {@link io.powerloom.sequencer.libp2p.Libp2pException}. */
    public static Rpc decode(byte[] b) {
        Rpc rpc = empty();
        for (Protobuf.Field f : Protobuf.parse(b)) {
            if (f.bytes() == null) continue;
            switch (f.number()) {
                case 1 -> {
                    List<Protobuf.Field> s = Protobuf.parse(f.bytes());
                    Protobuf.Field sub = Protobuf.first(s, 1);
                    Protobuf.Field topic = Protobuf.first(s, 2);
                    if (topic != null && topic.bytes() != null) {
                        rpc.subscriptions().add(new SubOpts(sub != null && sub.value() != 0, topic.string()));
                    }
                }
                case 2 -> rpc.publish().add(Message.decode(f.bytes()));
                case 3 -> decodeControl(f.bytes(), rpc.control());
                default -> {}
            }
        }
        return rpc;
    }

    private static void decodeControl(byte[] b, Control c) {
        for (Protobuf.Field f : Protobuf.parse(b)) {
            if (f.bytes() == null) continue;
            List<Protobuf.Field> x = Protobuf.parse(f.bytes());
            switch (f.number()) {
                case 1 -> {
                    Protobuf.Field t = Protobuf.first(x, 1);
                    c.ihave().add(new IHave(t == null || t.bytes() == null ? "" : t.string(), ids(x, 2)));
                }
                case 2 -> c.iwant().add(ids(x, 1));
                case 3 -> {
                    Protobuf.Field t = Protobuf.first(x, 1);
                    if (t != null && t.bytes() != null) c.graft().add(t.string());
                }
                case 4 -> {
                    Protobuf.Field t = Protobuf.first(x, 1);
                    Protobuf.Field bo = Protobuf.first(x, 3);
                    List<PeerInfo> peers = new ArrayList<>();
                    for (Protobuf.Field p : x) {
                        if (p.number() == 2 && p.bytes() != null) {
                            List<Protobuf.Field> pf = Protobuf.parse(p.bytes());
                            Protobuf.Field id = Protobuf.first(pf, 1);
                            Protobuf.Field rec = Protobuf.first(pf, 2);
                            peers.add(new PeerInfo(id == null ? null : id.bytes(), rec == null ? null : rec.bytes()));
                        }
                    }
                    if (t != null && t.bytes() != null) {
                        c.prune().add(new Prune(t.string(), peers, bo == null || bo.bytes() != null ? -1 : bo.value()));
                    }
                }
                case 5 -> c.idontwant().add(ids(x, 1));
                default -> {}
            }
        }
    }

    private static List<String> ids(List<Protobuf.Field> fs, int number) {
        List<String> out = new ArrayList<>();
        for (Protobuf.Field f : fs) {
            if (f.number() == number && f.bytes() != null) out.add(id(f.bytes()));
        }
        return out;
    }
}
