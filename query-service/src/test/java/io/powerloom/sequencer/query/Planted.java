package io.powerloom.sequencer.query;

import io.powerloom.sequencer.anchor.AnchorOutcome;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.finalize.ProjectEpochResult;
import io.powerloom.sequencer.job.kafka.OutputRecords;
import io.powerloom.sequencer.protocol.json.JsonWriter;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.verify.RejectReason;
import io.powerloom.sequencer.verify.RejectedSubmission;
import java.nio.charset.StandardCharsets;

/**
 * Input records exactly as their writers put them on Kafka, through the writers' own encoders: protocol
 * {@code RecordCodec}/{@code SubmissionCodec} (submissions, releases), the bridge's {@code RejectRecord}, the job's
 * {@code OutputRecords} (finalized, batches, rejected). The accounting topics (issue 19, written in parallel) are
 * written field for field as their agreed format defines them, with the job's {@code JsonWriter}.
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

    /** The job's own encoder: OutputRecords.value(ProjectEpochResult). */
    static byte[] finalized(long epoch, String project, boolean finalized, String cid, int winner, int total,
                            String[] cids, int[] counts, String[] sids) {
        return OutputRecords.value(result(epoch, project, finalized, cid, winner, total, cids, counts, sids));
    }

    static String finalizedKey(long epoch, String project) {
        return new String(OutputRecords.key(result(epoch, project, false, null, 0, 0, new String[0], new int[0],
                new String[0])), StandardCharsets.UTF_8);
    }

    private static ProjectEpochResult result(long epoch, String project, boolean finalized, String cid, int winner,
                                             int total, String[] cids, int[] counts, String[] sids) {
        return new ProjectEpochResult(MARKET, epoch, project, finalized, cid, winner, total, cids, counts, sids,
                new byte[0][], new long[0], epoch * 1000, epoch * 1000 + 20_000, 0);
    }

    /** The job's own encoder: OutputRecords.value(AnchorOutcome) of a batch. */
    static byte[] batch(long epoch, int index, int count, String batchCid, String[] projects, String[] cids,
                        String status, String tx, long latencyMs) {
        return OutputRecords.value(new AnchorOutcome(AnchorOutcome.BATCH, MARKET, epoch, index, count, batchCid,
                "0x" + "33".repeat(32), "0x" + "44".repeat(32), projects, cids, AnchorOutcome.Status.valueOf(status),
                tx, tx == null ? -1 : 1234, null, epoch * 1000 + 20_000, latencyMs));
    }

    static String batchKey(long epoch, int index) {
        return new String(OutputRecords.key(new AnchorOutcome(AnchorOutcome.BATCH, MARKET, epoch, index, 1, "c", "r",
                "f", new String[0], new String[0], AnchorOutcome.Status.COMMITTED, null, -1, null, 0, -1)),
                StandardCharsets.UTF_8);
    }

    /** The job's own encoder: OutputRecords.value(AnchorOutcome) of an epoch end. */
    static byte[] epochEnd(long epoch, int count, String tx) {
        return OutputRecords.value(AnchorOutcome.forEpochEnd(MARKET, epoch, count, AnchorOutcome.Status.COMMITTED, tx,
                1240, null, epoch * 1000 + 20_000, 900));
    }

    /** The job's own encoder: OutputRecords.value(RejectedSubmission); {@code slot}/{@code epoch} -1 when unknown. */
    static byte[] rejected(String sid, String reason, String market, long slot, long epoch, String project) {
        return OutputRecords.value(new RejectedSubmission(sid, RejectReason.valueOf(reason), "planted " + reason,
                market, slot, epoch, project, "12D3KooWpeer", 5_000));
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
