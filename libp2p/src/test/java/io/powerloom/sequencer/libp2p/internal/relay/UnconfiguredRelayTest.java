package io.powerloom.sequencer.libp2p.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A peer that is not one of our configured relays cannot hand us relayed connections: a {@code /stop} CONNECT
 * from it is answered with PERMISSION_DENIED and counted, and no connection is upgraded inside its stream.
 */
class UnconfiguredRelayTest {
    @Test
    void aStopConnectFromAPeerThatIsNotOurRelayIsRefused() throws Exception {
        try (Libp2pHost host = Libp2pHost.builder()
                        .listen("/ip4/127.0.0.1/tcp/0")
                        .eventLoopThreads(1)
                        .build();
                Libp2pHost fake = Libp2pHost.builder().eventLoopThreads(1).build()) {
            host.start().get(10, TimeUnit.SECONDS);
            fake.start().get(10, TimeUnit.SECONDS);
            Connection c = fake.dial(host.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            ByteBuf received = Unpooled.buffer();
            OutboundStream s = c.openStream(CircuitMessages.STOP, new StreamHandler() {
                        @Override
                        public void onOpen(StreamContext stream) {}

                        @Override
                        public void onData(StreamContext stream, ByteBuf data) {
                            received.writeBytes(data);
                            byte[] m = CircuitMessages.readFramed(received);
                            if (m != null) {
                                answer.complete(m);
                            }
                        }

                        @Override
                        public void onClose(StreamContext stream, boolean reset) {}
                    })
                    .get(10, TimeUnit.SECONDS);
            byte[] peer = new Protobuf.Writer().bytes(1, fake.peerId().bytes()).toByteArray();
            byte[] connect = new Protobuf.Writer()
                    .varint(1, CircuitMessages.STOP_CONNECT)
                    .bytes(2, peer)
                    .toByteArray();
            ByteBuf out = Unpooled.buffer();
            CircuitMessages.writeFramed(out, connect);
            s.write(out);
            CircuitMessages.Message m = CircuitMessages.decode(answer.get(10, TimeUnit.SECONDS), false);
            assertThat(m.type()).isEqualTo(CircuitMessages.STOP_STATUS);
            assertThat(m.status()).as("PERMISSION_DENIED").isEqualTo(202);
            assertThat(host.stats().refusedRelayed()).isEqualTo(1);
            Thread.sleep(200);
            assertThat(host.stats().relayedConnections()).isZero();
            c.close();
            c.closeFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
