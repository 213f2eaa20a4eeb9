package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.InProcessKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void brokerOutageMakesTheBridgeUnreadyButNotStuck() throws Exception {
        Path work = TempDirs.create("outage-");
        InProcessKafka kafka = InProcessKafka.start();
        IngestBridge bridge = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("submissions", 2, (short) 1),
                    new NewTopic("submissions-rejected", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            bridge = IngestBridge.start(BridgeConfig.of(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "heartbeat.interval", "200ms",
                    "libp2p.listen", "/ip4/127.0.0.1/tcp/0",
                    "libp2p.identity.key.file", work.resolve("id.key").toString(),
                    "http.listen", "127.0.0.1:0",
                    "kafka.producer.delivery.timeout.ms", "3000",
                    "kafka.producer.request.timeout.ms", "1000",
                    "kafka.producer.reconnect.backoff.max.ms", "200")));
            IngestBridge b = bridge;
            int http = bridge.httpPort();
            await(() -> {
                try {
                    return get(http, "/healthz").statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, 20, "ready");

            kafka.close();
            kafka = null;
            await(() -> {
                try {
                    return get(http, "/healthz").statusCode() == 503;
                } catch (Exception e) {
                    return false;
                }
            }, 30, "not ready after the broker stopped");
            assertThat(get(http, "/healthz").body()).contains("kafka FAIL");

            try (Libp2pHost client = Libp2pHost.builder().build()) {
                client.start().get(10, TimeUnit.SECONDS);
                Connection c = client.dial(bridge.host().listenAddresses().get(0)).get(20, TimeUnit.SECONDS);
                OutboundStream s = c.openStream(CollectProtocolHandler.PROTOCOL).get(10, TimeUnit.SECONDS);
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    batch.append(UUID.randomUUID()).append(new String(SignedSubmissions.goJson(1, i, i),
                            StandardCharsets.UTF_8));
                }
                s.write(Unpooled.wrappedBuffer(batch.toString().getBytes(StandardCharsets.UTF_8)))
                        .get(10, TimeUnit.SECONDS);
                await(() -> b.metrics().received.sum() == 20, 20, "all 20 read");
                await(() -> b.collectHandler().inFlight() == 0, 30, "failed sends released");
                assertThat(b.metrics().accepted.sum()).isZero();
                assertThat(b.metrics().produceErrors.sum()).isGreaterThanOrEqualTo(20);
                assertThat(b.metrics().pausedStreams.get()).isZero();
                assertThat(get(http, "/metrics").body()).containsPattern("sequencer_bridge_produce_errors_total [1-9]");
            }
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            TempDirs.deleteRecursively(work);
        }
    }
}
