package io.powerloom.sequencer.query;

import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.protocol.json.JsonWriter;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.nio.charset.StandardCharsets;

/**
 * Input records exactly as their writers put them on Kafka. Submissions, releases and bridge rejects go through the
 * writers' own encoders (protocol {@code RecordCodec}/{@code SubmissionCodec}, the bridge's {@code RejectRecord}).
 * The job's records ({@code finalized}, {@code batches}, {@code rejected}) and the accounting topics are written
 * field for field as flink-job's {@code job/kafka/OutputRecords} and {@code ACCOUNTING-TOPICS.md} define them, with the
 * same {@code JsonWriter}: the job module is a shaded Flink jar, not usable as a test dependency here.
 */
final class Planted {
    static final String MARKET = "0x00000000000000000000000000000000000000aa";
    static final String BLOCK_HASH = "0x" + "11".repeat(32);
    static final String TX = "0x" + "22".repeat(32);

    private Planted() {
    }

    static byte[] submission(String sid, long slot, long epoch, String project, String cid, String nodeVersion,
                             long receivedAtMs) {
        SnapshotSubmission s = new SnapshotSubmission(new Request(slot, 100, cid, epoch, project), "ab".repeat(65),
                BLOCK_HASH, MARKET, nodeVersion);
        String goJson = new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8);
        return RecordCodec.encode(new SubmissionEnvelope(sid, "12D3KooWpeer", receivedAtMs, "bridge-0", goJson));
    }

    static byte[] release(long epoch, long observedAtMs) {
        return RecordCodec.encode(new EpochReleased(MARKET, epoch, epoch * 10, epoch * 10 + 9, observedAtMs / 1000,
                epoch + 1000, BLOCK_HASH, TX, 0, 20, 1000, observedAtMs, false));
    }

    static byte[] bridgeReject(String reason, String peer) {
        return new RejectRecord(reason, "too long", peer, null, 1_000L, "bridge-0", new byte[] {1, 2, 3}, 70_000)
                .encode();
    }

    /** As OutputRecords.value(ProjectEpochResult). */
    static byte[] finalized(long epoch, String project, boolean finalized, String cid, int winner, int total,
                            String[] cids, int[] counts, String[] sids) {
        JsonWriter w = start("projectEpoch");
        w.name("dataMarket").value(MARKET);
        w.name("epochId").unsignedValue(epoch);
        w.name("projectId").value(project);
        w.name("status").value(finalized ? "FINALIZED" : "UNFINALIZED");
        if (cid != null) {
            w.name("snapshotCid").value(cid);
        }
        w.name("winnerCount").value(winner);
        w.name("totalCount").value(total);
        w.name("cidCounts").beginObject();
        for (int i = 0; i < cids.length; i++) {
            w.name(cids[i]).value(counts[i]);
        }
        w.endObject();
        strings(w, "submissionIds", sids);
        w.name("windowOpenMs").value(epoch * 1000);
        w.name("windowCloseMs").value(epoch * 1000 + 20_000);
        return w.endObject().toBytes();
    }

    static String finalizedKey(long epoch, String project) {
        return MARKET + "|" + epoch + "|" + project;
    }

    /** As OutputRecords.value(AnchorOutcome) for a batch. */
    static byte[] batch(long epoch, int index, int count, String batchCid, String[] projects, String[] cids,
                        String status, String tx, long latencyMs) {
        JsonWriter w = start("batch");
        w.name("dataMarket").value(MARKET);
        w.name("epochId").unsignedValue(epoch);
        w.name("batchIndex").value(index);
        w.name("batchCount").value(count);
        w.name("batchCid").value(batchCid);
        w.name("rootHash").value("0x" + "33".repeat(32));
        w.name("finalizedCidsRootHash").value("0x" + "44".repeat(32));
        strings(w, "projectIds", projects);
        strings(w, "snapshotCids", cids);
        w.name("status").value(status);
        if (tx != null) {
            w.name("txHash").value(tx);
            w.name("blockNumber").value(1234);
        }
        w.name("windowCloseMs").value(epoch * 1000 + 20_000);
        if (latencyMs >= 0) {
            w.name("commitLatencyMs").value(latencyMs);
        }
        return w.endObject().toBytes();
    }

    /** As OutputRecords.value(AnchorOutcome) for an epoch end. */
    static byte[] epochEnd(long epoch, int count, String tx) {
        JsonWriter w = start("epochEnd");
        w.name("dataMarket").value(MARKET);
        w.name("epochId").unsignedValue(epoch);
        w.name("batchCount").value(count);
        w.name("status").value("COMMITTED");
        w.name("txHash").value(tx);
        w.name("blockNumber").value(1240);
        w.name("windowCloseMs").value(epoch * 1000 + 20_000);
        w.name("commitLatencyMs").value(900);
        return w.endObject().toBytes();
    }

    /** As OutputRecords.value(RejectedSubmission); {@code slot}/{@code epoch} -1 when unknown. */
    static byte[] rejected(String sid, String reason, String market, long slot, long epoch, String project) {
        JsonWriter w = start("rejected");
        w.name("submissionId").value(sid);
        w.name("reason").value(reason);
        w.name("detail").value("planted " + reason);
        if (market != null) {
            w.name("dataMarket").value(market);
        }
        if (slot >= 0 || epoch >= 0) {
            w.name("slotId").unsignedValue(slot);
            w.name("epochId").unsignedValue(epoch);
        }
        if (project != null) {
            w.name("projectId").value(project);
        }
        w.name("peerId").value("12D3KooWpeer");
        w.name("receivedAtMs").value(5_000);
        return w.endObject().toBytes();
    }

    /** ACCOUNTING-TOPICS.md: slot-counts, type slotCount. */
    static byte[] slotCount(long day, long slot, long count, boolean eligible, long epoch, String kind) {
        JsonWriter w = start("slotCount");
        w.name("dataMarket").value(MARKET);
        w.name("day").unsignedValue(day);
        w.name("slotId").unsignedValue(slot);
        w.name("count").unsignedValue(count);
        w.name("kind").value(kind);
        w.name("eligible").value(eligible);
        w.name("epochId").unsignedValue(epoch);
        w.name("status").value("COMMITTED");
        w.name("txHash").value(TX);
        w.name("blockNumber").value(123);
        return w.endObject().toBytes();
    }

    static String slotCountKey(long day, long slot) {
        return MARKET + "|" + day + "|" + slot;
    }

    /** ACCOUNTING-TOPICS.md: slot-counts, type dayEligible. */
    static byte[] dayEligible(long day, long eligibleNodes, long epoch) {
        JsonWriter w = start("dayEligible");
        w.name("dataMarket").value(MARKET);
        w.name("day").unsignedValue(day);
        w.name("eligibleNodes").unsignedValue(eligibleNodes);
        w.name("quota").value(3);
        w.name("epochId").unsignedValue(epoch);
        w.name("status").value("COMMITTED");
        w.name("txHash").value(TX);
        w.name("blockNumber").value(124);
        return w.endObject().toBytes();
    }

    /** ACCOUNTING-TOPICS.md: discarded; {@code winningCid} null when the project did not finalize. */
    static byte[] discarded(long epoch, long day, String project, long slot, String sid, String cid, String winning) {
        JsonWriter w = start("discarded");
        w.name("dataMarket").value(MARKET);
        w.name("epochId").unsignedValue(epoch);
        w.name("day").unsignedValue(day);
        w.name("projectId").value(project);
        w.name("slotId").unsignedValue(slot);
        w.name("submissionId").value(sid);
        w.name("snapshotCid").value(cid);
        if (winning != null) {
            w.name("winningCid").value(winning);
        }
        w.name("receivedAtMs").value(5_000);
        return w.endObject().toBytes();
    }

    private static JsonWriter start(String type) {
        JsonWriter w = new JsonWriter(JsonWriter.Style.MINIMAL, 256);
        w.beginObject();
        w.name("v").value(1);
        w.name("type").value(type);
        return w;
    }

    private static void strings(JsonWriter w, String name, String[] values) {
        w.name(name).beginArray();
        for (String v : values) {
            w.value(v);
        }
        w.endArray();
    }
}
