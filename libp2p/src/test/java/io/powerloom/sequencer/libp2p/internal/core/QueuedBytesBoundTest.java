package io.powerloom.sequencer.libp2p.internal.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A peer that floods yamux pings and never reads what comes back cannot make the host queue more than its
 * configured bound (plus what one read can answer): the connection stops reading while its send queue is full.
 */
class QueuedBytesBoundTest {
    private static final int BOUND = 64 * 1024;
    /** One socket read (at most 64 KiB) answered after the queue reached the bound, plus Noise framing. */
    private static final int ONE_READ_ANSWER = 80 * 1024;

    @Test
    void aPeerThatNeverReadsCannotPushQueuedBytesOverTheBound() throws Exception {
        try (Libp2pHost server = Libp2pHost.builder()
                .listen("/ip4/127.0.0.1/tcp/0")
                .keepAlive(Duration.ZERO)
                .maxQueuedBytesPerConnection(BOUND)
                .eventLoopThreads(1)
                .build()) {
            server.start().get(10, TimeUnit.SECONDS);
            HostCore client = new HostCore(Keys.generateEd25519(), 10, 10, Duration.ofSeconds(10), Duration.ZERO, 1);
            try {
                ConnectionImpl conn = (ConnectionImpl) client.dialDirect(
                                Multiaddr.parse(server.listenAddresses().get(0)))
                        .get(10, TimeUnit.SECONDS);
                Channel ch = client.tcpChannels().iterator().next();
                ch.config().setAutoRead(false); // never read again: every pong stays with the server
                long maxQueued = 0;
                long sent = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int id = 0;
                long pausedAt = -1;
                // flood until the server paused reading, then go on pushing for 3 s (or give up after 30 s)
                while ((pausedAt < 0 || System.nanoTime() - pausedAt < TimeUnit.SECONDS.toNanos(3))
                        && System.nanoTime() < deadline) {
                    if (pausedAt < 0 && server.stats().readPauses() > 0) {
                        pausedAt = System.nanoTime();
                    }
                    if (!ch.isWritable()) { // the server stopped reading: our own queue is full too
                        Thread.sleep(5);
                    } else {
                        int first = id;
                        conn.session()
                                .eventLoop()
                                .submit(() -> {
                                    ByteBuf b = ch.alloc().buffer(12 * 2000);
                                    for (int i = 0; i < 2000; i++) {
                                        b.writeByte(0)
                                                .writeByte(2)
                                                .writeShort(1)
                                                .writeInt(0)
                                                .writeInt(first + i); // ping SYN
                                    }
                                    conn.session().link().write(b);
                                    conn.session().link().flush();
                                })
                                .get();
                        id += 2000;
                        sent += 12 * 2000;
                    }
                    maxQueued = Math.max(maxQueued, server.stats().queuedBytes());
                }
                Thread.sleep(200);
                maxQueued = Math.max(maxQueued, server.stats().queuedBytes());
                assertThat(conn.isOpen()).isTrue();
                assertThat(maxQueued)
                        .as("server's queued bytes, bound " + BOUND + "; pings sent " + sent + ", stats "
                                + server.stats())
                        .isLessThanOrEqualTo(BOUND + ONE_READ_ANSWER);
                assertThat(server.stats().readPauses())
                        .as("the flood filled the server's send queue")
                        .isPositive();
            } finally {
                client.close(Duration.ofSeconds(2));
            }
        }
    }
}
