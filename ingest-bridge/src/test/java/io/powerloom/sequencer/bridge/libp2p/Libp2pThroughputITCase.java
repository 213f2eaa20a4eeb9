package io.powerloom.sequencer.bridge.libp2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the host on this machine: 1,000 streams (20 connections × 50) of 500-byte messages into one
 * Java host, dialer and sink in the same JVM (so they share the 2 cores). Prints the figures; fails when
 * messages are lost or the host carries less than half of the 20,000 msg/s target.
 */
class Libp2pThroughputITCase {
    private static final int TARGET_RATE = Integer.getInteger("libp2p.load.rate", 20_000);
    private static final int SECONDS = Integer.getInteger("libp2p.load.seconds", 10);

    @Test
    void carriesTwentyThousandMessagesPerSecondOverAThousandStreams() throws Exception {
        Libp2pLoad.Sink sink = new Libp2pLoad.Sink(500);
        try (Libp2pHost host = Libp2pHost.builder()
                .listen("/ip4/127.0.0.1/tcp/0")
                .handle("/bench", sink)
                .eventLoopThreads(1)
                .build().start().get(10, TimeUnit.SECONDS)) {
            Libp2pLoad.Result r = Libp2pLoad.run(host, sink, host.listenAddresses().get(0), 20, 50, TARGET_RATE, SECONDS, 500);
            System.out.println("libp2p load (direct TCP): " + r);
            assertThat(r.streams()).isEqualTo(1000);
            assertThat(r.received()).isEqualTo(r.sent());
            assertThat(r.bytesIn()).isEqualTo(r.sent() * 500);
            assertThat(r.ratePerSecond()).isGreaterThan(TARGET_RATE / 2.0);
        }
    }

    /**
     * Load through a js-libp2p circuit relay v2 (20 relayed connections, 10,000 msg/s by default,
     * {@code -Dlibp2p.load.relayRate}): the relay is a single Node process sharing the 2 cores with both Java
     * hosts, so it saturates first (about 18,000 msg/s here); this checks nothing is lost and prints latency.
     */
    @Test
    void carriesTheLoadThroughAJsRelay() throws Exception {
        Libp2pLoad.Sink sink = new Libp2pLoad.Sink(500);
        try (JsPeer relay = JsPeer.start("relay.mjs", "--port", "0")) {
            String relayAddr = JsPeer.firstAddr(relay.await("READY", java.time.Duration.ofSeconds(60)));
            try (Libp2pHost host = Libp2pHost.builder()
                    .listen("/ip4/127.0.0.1/tcp/0")
                    .relay(relayAddr)
                    .handle("/bench", sink)
                    .eventLoopThreads(1)
                    .build().start().get(10, TimeUnit.SECONDS)) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (host.circuitAddresses().isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                int rate = Integer.getInteger("libp2p.load.relayRate", 10_000);
                Libp2pLoad.Result r = Libp2pLoad.run(host, sink, host.circuitAddresses().get(0), 20, 50, rate, SECONDS, 500);
                System.out.println("libp2p load (through js relay): " + r);
                assertThat(r.streams()).isEqualTo(1000);
                assertThat(r.received()).isEqualTo(r.sent());
            }
        }
    }
}
