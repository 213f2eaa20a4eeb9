package io.powerloom.sequencer.query;

import static io.powerloom.sequencer.query.Planted.MARKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.records.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * Per-slot and per-epoch answers kept as bytes ({@code query.view.cache.bytes}): served again byte for byte while
 * their state is unchanged, replaced as soon as a fact about their slot or epoch arrives (a submission's fate moves from
 * pending to finalized to batched), always the same bytes as an instance that keeps nothing answers from the same
 * input, and in request order on a pipelined connection.
 */
class KeptAnswersITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void keptAnswersAreTheBuiltOnesAndFollowEveryChangeOfTheirSlotAndEpoch() throws Exception {
        for (String t : List.of(
                Topics.PROTOCOL_CHAIN,
                Topics.FINALIZED,
                Topics.BATCHES,
                Topics.REJECTED,
                "submissions-rejected",
                Topics.SLOT_COUNTS,
                Topics.DISCARDED,
                Topics.SUBMISSIONS)) {
            KAFKA.createTopic(t, 2);
        }
        Path kept = TempDirs.create("query-kept-");
        Path none = TempDirs.create("query-none-");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
                QueryService withCache = QueryService.start(config("query-kept", kept, "67108864"));
                QueryService without = QueryService.start(config("query-none", none, "0"))) {
            producer.send(new ProducerRecord<>(Topics.PROTOCOL_CHAIN, MARKET, Planted.release(5, 5_000)));
            producer.send(new ProducerRecord<>(
                    Topics.SUBMISSIONS, "1", Planted.submission("s1", 1, 5, "p1", "c1", "v2.2.0", 5_100)));
            producer.send(new ProducerRecord<>(
                    Topics.SUBMISSIONS, "2", Planted.submission("s2", 2, 5, "p1", "c1", "v2.2.0", 5_200)));
            producer.flush();
            String slot = "/api/slot?slotID=1&epochID=5&dataMarketAddress=" + MARKET;
            String epoch = "/api/epoch?epochID=5&dataMarketAddress=" + MARKET;

            String pending = sameOnBoth(withCache, without, slot, "pending", 2);
            long hits = hits(withCache);
            assertThat(Http.get(withCache.url(), slot).text()).isEqualTo(pending);
            assertThat(Http.get(withCache.url(), slot).text()).isEqualTo(pending);
            assertThat(hits(withCache)).as("served from the kept bytes").isGreaterThanOrEqualTo(hits + 2);
            // pipelined on one connection: an answer built on a handler thread, then a kept one (which the I/O
            // thread could write at once): the answers still leave in the order of the requests
            try (QueryLoadDriver.Connection c = new QueryLoadDriver.Connection(java.net.URI.create(withCache.url()))) {
                for (int i = 0; i < 20; i++) {
                    QueryLoadDriver.Connection.Response[] r =
                            c.pipelined("/api/epochs?dataMarketAddress=" + MARKET, slot, "/api/markets", slot);
                    assertThat(new String(r[0].body(), java.nio.charset.StandardCharsets.UTF_8))
                            .startsWith("[{\"");
                    assertThat(new String(r[1].body(), java.nio.charset.StandardCharsets.UTF_8))
                            .isEqualTo(pending);
                    assertThat(new String(r[2].body(), java.nio.charset.StandardCharsets.UTF_8))
                            .contains("\"market\"")
                            .doesNotContain("\"slotID\"");
                    assertThat(new String(r[3].body(), java.nio.charset.StandardCharsets.UTF_8))
                            .isEqualTo(pending);
                }
            }
            String epochBefore = Http.get(withCache.url(), epoch).text();
            assertThat(Http.get(withCache.url(), epoch).text()).isEqualTo(epochBefore);

            // a fact about the epoch (not about slot 1 itself) changes slot 1's answer: the kept one must go
            producer.send(new ProducerRecord<>(
                    Topics.FINALIZED,
                    Planted.finalizedKey(5, "p1"),
                    Planted.finalized(
                            5, "p1", true, "c1", 2, 2, new String[] {"c1"}, new int[] {2}, new String[] {"s2"})));
            producer.flush();
            sameOnBoth(withCache, without, slot, "finalized", 2);
            producer.send(new ProducerRecord<>(
                    Topics.BATCHES,
                    Planted.batchKey(5, 0),
                    Planted.batch(
                            5,
                            0,
                            1,
                            "bafkreibatch",
                            new String[] {"p1"},
                            new String[] {"c1"},
                            "COMMITTED",
                            Planted.TX,
                            1_200)));
            producer.flush();
            String batched = sameOnBoth(withCache, without, slot, "batched", 2);
            assertThat(batched).contains("bafkreibatch");
            assertThat(Http.get(withCache.url(), epoch).text())
                    .isNotEqualTo(epochBefore)
                    .isEqualTo(Http.get(without.url(), epoch).text());
            // a fact about the slot alone (its next submission, in another epoch) changes its summary in the answer
            producer.send(new ProducerRecord<>(
                    Topics.SUBMISSIONS, "1", Planted.submission("s3", 1, 6, "p1", "c9", "v2.3.0", 6_100)));
            producer.flush();
            Http.await(() -> Http.get(withCache.url(), slot), r -> r.text().contains("v2.3.0"), Duration.ofSeconds(30));
            Http.await(() -> Http.get(without.url(), slot), r -> r.text().contains("v2.3.0"), Duration.ofSeconds(30));
            assertThat(Http.get(withCache.url(), slot).text())
                    .isEqualTo(Http.get(without.url(), slot).text());
            assertThat(hits(without))
                    .as("an instance keeping nothing serves nothing kept")
                    .isZero();
        } finally {
            TempDirs.deleteRecursively(kept);
            TempDirs.deleteRecursively(none);
        }
    }

    /**
     * Waits until both instances answer {@code path} with the first submission's {@code fate} and the epoch's
     * {@code submissions} count; then they must answer the same bytes.
     */
    private static String sameOnBoth(QueryService a, QueryService b, String path, String fate, int submissions) {
        for (QueryService s : List.of(a, b)) {
            Http.await(
                    () -> Http.get(s.url(), path),
                    r -> r.status() == 200
                            && fate.equals(r.body()
                                    .path("submissions")
                                    .path(0)
                                    .path("fate")
                                    .asText())
                            && r.body().path("epoch").path("submissions").asInt() == submissions,
                    Duration.ofSeconds(60));
        }
        String fromA = Http.get(a.url(), path).text();
        assertThat(fromA).isEqualTo(Http.get(b.url(), path).text());
        return fromA;
    }

    private static long hits(QueryService s) {
        for (String line : s.metrics().prometheus().split("\n")) {
            if (line.startsWith("query_view_cache_hits_total ")) {
                return Long.parseLong(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no query_view_cache_hits_total metric");
    }

    private static QueryConfig config(String app, Path dir, String cacheBytes) {
        return QueryConfig.of(Map.of(
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers(),
                "kafka.application.id",
                app,
                "state.dir",
                dir.toString(),
                "http.listen",
                "127.0.0.1:0",
                "query.view.cache.bytes",
                cacheBytes));
    }
}
