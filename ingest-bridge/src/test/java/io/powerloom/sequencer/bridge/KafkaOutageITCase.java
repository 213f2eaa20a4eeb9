package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away while the bridge runs: /healthz turns to 503 naming Kafka, failed sends are counted and
 * release their backpressure slots (nothing stays paused forever), and the bridge itself stays up.
 */
class KafkaOutageITCase {

    private static void await(BooleanSupplier c, long seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void brokerOutageMakesTheBridgeUnreadyButNotStuck() throws Exception {
        try (BrokerOutage outage = BrokerOutage.start(
                "outage-",
                2,
                "200ms",
                Map.of(
                        "kafka.producer.delivery.timeout.ms", "3000",
                        "kafka.producer.request.timeout.ms", "1000",
                        "kafka.producer.reconnect.backoff.max.ms", "200"))) {
            IngestBridge bridge = outage.bridge();
            int http = bridge.httpPort();
            await(
                    () -> {
                        try {
                            return get(http, "/healthz").statusCode() == 200;
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    20,
                    "ready");

            outage.stopBroker();
            await(
                    () -> {
                        try {
                            return get(http, "/healthz").statusCode() == 503;
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    30,
                    "not ready after the broker stopped");
            assertThat(get(http, "/healthz").body()).contains("kafka FAIL");

            try (Libp2pHost client = Libp2pHost.builder().build()) {
                client.start().get(10, TimeUnit.SECONDS);
                Connection c =
                        client.dial(bridge.host().listenAddresses().get(0)).get(20, TimeUnit.SECONDS);
                OutboundStream s = c.openStream(CollectProtocolHandler.PROTOCOL).get(10, TimeUnit.SECONDS);
                s.write(BrokerOutage.collectBatch(20)).get(10, TimeUnit.SECONDS);
                await(() -> bridge.metrics().received.sum() == 20, 20, "all 20 read");
                await(() -> bridge.collectHandler().inFlight() == 0, 30, "failed sends released");
                assertThat(bridge.metrics().accepted.sum()).isZero();
                assertThat(bridge.metrics().produceErrors.sum()).isGreaterThanOrEqualTo(20);
                assertThat(bridge.metrics().pausedStreams.get()).isZero();
                assertThat(get(http, "/metrics").body()).containsPattern("sequencer_bridge_produce_errors_total [1-9]");
            }
        }
    }
}
