package io.powerloom.sequencer.libp2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.infra.NodeScript;
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
                .build()
                .start()
                .get(10, TimeUnit.SECONDS)) {
            Libp2pLoad.Result r =
                    Libp2pLoad.run(host, sink, host.listenAddresses().get(0), 20, 50, TARGET_RATE, SECONDS, 500);
            System.out.println("libp2p load (direct TCP): " + r);
            assertThat(r.streams()).isEqualTo(1000);
            assertThat(r.received()).isEqualTo(r.sent());
            assertThat(r.bytesIn()).isEqualTo(r.sent() * 500);
            assertThat(r.ratePerSecond()).isGreaterThan(TARGET_RATE / 2.0);
        }
    }

    /**
     * Connection set-up rate (TCP + multistream + Noise XX + yamux), which bounds how fast thousands of
     * collectors can come back after a restart: 300 connections, 16 in flight, per client key type.
     */
    @Test
    void handshakeRate() throws Exception {
        try (Libp2pHost host = Libp2pHost.builder()
                .listen("/ip4/127.0.0.1/tcp/0")
                .eventLoopThreads(1)
                .build()
                .start()
                .get(10, TimeUnit.SECONDS)) {
            for (String type : new String[] {"Ed25519", "secp256k1"}) {
                try (Libp2pHost client = Libp2pHost.builder()
                        .eventLoopThreads(1)
                        .identity(
                                type.equals("Ed25519")
                                        ? io.powerloom.sequencer.libp2p.crypto.Keys.generateEd25519()
                                        : io.powerloom.sequencer.libp2p.crypto.Keys.generateSecp256k1())
                        .build()
                        .start()
                        .get()) {
                    int total = 300;
                    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(16);
                    java.util.List<java.util.concurrent.CompletableFuture<Connection>> all =
                            new java.util.ArrayList<>();
                    long start = System.nanoTime();
                    for (int i = 0; i < total; i++) {
                        inFlight.acquire();
                        all.add(client.dial(host.listenAddresses().get(0)).whenComplete((c, e) -> inFlight.release()));
                    }
                    for (java.util.concurrent.CompletableFuture<Connection> f : all) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                    double rate = total / ((System.nanoTime() - start) / 1e9);
                    System.out.printf(
                            "libp2p handshakes (%s client): %.0f connections/s (both ends in one JVM)%n", type, rate);
                    assertThat(host.stats().openConnections()).isEqualTo(total);
                    assertThat(rate).isGreaterThan(20);
                    for (java.util.concurrent.CompletableFuture<Connection> f : all) {
                        f.get().close();
                    }
                    long deadline = System.currentTimeMillis() + 10_000;
                    while (host.stats().openConnections() > 0 && System.currentTimeMillis() < deadline) {
                        Thread.sleep(10);
                    }
                }
            }
        }
    }

    /**
     * Load through a js-libp2p circuit relay v2 (20 relayed connections, 10,000 msg/s by default,
     * {@code -Dlibp2p.load.relayRate}): the relay is a single Node process sharing the 2 cores with both Java
     * hosts, so it saturates first (docs/benchmarks.md); this checks nothing is lost and prints latency.
     */
    @Test
    void carriesTheLoadThroughAJsRelay() throws Exception {
        Libp2pLoad.Sink sink = new Libp2pLoad.Sink(500);
        try (NodeScript relay = JsPeer.start("relay.mjs", "--port", "0")) {
            String relayAddr = JsPeer.firstAddr(relay.await("READY", java.time.Duration.ofSeconds(60)));
            try (Libp2pHost host = Libp2pHost.builder()
                    .listen("/ip4/127.0.0.1/tcp/0")
                    .relay(relayAddr)
                    .handle("/bench", sink)
                    .eventLoopThreads(1)
                    .build()
                    .start()
                    .get(10, TimeUnit.SECONDS)) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (host.circuitAddresses().isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                int rate = Integer.getInteger("libp2p.load.relayRate", 10_000);
                Libp2pLoad.Result r =
                        Libp2pLoad.run(host, sink, host.circuitAddresses().get(0), 20, 50, rate, SECONDS, 500);
                System.out.println("libp2p load (through js relay): " + r);
                assertThat(r.streams()).isEqualTo(1000);
                assertThat(r.received()).isEqualTo(r.sent());
            }
        }
    }
}
