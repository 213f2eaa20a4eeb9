package io.powerloom.sequencer.infra.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link KafkaExtension} registered with {@code @ExtendWith} and handed to the test as a parameter. */
@ExtendWith(KafkaExtension.class)
class KafkaExtensionITCase {

    @Test
    void isInjectedAndUsable(KafkaExtension kafka) {
        kafka.createTopic("injected", 1);
        kafka.send("injected", "k", "v".getBytes(UTF_8));
        assertThat(kafka.readAll("injected", 1, Duration.ofSeconds(20)))
                .singleElement()
                .satisfies(r -> assertThat(new String(r.value(), UTF_8)).isEqualTo("v"));
    }

    @Test
    void inProcessBrokerStartsAndStops() {
        long t0 = System.nanoTime();
        String bootstrap;
        try (InProcessKafka second = InProcessKafka.start()) {
            System.out.printf("InProcessKafka start: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            bootstrap = second.bootstrapServers();
            assertThat(bootstrap).isNotBlank();
        }
        // once closed, nothing listens on its port any more
        int port = Integer.parseInt(
                bootstrap.substring(bootstrap.lastIndexOf(':') + 1).split(",")[0]);
        assertThat(portAnswers(port)).isFalse();
    }

    private static boolean portAnswers(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
