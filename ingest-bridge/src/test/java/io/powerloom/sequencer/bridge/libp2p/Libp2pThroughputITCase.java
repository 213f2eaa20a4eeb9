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
}
