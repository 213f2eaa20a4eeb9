package io.powerloom.sequencer.query;

import static io.powerloom.sequencer.query.Planted.MARKET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.protocol.records.Topics;
import io.powerloom.sequencer.query.Http.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The query service on a real broker, fed records planted as the bridge, the chain watcher, the job and its accounting
 * stage write them: every endpoint answers what the input says (accepted, replaced, discarded, every reject reason,
 * an unfinalized project, a delayed batch, an aborted transaction that must stay invisible); after a restart nothing
 * is lost; and two instances answer alike for keys that only one of them holds.
 */
class QueryServiceITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    static final String OP = "op-secret";
    static final String READ = "read-secret";
    static final String B0 = "bafkreib0";
    static final String B1 = "bafkreib1";
    static final String T1 = "0x" + "a1".repeat(32);
    static final String T2 = "0x" + "a2".repeat(32);
    static final String T3 = "0x" + "a3".repeat(32);
    /**
     * Every reason the job gives for a submission of a known epoch and market (REPLACED is planted on its own, slot
     * 3; undecodable and malformed records and unknown markets have their own cases).
     */
    static final String[] EPOCH_REASONS = java.util.Arrays.stream(RejectReason.values())
            .filter(r -> r != RejectReason.REPLACED
                    && r != RejectReason.UNDECODABLE_RECORD
                    && r != RejectReason.MALFORMED_SUBMISSION
                    && r != RejectReason.UNKNOWN_DATA_MARKET)
            .map(Enum::name)
            .toArray(String[]::new);

    static Path dirA;
    static Path dirB;

    @BeforeAll
    static void plant() throws Exception {
        for (String t : List.of(
                Topics.PROTOCOL_CHAIN,
                Topics.FINALIZED,
                Topics.BATCHES,
                Topics.REJECTED,
                "submissions-rejected",
                Topics.SLOT_COUNTS,
                Topics.DISCARDED)) {
            KAFKA.createTopic(t, t.equals(Topics.PROTOCOL_CHAIN) ? 1 : 2);
        }
        KAFKA.createTopic(Topics.SUBMISSIONS, 4);
        dirA = TempDirs.create("query-a-");
        dirB = TempDirs.create("query-b-");

        send(Topics.PROTOCOL_CHAIN, MARKET, Planted.release(7, 7_000));
        send(Topics.PROTOCOL_CHAIN, MARKET, Planted.release(8, 8_000));
        sub("sim1", 1, 0, "p1", "bafysim", "v2.1.0", 3_000);
        sub("a1", 1, 7, "p1", "c1", "v2.1.0", 7_100);
        sub("b1", 2, 7, "p1", "c2", null, 7_200);
        sub("c1", 3, 7, "p2", "c3", null, 7_300);
        sub("c2", 3, 7, "p2", "c3", null, 7_400);
        sub("d1", 4, 7, "p3", "c4", null, 7_500);
        sub("g1", 1, 8, "p1", "c7", "v2.2.0", 8_100);
        for (int i = 0; i < EPOCH_REASONS.length; i++) {
            sub("r-" + EPOCH_REASONS[i], 10 + i, 7, "p9", "cx", null, 7_600);
        }
        send("submissions-rejected", "12D3KooWbad", Planted.bridgeReject("oversized", "12D3KooWbad"));
        send(Topics.FINALIZED, "garbage", "not json".getBytes(StandardCharsets.UTF_8));

        try (KafkaProducer<String, byte[]> job = KAFKA.newTransactionalProducer("job-tx")) {
            job.beginTransaction();
            job.send(new ProducerRecord<>(
                    Topics.REJECTED, "c1", Planted.rejected("c1", "REPLACED", MARKET, 3, 7, "p2")));
            for (int i = 0; i < EPOCH_REASONS.length; i++) {
                String sid = "r-" + EPOCH_REASONS[i];
                job.send(new ProducerRecord<>(
                        Topics.REJECTED, sid, Planted.rejected(sid, EPOCH_REASONS[i], MARKET, 10 + i, 7, "p9")));
            }
            job.send(new ProducerRecord<>(
                    Topics.REJECTED,
                    "kafka:0:5",
                    Planted.rejected("kafka:0:5", "UNDECODABLE_RECORD", null, -1, -1, null)));
            job.send(new ProducerRecord<>(
                    Topics.REJECTED, "m1", Planted.rejected("m1", "MALFORMED_SUBMISSION", null, -1, -1, null)));
            job.send(new ProducerRecord<>(
                    Topics.REJECTED,
                    "u1",
                    Planted.rejected(
                            "u1", "UNKNOWN_DATA_MARKET", "0x00000000000000000000000000000000000000bb", 9, 7, "p1")));
            job.send(new ProducerRecord<>(
                    Topics.FINALIZED,
                    Planted.finalizedKey(7, "p1"),
                    Planted.finalized(
                            7, "p1", true, "c1", 1, 2, new String[] {"c1", "c2"}, new int[] {1, 1}, new String[] {
                                "a1", "b1"
                            })));
            job.send(new ProducerRecord<>(
                    Topics.FINALIZED,
                    Planted.finalizedKey(7, "p2"),
                    Planted.finalized(
                            7, "p2", true, "c3", 1, 1, new String[] {"c3"}, new int[] {1}, new String[] {"c2"})));
            job.send(new ProducerRecord<>(
                    Topics.FINALIZED,
                    Planted.finalizedKey(7, "p3"),
                    Planted.finalized(
                            7, "p3", false, null, 1, 1, new String[] {"c4"}, new int[] {1}, new String[] {"d1"})));
            job.send(new ProducerRecord<>(
                    Topics.BATCHES,
                    Planted.batchKey(7, 0),
                    Planted.batch(7, 0, 2, B0, new String[] {"p1"}, new String[] {"c1"}, "COMMITTED", T1, 1_500)));
            job.send(new ProducerRecord<>(
                    Topics.BATCHES,
                    Planted.batchKey(7, 1),
                    Planted.batch(7, 1, 2, B1, new String[] {"p2"}, new String[] {"c3"}, "DELAYED", T2, 90_000)));
            job.send(new ProducerRecord<>(Topics.BATCHES, MARKET + "|7|end", Planted.epochEnd(7, 2, T3)));
            job.send(new ProducerRecord<>(Topics.DISCARDED, "b1", Planted.discarded(7, 1, "p1", 2, "b1", "c2", "c1")));
            job.send(new ProducerRecord<>(Topics.DISCARDED, "d1", Planted.discarded(7, 1, "p3", 4, "d1", "c4", null)));
            job.send(new ProducerRecord<>(
                    Topics.SLOT_COUNTS, Planted.slotCountKey(1, 1), Planted.slotCount(1, 1, 3, true, 7, "PERIODIC")));
            job.send(new ProducerRecord<>(
                    Topics.SLOT_COUNTS, Planted.slotCountKey(1, 3), Planted.slotCount(1, 3, 1, false, 7, "PERIODIC")));
            job.send(new ProducerRecord<>(Topics.SLOT_COUNTS, Planted.dayEligibleKey(1), Planted.dayEligible(1, 1, 8)));
            job.send(new ProducerRecord<>(
                    Topics.SLOT_COUNTS, Planted.slotCountKey(2, 1), Planted.slotCount(2, 1, 1, false, 8, "PERIODIC")));
            job.commitTransaction();
            // a transaction the job aborted (e.g. a failed checkpoint): read_committed must never show it
            job.beginTransaction();
            job.send(new ProducerRecord<>(
                    Topics.FINALIZED,
                    Planted.finalizedKey(7, "aborted"),
                    Planted.finalized(
                            7, "aborted", true, "cz", 1, 1, new String[] {"cz"}, new int[] {1}, new String[] {"zz"})));
            job.flush();
            job.abortTransaction();
        }
    }

    @AfterAll
    static void cleanUp() {
        TempDirs.deleteRecursively(dirA);
        TempDirs.deleteRecursively(dirB);
    }

    static QueryConfig config(Path stateDir) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("kafka.bootstrap.servers", KAFKA.bootstrapServers());
        c.put("kafka.application.id", "query-it");
        c.put("state.dir", stateDir.toString());
        c.put("http.listen", "127.0.0.1:0");
        c.put("auth.read.token", READ);
        c.put("auth.operator.token", OP);
        c.put("kafka.streams.acceptable.recovery.lag", String.valueOf(Long.MAX_VALUE));
        return QueryConfig.of(c);
    }

    static void send(String topic, String key, byte[] value) {
        KAFKA.send(topic, key, value);
    }

    static void sub(String sid, long slot, long epoch, String project, String cid, String nv, long at) {
        send(Topics.SUBMISSIONS, Long.toString(slot), Planted.submission(sid, slot, epoch, project, cid, nv, at));
    }

    @Test
    void answersEveryEndpointAfterARestartAndFromTwoInstances() {
        Map<String, String> before;
        try (QueryService a = QueryService.start(config(dirA))) {
            String base = a.url();
            // the last planted facts have arrived
            Http.await(
                    () -> Http.post(base, "/eligibleNodesCountPastDays", op("\"pastDays\":2")),
                    r -> r.status() == 200 && r.response().size() == 2,
                    Duration.ofSeconds(60));
            Http.await(
                    () -> Http.get(base, "/api/epoch?epochID=7"),
                    r -> r.status() == 200
                            && r.body().path("summary").has("end")
                            && r.body().path("summary").path("discarded").asInt() == 2
                            && r.body().path("summary").path("rejected").size() == EPOCH_REASONS.length + 1,
                    Duration.ofSeconds(30));
            Http.await(
                    () -> Http.get(base, "/api/inputRejects"),
                    r -> r.body().path("jobRejectedWithoutEpoch").size() == 2
                            && r.body().path("bridgeRejected").size() == 1,
                    Duration.ofSeconds(30));
            checkEveryEndpoint(base);
            checkBadRequests(base);
            before = answers(base);
        }

        // restart on the same state folder: nothing lost
        try (QueryService a = QueryService.start(config(dirA))) {
            Http.await(() -> Http.get(a.url(), "/health"), r -> r.status() == 200, Duration.ofSeconds(30));
            assertThat(Http.await(() -> answersOrNull(a.url()), r -> r != null, Duration.ofSeconds(30))
                            .body()
                            .toString())
                    .isEqualTo(Http.JSON.valueToTree(before).toString());
            checkEveryEndpoint(a.url());

            // a second instance joins: the state is split between them, each answers for keys the other holds
            try (QueryService b = QueryService.start(config(dirB))) {
                Http.await(() -> Http.get(b.url(), "/health"), r -> r.status() == 200, Duration.ofSeconds(30));
                Answer both = Http.await(
                        () -> {
                            Map<String, String> fromA = answersOrEmpty(a.url());
                            Map<String, String> fromB = answersOrEmpty(b.url());
                            boolean ok = fromA.equals(before)
                                    && fromB.equals(before)
                                    && forwarded(a) > 0
                                    && forwarded(b) > 0;
                            return new Answer(
                                    ok ? 200 : 0,
                                    Http.JSON.createObjectNode(),
                                    "forwarded a=" + forwarded(a) + " b=" + forwarded(b) + " sameA="
                                            + fromA.equals(before) + " sameB=" + fromB.equals(before));
                        },
                        r -> r.status() == 200,
                        Duration.ofSeconds(90));
                assertThat(both.status()).isEqualTo(200);
                checkEveryEndpoint(b.url());
            }
        }
    }

    private static long forwarded(QueryService s) {
        for (String line : s.metrics().prometheus().split("\n")) {
            if (line.startsWith("query_forwarded_total ")) {
                return Long.parseLong(line.substring(line.indexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Production endpoints and views for many keys, as text without the per-request ID. */
    static Map<String, String> answers(String base) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String body : List.of("\"epochID\":7", "\"epochID\":8")) {
            for (String path : List.of(
                    "/batchCount",
                    "/activeNodesCountByEpoch",
                    "/epochSubmissionDetails",
                    "/discardedSubmissionsByEpoch")) {
                out.put(
                        path + body,
                        ok(Http.post(base, path, op(body))).response().toString());
            }
        }
        for (int slot : new int[] {1, 2, 3, 4, 10, 11, 12, 13, 14, 15}) {
            out.put(
                    "slot" + slot,
                    ok(Http.get(base, "/api/slot?slotID=" + slot + "&epochID=7"))
                            .body()
                            .toString());
            out.put(
                    "total" + slot,
                    ok(Http.post(base, "/totalSubmissions", read("\"slotID\":" + slot + ",\"pastDays\":2")))
                            .response()
                            .toString());
        }
        out.put(
                "elig1",
                ok(Http.post(base, "/eligibleNodesCount", op("\"day\":1")))
                        .response()
                        .toString());
        out.put(
                "eligSlots",
                ok(Http.post(base, "/eligibleSlotSubmissionCount", op("\"day\":1")))
                        .response()
                        .toString());
        out.put("epochs", ok(Http.get(base, "/api/epochs")).body().toString());
        out.put("global", ok(Http.get(base, "/api/inputRejects")).body().toString());
        return out;
    }

    static Answer answersOrNull(String base) {
        try {
            return new Answer(200, Http.JSON.valueToTree(answers(base)), "");
        } catch (AssertionError | IllegalStateException e) {
            return null;
        }
    }

    static Map<String, String> answersOrEmpty(String base) {
        try {
            return answers(base);
        } catch (AssertionError | IllegalStateException e) {
            return Map.of();
        }
    }

    static Answer ok(Answer a) {
        if (a.status() != 200) {
            throw new AssertionError(a.status() + " " + a.text());
        }
        return a;
    }

    static String op(String fields) {
        return "{" + fields + (fields.isEmpty() ? "" : ",") + "\"token\":\"" + OP + "\"}";
    }

    static String read(String fields) {
        return "{" + fields + ",\"token\":\"" + READ + "\"}";
    }

    static void checkEveryEndpoint(String base) {
        assertThat(ok(Http.post(base, "/batchCount", op("\"epochID\":7")))
                        .response()
                        .path("totalBatches")
                        .asInt())
                .isEqualTo(2);
        assertThat(ok(Http.post(base, "/batchCount", op("\"epochID\":8")))
                        .response()
                        .path("totalBatches")
                        .asInt())
                .isZero();
        // slots 1-4 and one per rejected reason submitted in epoch 7
        assertThat(ok(Http.post(
                                base,
                                "/activeNodesCountByEpoch",
                                op("\"epochID\":7,\"dataMarketAddress\":\"" + MARKET + "\"")))
                        .response()
                        .path("activeNodesCount")
                        .asInt())
                .isEqualTo(4 + EPOCH_REASONS.length);

        JsonNode details = ok(Http.post(base, "/epochSubmissionDetails", op("\"epochID\":7")))
                .response();
        assertThat(details.path("epochSubmissionCount").asInt()).isEqualTo(5 + EPOCH_REASONS.length);
        Map<String, String> fates = new LinkedHashMap<>();
        details.path("submissions")
                .forEach(s -> fates.put(
                        s.path("submissionID").asText(), s.path("fate").asText()));
        assertThat(fates)
                .containsEntry("a1", "batched")
                .containsEntry("b1", "discarded")
                .containsEntry("c1", "replaced")
                .containsEntry("c2", "batched")
                .containsEntry("d1", "unfinalized")
                .containsEntry("r-LATE", "rejected");

        JsonNode disc = ok(Http.post(base, "/discardedSubmissionsByEpoch", op("\"epochID\":7")))
                .response();
        assertThat(disc.size()).isEqualTo(2);
        assertThat(disc.get(0).path("projectID").asText()).isEqualTo("p1");
        assertThat(disc.get(0).path("mostFrequentSnapshotCID").asText()).isEqualTo("c1");
        assertThat(disc.get(0).path("discardedSubmissions").path("2").get(0).asText())
                .isEqualTo("c2");
        assertThat(disc.get(1).path("projectID").asText()).isEqualTo("p3");
        assertThat(disc.get(1).path("mostFrequentSnapshotCID").isNull()).isTrue();

        JsonNode byDay = ok(Http.post(base, "/discardedSubmissionsByDay", read("\"slotID\":2,\"day\":1")))
                .response();
        assertThat(byDay.path("total").asInt()).isEqualTo(1);
        assertThat(byDay.path("projects").get(0).path("projectID").asText()).isEqualTo("p1");
        assertThat(byDay.path("projects")
                        .get(0)
                        .path("details")
                        .path("discardedSubmissions")
                        .get(0)
                        .path("winningCID")
                        .asText())
                .isEqualTo("c1");

        JsonNode elig =
                ok(Http.post(base, "/eligibleNodesCount", op("\"day\":1"))).response();
        assertThat(elig.path("eligibleNodesCount").asInt()).isEqualTo(1);
        assertThat(elig.path("slotIDs").toString()).isEqualTo("[1]");
        assertThat(ok(Http.post(base, "/eligibleNodesCount", op("")))
                        .response()
                        .path("day")
                        .asInt())
                .isEqualTo(2);
        assertThat(ok(Http.post(base, "/eligibleNodesCountPastDays", op("\"pastDays\":2")))
                        .response()
                        .toString())
                .isEqualTo("[{\"day\":2,\"eligibleNodesCount\":0},{\"day\":1,\"eligibleNodesCount\":1}]");
        assertThat(ok(Http.post(base, "/eligibleSlotSubmissionCount", op("\"day\":1")))
                        .response()
                        .path("eligibleSlots")
                        .toString())
                .isEqualTo("[{\"slotID\":1,\"count\":3}]");

        assertThat(ok(Http.post(base, "/totalSubmissions", read("\"slotID\":1,\"pastDays\":2")))
                        .response()
                        .toString())
                .isEqualTo("[{\"day\":2,\"totalSubmissions\":1,\"eligibleSubmissions\":1},"
                        + "{\"day\":1,\"totalSubmissions\":3,\"eligibleSubmissions\":3}]");
        assertThat(ok(Http.post(base, "/totalSubmissions", read("\"slotID\":2,\"pastDays\":1")))
                        .response()
                        .toString())
                .isEqualTo("[{\"day\":2,\"totalSubmissions\":0,\"eligibleSubmissions\":0}]");
        assertThat(ok(Http.post(base, "/totalSubmissions", read("\"slotID\":2,\"pastDays\":2")))
                        .response()
                        .get(1)
                        .path("totalSubmissions")
                        .asInt())
                .isEqualTo(1);

        JsonNode sim = ok(Http.post(base, "/lastSimulatedSubmission", read("\"slotID\":1")))
                .response();
        assertThat(sim.path("submissionID").asText()).isEqualTo("sim1");
        assertThat(sim.path("nodeVersion").asText()).isEqualTo("v2.1.0");
        assertThat(sim.path("receivedAtMs").asLong()).isEqualTo(3_000);
        JsonNode snap = ok(Http.post(base, "/lastSnapshotSubmission", read("\"slotID\":1")))
                .response();
        assertThat(snap.path("submissionID").asText()).isEqualTo("g1");
        assertThat(snap.path("epochID").asInt()).isEqualTo(8);
        assertThat(ok(Http.post(base, "/snapshotterNodeVersion", read("\"slotID\":1")))
                        .response()
                        .path("nodeVersion")
                        .asText())
                .isEqualTo("v2.2.0");
        assertThat(Http.post(base, "/lastSimulatedSubmission", read("\"slotID\":2"))
                        .status())
                .isEqualTo(404);

        // views
        JsonNode epochs = ok(Http.get(base, "/api/epochs")).body();
        assertThat(epochs.size()).isEqualTo(2);
        assertThat(epochs.get(0).path("epoch").asInt()).isEqualTo(8);
        assertThat(ok(Http.get(base, "/api/epochs?limit=1"))
                        .body()
                        .get(0)
                        .path("epoch")
                        .asInt())
                .isEqualTo(8);
        assertThat(ok(Http.get(base, "/api/epochs?before=8"))
                        .body()
                        .get(0)
                        .path("epoch")
                        .asInt())
                .isEqualTo(7);
        JsonNode e7 = epochs.get(1);
        assertThat(e7.path("released").path("at").asLong()).isEqualTo(7_000);
        assertThat(e7.path("end").path("txHash").asText()).isEqualTo(T3);
        assertThat(e7.path("finalizedProjects").asInt()).isEqualTo(2);
        assertThat(e7.path("unfinalizedProjects").asInt()).isEqualTo(1);
        assertThat(e7.path("batchStatus").path("DELAYED").asInt()).isEqualTo(1);
        assertThat(e7.path("commitLatencyMs").asLong()).isEqualTo(90_000);

        JsonNode epoch = ok(Http.get(base, "/api/epoch?epochID=7")).body();
        assertThat(epoch.path("projects").size())
                .as("the aborted transaction's project is not there")
                .isEqualTo(3);
        assertThat(epoch.path("projects").get(2).path("status").asText()).isEqualTo("UNFINALIZED");
        assertThat(epoch.path("projects").get(0).path("snapshotCid").asText()).isEqualTo("c1");
        assertThat(epoch.path("projects").get(0).path("winnerCount").asInt()).isEqualTo(1);
        assertThat(epoch.path("projects").get(0).path("batchCid").asText()).isEqualTo(B0);
        assertThat(epoch.path("batches").get(0).path("txHash").asText()).isEqualTo(T1);
        List<String> reasons = new ArrayList<>();
        epoch.path("summary").path("rejected").fieldNames().forEachRemaining(reasons::add);
        assertThat(reasons).containsExactlyInAnyOrder(append(EPOCH_REASONS, "REPLACED"));
        epoch.path("summary")
                .path("rejected")
                .forEach(c -> assertThat(c.asInt()).isEqualTo(1));

        JsonNode batch = ok(Http.get(base, "/api/batch?epochID=7&batchIndex=1")).body();
        assertThat(batch.path("status").asText()).isEqualTo("DELAYED");
        assertThat(batch.path("batchCid").asText()).isEqualTo(B1);
        assertThat(Http.get(base, "/api/batch?epochID=7&batchIndex=5").status()).isEqualTo(404);

        JsonNode slot1 =
                ok(Http.get(base, "/api/slot?slotID=1&epochID=7")).body().path("submissions");
        assertThat(slot1.size()).isEqualTo(1);
        assertThat(slot1.get(0).path("fate").asText()).isEqualTo("batched");
        assertThat(slot1.get(0).path("batchCID").asText()).isEqualTo(B0);
        assertThat(slot1.get(0).path("txHash").asText()).isEqualTo(T1);
        JsonNode slot3 =
                ok(Http.get(base, "/api/slot?slotID=3&epochID=7")).body().path("submissions");
        assertThat(slot3.get(0).path("fate").asText()).isEqualTo("replaced");
        assertThat(slot3.get(1).path("fate").asText()).isEqualTo("batched");
        assertThat(slot3.get(1).path("batchStatus").asText()).isEqualTo("DELAYED");
        JsonNode slot2 =
                ok(Http.get(base, "/api/slot?slotID=2&epochID=7")).body().path("submissions");
        assertThat(slot2.get(0).path("fate").asText()).isEqualTo("discarded");
        assertThat(slot2.get(0).path("winningCID").asText()).isEqualTo("c1");
        JsonNode slot4 =
                ok(Http.get(base, "/api/slot?slotID=4&epochID=7")).body().path("submissions");
        assertThat(slot4.get(0).path("fate").asText()).isEqualTo("unfinalized");
        for (int i = 0; i < EPOCH_REASONS.length; i++) {
            JsonNode s = ok(Http.get(base, "/api/slot?slotID=" + (10 + i) + "&epochID=7"))
                    .body()
                    .path("submissions");
            assertThat(s.get(0).path("fate").asText()).isEqualTo("rejected");
            assertThat(s.get(0).path("reason").asText()).isEqualTo(EPOCH_REASONS[i]);
        }
        JsonNode pending =
                ok(Http.get(base, "/api/slot?slotID=1&epochID=8")).body().path("submissions");
        assertThat(pending.get(0).path("fate").asText()).isEqualTo("pending");
        JsonNode other = ok(Http.get(
                        base, "/api/epoch?epochID=7&dataMarketAddress=0x00000000000000000000000000000000000000BB"))
                .body();
        assertThat(other.path("summary")
                        .path("rejected")
                        .path("UNKNOWN_DATA_MARKET")
                        .asInt())
                .isEqualTo(1);

        JsonNode global = ok(Http.get(base, "/api/inputRejects")).body();
        assertThat(global.path("bridgeRejected").path("oversized").asInt()).isEqualTo(1);
        assertThat(global.path("jobRejectedWithoutEpoch")
                        .path("UNDECODABLE_RECORD")
                        .asInt())
                .isEqualTo(1);
        assertThat(global.path("jobRejectedWithoutEpoch")
                        .path("MALFORMED_SUBMISSION")
                        .asInt())
                .isEqualTo(1);
        assertThat(global.path("undecodable").path("finalized").asInt()).isEqualTo(1);

        assertThat(ok(Http.get(base, "/api/markets"))
                        .body()
                        .get(0)
                        .path("market")
                        .asText())
                .isEqualTo(MARKET);
        JsonNode openApi = ok(Http.get(base, "/openapi.json")).body();
        for (String p : List.of(
                "/totalSubmissions",
                "/eligibleNodesCount",
                "/eligibleNodesCountPastDays",
                "/batchCount",
                "/epochSubmissionDetails",
                "/eligibleSlotSubmissionCount",
                "/discardedSubmissionsByEpoch",
                "/discardedSubmissionsByDay",
                "/lastSimulatedSubmission",
                "/lastSnapshotSubmission",
                "/activeNodesCountByEpoch",
                "/snapshotterNodeVersion")) {
            assertThat(openApi.path("paths").has(p)).as(p).isTrue();
        }
        assertThat(Http.get(base, "/health").status()).isEqualTo(200);
        assertThat(Http.get(base, "/metrics").text())
                .contains("query_http_requests_total{endpoint=\"/batchCount\",status=\"200\"}");
        assertThat(Http.get(base, "/explorer/").text()).contains("<title>");
    }

    static void checkBadRequests(String base) {
        Answer missing = Http.post(base, "/batchCount", op(""));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.response().asText()).isEqualTo("epochID is required");
        assertThat(missing.body().path("info").path("success").asBoolean()).isFalse();
        Answer letters = Http.post(base, "/batchCount", op("\"epochID\":\"seven\""));
        assertThat(letters.status()).isEqualTo(400);
        assertThat(letters.response().asText()).contains("epochID must be a non-negative integer");
        assertThat(Http.post(base, "/batchCount", op("\"epochID\":-3")).status())
                .isEqualTo(400);
        assertThat(Http.post(base, "/batchCount", op("\"epochID\":7,\"dataMarketAddress\":\"0x12\""))
                        .status())
                .isEqualTo(400);
        assertThat(Http.post(base, "/batchCount", "{not json").status()).isEqualTo(400);
        Answer huge = Http.post(base, "/batchCount", op("\"epochID\":7,\"pad\":\"" + "x".repeat(70_000) + "\""));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.response().asText()).isEqualTo("request body larger than 65536 bytes");
        assertThat(Http.post(base, "/internal/ask", "{\"op\":\"epochSubmissions\",\"pk\":\"x\"}")
                        .status())
                .as("instances authenticate each other with the operator token")
                .isEqualTo(401);
        assertThat(Http.post(base, "/totalSubmissions", read("\"slotID\":1,\"pastDays\":0"))
                        .status())
                .isEqualTo(400);
        assertThat(Http.post(base, "/totalSubmissions", read("\"slotID\":1,\"pastDays\":31"))
                        .status())
                .isEqualTo(400);
        Answer noToken = Http.post(base, "/batchCount", "{\"epochID\":7}");
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.response().asText()).isEqualTo("operator token required");
        assertThat(Http.post(base, "/batchCount", "{\"epochID\":7,\"token\":\"" + READ + "\"}")
                        .status())
                .isEqualTo(401);
        assertThat(Http.post(base, "/lastSimulatedSubmission", "{\"slotID\":1,\"token\":\"nope\"}")
                        .status())
                .isEqualTo(401);
        assertThat(Http.get(base, "/batchCount").status()).isEqualTo(405);
        Answer badQuery = Http.get(base, "/api/epoch?epochID=abc");
        assertThat(badQuery.status()).isEqualTo(400);
        assertThat(badQuery.body().path("error").asText()).contains("epochID");
        assertThat(badQuery.text()).doesNotContain("Exception").doesNotContain("at io.");
        assertThat(Http.get(base, "/api/epoch?epochID=99").status()).isEqualTo(404);
        assertThat(Http.get(base, "/nope").status()).isEqualTo(404);
    }

    private static String[] append(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
