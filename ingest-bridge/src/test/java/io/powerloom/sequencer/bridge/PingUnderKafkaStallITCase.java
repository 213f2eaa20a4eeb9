package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * go-yamux drops a whole session when a ping is not answered within 10 s. With the broker gone and the producer's
 * buffer full, {@code KafkaProducer.send} blocks for {@code max.block.ms}; it must not do so on the event loop
 * that answers the collector's pings. The client pings every second and gives up after 10 s: its connection must
 * outlive sends that block 12 s each.
 */
class PingUnderKafkaStallITCase {
    @Test
    void pingsAreAnsweredWhileKafkaSendsBlock() throws Exception {
        try (BrokerOutage outage = BrokerOutage.start(
                "stall-",
                1,
                "1s",
                Map.of(
                        // a tiny buffer that fills while the broker is gone: send() then blocks for max.block.ms
                        "kafka.producer.batch.size", "1024",
                        "kafka.producer.buffer.memory", "4096",
                        "kafka.producer.max.block.ms", "12000",
                        "kafka.producer.delivery.timeout.ms", "60000",
                        "shutdown.timeout", "5s"))) {
            IngestBridge bridge = outage.bridge();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (bridge.metrics().heartbeatsSent.sum() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            outage.stopBroker();

            try (Libp2pHost client = Libp2pHost.builder()
                    .keepAlive(Duration.ofSeconds(1))
                    .eventLoopThreads(1)
                    .build()) {
                client.start().get(10, TimeUnit.SECONDS);
                Connection c =
                        client.dial(bridge.host().listenAddresses().get(0)).get(20, TimeUnit.SECONDS);
                OutboundStream s = c.openStream(CollectProtocolHandler.PROTOCOL).get(10, TimeUnit.SECONDS);
                s.write(BrokerOutage.collectBatch(20));
                IngestBridge b = bridge;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (b.metrics().received.sum() < 5 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(b.metrics().received.sum()).as("submissions read").isGreaterThanOrEqualTo(5);
                Thread.sleep(15_000); // longer than the client's 10 s ping deadline
                assertThat(c.isOpen())
                        .as("the bridge answered every ping while Kafka sends blocked")
                        .isTrue();
            }
        }
    }
}
