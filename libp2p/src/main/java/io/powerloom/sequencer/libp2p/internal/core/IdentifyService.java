package io.powerloom.sequencer.libp2p.internal.core;

import io.netty.buffer.ByteBuf;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.util.List;
import java.util.function.Supplier;

/**
 * identify ({@code /ipfs/id/1.0.0}) responder: answers every stream with one varint-length-prefixed
 * {@code Identify} message (public key, listen addresses, observed address, protocols, versions) and closes it.
 * Identify push ({@code /ipfs/id/push/1.0.0}) is accepted and ignored.
 */
public final class IdentifyService implements StreamHandler {
    public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";
    public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";
    static final String PROTOCOL_VERSION = "ipfs/0.1.0";

    private final HostCore core;
    private final String agentVersion;
    private final Supplier<List<Multiaddr>> listenAddrs;

    public IdentifyService(HostCore core, String agentVersion, Supplier<List<Multiaddr>> listenAddrs) {
        this.core = core;
        this.agentVersion = agentVersion;
        this.listenAddrs = listenAddrs;
    }

    /** The encoded {@code Identify} message for a stream of {@code connection}. */
    byte[] message(ConnectionImpl connection) {
        Protobuf.Writer w = new Protobuf.Writer()
                .string(5, PROTOCOL_VERSION)
                .string(6, agentVersion)
                .bytes(1, core.identity().publicKey().toProtobuf());
        for (Multiaddr a : listenAddrs.get()) {
            w.bytes(2, a.withoutPeerId().toBytes());
        }
        if (!connection.relayed()) {
            try {
                w.bytes(
                        4,
                        Multiaddr.parse(connection.remoteAddress())
                                .withoutPeerId()
                                .toBytes());
            } catch (RuntimeException ignored) {
                // no observed address
            }
        }
        for (String p : core.protocols()) {
            w.string(3, p);
        }
        return w.toByteArray();
    }

    @Override
    public void onOpen(StreamContext stream) {
        byte[] msg = message((ConnectionImpl) ((StreamContextImpl) stream).connection());
        ByteBuf b =
                ((StreamContextImpl) stream).yamux().session().link().alloc().buffer(msg.length + 5);
        Varint.write(b, msg.length);
        b.writeBytes(msg);
        stream.write(b);
        stream.close();
    }

    @Override
    public void onData(StreamContext stream, ByteBuf data) {}

    @Override
    public void onClose(StreamContext stream, boolean reset) {}

    /** Handler for identify push: reads and drops the message, closes when the remote does. */
    public static final StreamHandler PUSH_SINK = new StreamHandler() {
        @Override
        public void onOpen(StreamContext stream) {}

        @Override
        public void onData(StreamContext stream, ByteBuf data) {}

        @Override
        public void onClose(StreamContext stream, boolean reset) {
            stream.close();
        }
    };
}
