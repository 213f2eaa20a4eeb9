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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The market's current day comes from the chain watcher's DayStarted records on protocol-chain where there are any
 * (a day that has started but has no counts yet answers zero), and from the accounting topics' latest day otherwise;
 * a retracted day start is forgotten. Records are planted with their writers' own encoders.
 */
class DayStartedITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    static final String OP = "op-token";

    @Test
    void theCurrentDayIsTheLatestDayStartedAndARetractedStartIsForgotten() throws Exception {
        KAFKA.createTopic(Topics.PROTOCOL_CHAIN, 1);
        KAFKA.createTopic(Topics.SLOT_COUNTS, 2);
        KAFKA.send(Topics.SLOT_COUNTS, Planted.slotCountKey(1, 1), Planted.slotCount(1, 1, 5, true, 10, "FINAL"));
        KAFKA.send(Topics.SLOT_COUNTS, Planted.dayEligibleKey(1), Planted.dayEligible(1, 1, 10));
        KAFKA.send(Topics.SLOT_COUNTS, Planted.slotCountKey(2, 1), Planted.slotCount(2, 1, 2, false, 20, "PERIODIC"));
        Path dir = TempDirs.create("query-days-");
        try (QueryService s = QueryService.start(QueryConfig.of(Map.of(
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers(),
                "kafka.application.id",
                "query-days",
                "state.dir",
                dir.toString(),
                "http.listen",
                "127.0.0.1:0",
                "auth.operator.token",
                OP)))) {
            String base = s.url();
            // no day start seen: the latest day counted
            assertThat(currentDay(base, 2).response().path("day").asLong()).isEqualTo(2);

            // day 3 starts on chain: the current day, without counts yet
            KAFKA.send(Topics.PROTOCOL_CHAIN, MARKET, Planted.dayStarted(3, 30, 30_000));
            Answer three = currentDay(base, 3);
            assertThat(three.response().path("eligibleNodesCount").asLong()).isZero();
            // the past days count back from the current day
            Answer past = Http.post(base, "/eligibleNodesCountPastDays", body("\"pastDays\":3"));
            assertThat(past.status()).isEqualTo(200);
            assertThat(past.response().findValuesAsText("day")).containsExactly("3", "2", "1");
            assertThat(past.response().get(2).path("eligibleNodesCount").asLong())
                    .isEqualTo(1);

            // a reorg retracts day 3's start: day 2 is current again
            KAFKA.send(Topics.PROTOCOL_CHAIN, MARKET, Planted.dayStartedRetracted(3, 30, 31_000));
            currentDay(base, 2);
            // it starts again, then day 4 does
            KAFKA.send(Topics.PROTOCOL_CHAIN, MARKET, Planted.dayStarted(3, 31, 32_000));
            KAFKA.send(Topics.PROTOCOL_CHAIN, MARKET, Planted.dayStarted(4, 40, 40_000));
            currentDay(base, 4);
            // a late, older start changes nothing
            KAFKA.send(Topics.PROTOCOL_CHAIN, MARKET, Planted.dayStarted(2, 20, 41_000));
            KAFKA.send(
                    Topics.SLOT_COUNTS, Planted.slotCountKey(3, 1), Planted.slotCount(3, 1, 4, true, 32, "PERIODIC"));
            Http.await(
                    () -> Http.post(base, "/eligibleSlotSubmissionCount", body("\"day\":3")),
                    r -> r.status() == 200 && r.text().contains("\"slotID\":1"),
                    Duration.ofSeconds(30));
            assertThat(currentDay(base, 4).response().path("day").asLong()).isEqualTo(4);
            assertThat(Http.get(base, "/api/markets")
                            .body()
                            .get(0)
                            .path("currentDay")
                            .asLong())
                    .isEqualTo(4);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    private static Answer currentDay(String base, long day) {
        Answer a = Http.await(
                () -> Http.post(base, "/eligibleNodesCount", body("")),
                r -> r.status() == 200 && r.response().path("day").asLong() == day,
                Duration.ofSeconds(30));
        assertThat(a.response().path("day").asLong()).as(a.text()).isEqualTo(day);
        return a;
    }

    private static String body(String fields) {
        return "{" + fields + (fields.isEmpty() ? "" : ",") + "\"dataMarketAddress\":\"" + MARKET + "\",\"token\":\""
                + OP + "\"}";
    }
}
