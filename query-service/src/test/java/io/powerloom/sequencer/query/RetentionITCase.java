package io.powerloom.sequencer.query;

import static io.powerloom.sequencer.query.Planted.MARKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.records.Topics;
import io.powerloom.sequencer.query.Http.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention ({@code retention.days}): once the input's time has moved more than the horizon past an epoch's or a
 * day's last change, the stores forget it, and a slot forgets its per-day entries of days that far before its latest
 * day; what is recent stays. Input timestamps are set on the records (the input's time, not the wall clock, drives it).
 */
class RetentionITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    static final long DAY = 86_400_000L;

    @Test
    void epochsDaysAndSlotDaysOlderThanTheHorizonAreRemovedAndRecentOnesStay() throws Exception {
        KAFKA.createTopic(Topics.PROTOCOL_CHAIN, 1);
        KAFKA.createTopic(Topics.SLOT_COUNTS, 1);
        long t0 = System.currentTimeMillis() - 6 * DAY;
        long t1 = t0 + 5 * DAY;
        Path dir = TempDirs.create("query-retention-");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
                QueryService s = QueryService.start(QueryConfig.of(Map.of(
                        "kafka.bootstrap.servers", KAFKA.bootstrapServers(),
                        "kafka.application.id", "query-retention",
                        "kafka.partitions", "1",
                        "state.dir", dir.toString(),
                        "http.listen", "127.0.0.1:0",
                        "retention.days", "2",
                        "query.max.past.days", "1",
                        "retention.check.interval", "1m")))) {
            String base = s.url();
            producer.send(new ProducerRecord<>(Topics.PROTOCOL_CHAIN, null, t0, MARKET, Planted.release(1, t0)));
            producer.send(new ProducerRecord<>(
                    Topics.SLOT_COUNTS,
                    null,
                    t0,
                    Planted.slotCountKey(1, 1),
                    Planted.slotCount(1, 1, 5, true, 1, "FINAL")));
            producer.flush();
            Http.await(() -> Http.get(base, "/api/epoch?epochID=1"), r -> r.status() == 200, Duration.ofSeconds(60));
            Http.await(
                    () -> Http.get(base, "/api/slot?slotID=1&dataMarketAddress=" + MARKET),
                    r -> r.status() == 200 && r.body().path("days").size() == 1,
                    Duration.ofSeconds(30));

            // five days later (input time): epoch 2, day 5
            producer.send(new ProducerRecord<>(Topics.PROTOCOL_CHAIN, null, t1, MARKET, Planted.release(2, t1)));
            producer.send(new ProducerRecord<>(
                    Topics.SLOT_COUNTS,
                    null,
                    t1,
                    Planted.slotCountKey(5, 1),
                    Planted.slotCount(5, 1, 7, true, 2, "FINAL")));
            // retention runs as the input's time moves on (every retention.check.interval of it): a later record
            producer.send(new ProducerRecord<>(
                    Topics.PROTOCOL_CHAIN, null, t1 + 120_000, MARKET, Planted.release(3, t1 + 120_000)));
            producer.flush();
            Answer gone = Http.await(
                    () -> Http.get(base, "/api/epoch?epochID=1"), r -> r.status() == 404, Duration.ofSeconds(60));
            assertThat(gone.status()).as(gone.text()).isEqualTo(404);
            assertThat(Http.get(base, "/api/epoch?epochID=2").status()).isEqualTo(200);
            Answer slot = Http.await(
                    () -> Http.get(base, "/api/slot?slotID=1&dataMarketAddress=" + MARKET),
                    r -> r.status() == 200
                            && r.body().path("days").size() == 1
                            && r.body().path("days").get(0).path("day").asLong() == 5,
                    Duration.ofSeconds(30));
            // the timeline no longer lists the removed epoch
            Answer epochs = Http.get(base, "/api/epochs?limit=10");
            assertThat(epochs.body().size()).as(epochs.text()).isEqualTo(2);
            assertThat(epochs.body().get(0).path("epoch").asLong())
                    .as(epochs.text())
                    .isEqualTo(3);
            assertThat(epochs.body().get(1).path("epoch").asLong())
                    .as(epochs.text())
                    .isEqualTo(2);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
