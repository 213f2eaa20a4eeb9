package io.powerloom.sequencer.libp2p.internal.relay;

import io.netty.buffer.ByteBuf;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.util.ArrayList;
import java.util.List;

/**
 * The circuit relay v2 protobuf messages ({@code HopMessage}, {@code StopMessage}) this host sends and reads,
 * each framed with a varint length.
 */
public final class CircuitMessages {
    public static final String HOP = "/libp2p/circuit/relay/0.2.0/hop";
    public static final String STOP = "/libp2p/circuit/relay/0.2.0/stop";
    /** Largest relay message accepted. */
    public static final int MAX_MESSAGE = 4096;

    public static final int HOP_RESERVE = 0, HOP_CONNECT = 1, HOP_STATUS = 2;
    public static final int STOP_CONNECT = 0, STOP_STATUS = 1;
    public static final int STATUS_OK = 100;

    private CircuitMessages() {}

    /** A decoded {@code HopMessage} or {@code StopMessage} (fields that are absent are null / 0). */
    public record Message(
            int type,
            PeerId peer,
            List<byte[]> peerAddrs,
            long reservationExpire,
            List<byte[]> reservationAddrs,
            long limitDurationSeconds,
            long limitDataBytes,
            int status) {}

    /** HopMessage{type=RESERVE}. */
    public static byte[] reserve() {
        return new Protobuf.Writer().varint(1, HOP_RESERVE).toByteArray();
    }

    /** HopMessage{type=CONNECT, peer={id}}. */
    public static byte[] connect(PeerId target) {
        byte[] peer = new Protobuf.Writer().bytes(1, target.bytes()).toByteArray();
        return new Protobuf.Writer().varint(1, HOP_CONNECT).bytes(2, peer).toByteArray();
    }

    /** StopMessage{type=STATUS, status}. */
    public static byte[] stopStatus(int status) {
        return new Protobuf.Writer().varint(1, STOP_STATUS).varint(4, status).toByteArray();
    }

    /** Decodes a HopMessage ({@code hop=true}) or StopMessage. */
    public static Message decode(byte[] bytes, boolean hop) {
        List<Protobuf.Field> fields = Protobuf.parse(bytes);
        Protobuf.Field type = Protobuf.first(fields, 1);
        Protobuf.Field peer = Protobuf.first(fields, 2);
        Protobuf.Field reservation = hop ? Protobuf.first(fields, 3) : null;
        Protobuf.Field limit = Protobuf.first(fields, hop ? 4 : 3);
        Protobuf.Field status = Protobuf.first(fields, hop ? 5 : 4);
        PeerId peerId = null;
        List<byte[]> peerAddrs = new ArrayList<>();
        if (peer != null && peer.bytes() != null) {
            for (Protobuf.Field f : Protobuf.parse(peer.bytes())) {
                if (f.number() == 1 && f.bytes() != null) {
                    peerId = PeerId.fromBytes(f.bytes());
                } else if (f.number() == 2 && f.bytes() != null) {
                    peerAddrs.add(f.bytes());
                }
            }
        }
        long expire = 0;
        List<byte[]> resAddrs = new ArrayList<>();
        if (reservation != null && reservation.bytes() != null) {
            for (Protobuf.Field f : Protobuf.parse(reservation.bytes())) {
                if (f.number() == 1 && f.bytes() == null) {
                    expire = f.value();
                } else if (f.number() == 2 && f.bytes() != null) {
                    resAddrs.add(f.bytes());
                }
            }
        }
        long duration = 0;
        long data = 0;
        if (limit != null && limit.bytes() != null) {
            for (Protobuf.Field f : Protobuf.parse(limit.bytes())) {
                if (f.number() == 1 && f.bytes() == null) {
                    duration = f.value();
                } else if (f.number() == 2 && f.bytes() == null) {
                    data = f.value();
                }
            }
        }
        return new Message(
                type == null ? 0 : (int) type.value(),
                peerId,
                peerAddrs,
                expire,
                resAddrs,
                duration,
                data,
                status == null ? 0 : (int) status.value());
    }

    /** Appends {@code message} with its varint length. */
    public static void writeFramed(ByteBuf out, byte[] message) {
        Varint.write(out, message.length);
        out.writeBytes(message);
    }

    /**
     * Reads one varint-framed message from {@code in} or returns null (reader index unchanged) if incomplete.
     *
     * @throws Libp2pException PROTOCOL when the length exceeds {@link #MAX_MESSAGE}
     */
    public static byte[] readFramed(ByteBuf in) {
        int start = in.readerIndex();
        long len = Varint.read(in);
        if (len == Varint.INCOMPLETE) {
            return null;
        }
        if (len > MAX_MESSAGE) {
            throw new Libp2pException(
                    Libp2pException.Kind.PROTOCOL, "relay message of " + len + " bytes exceeds " + MAX_MESSAGE);
        }
        if (in.readableBytes() < len) {
            in.readerIndex(start);
            return null;
        }
        byte[] msg = new byte[(int) len];
        in.readBytes(msg);
        return msg;
    }

    /** Human-readable status name for errors. */
    public static String statusName(int status) {
        return switch (status) {
            case 100 -> "OK";
            case 200 -> "RESERVATION_REFUSED";
            case 201 -> "RESOURCE_LIMIT_EXCEEDED";
            case 202 -> "PERMISSION_DENIED";
            case 203 -> "CONNECTION_FAILED";
            case 204 -> "NO_RESERVATION";
            case 400 -> "MALFORMED_MESSAGE";
            case 401 -> "UNEXPECTED_MESSAGE";
            default -> "status " + status;
        };
    }
}
