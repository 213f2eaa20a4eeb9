package io.powerloom.sequencer.libp2p.internal.core;

import io.netty.buffer.ByteBuf;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;

/** ping ({@code /ipfs/ping/1.0.0}) responder: echoes every byte (the peer sends 32-byte payloads). */
public final class PingService implements StreamHandler {
    public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";
    /** Most bytes echoed per stream, so ping cannot be abused as a bandwidth reflector. */
    private static final long MAX_ECHO = 1 << 20;

    private final java.util.Map<Long, long[]> echoed = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onOpen(StreamContext stream) {
        echoed.put(stream.id(), new long[1]);
    }

    @Override
    public void onData(StreamContext stream, ByteBuf data) {
        long[] n = echoed.get(stream.id());
        if (n == null || (n[0] += data.readableBytes()) > MAX_ECHO) {
            stream.reset();
            return;
        }
        stream.write(data.retainedDuplicate());
    }

    @Override
    public void onClose(StreamContext stream, boolean reset) {
        echoed.remove(stream.id());
        if (!reset) {
            stream.close();
        }
    }
}
