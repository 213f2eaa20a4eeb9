package io.powerloom.sequencer.query;

import io.powerloom.sequencer.accounting.AccountingAction;
import io.powerloom.sequencer.accounting.DiscardedSubmission;
import io.powerloom.sequencer.accounting.SlotCount;
import io.powerloom.sequencer.anchor.AnchorOutcome;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.job.kafka.OutputRecords;
import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.RejectedSubmission;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.records.Topics;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.nio.charset.StandardCharsets;

/**
 * Input records exactly as their writers put them on Kafka, through the writers' own encoders: protocol
 * {@code RecordCodec}/{@code SubmissionCodec} (submissions, releases), the bridge's {@code RejectRecord}, the job's
 * {@code OutputRecords} (finalized, batches, rejected, and the accounting topics' slot counts and discarded
 * submissions), the chain watcher's {@code DayStarted}. Topic names are protocol {@code Topics}'.
 */
final class Planted {
    static final String MARKET = "0x00000000000000000000000000000000000000aa";
    static final String BLOCK_HASH = "0x" + "11".repeat(32);
    static final String TX = "0x" + "22".repeat(32);

    private Planted() {}

    static byte[] submission(
            String sid, long slot, long epoch, String project, String cid, String nodeVersion, long receivedAtMs) {
        SnapshotSubmission s = new SnapshotSubmission(
                new Request(slot, 100, cid, epoch, project), "ab".repeat(65), BLOCK_HASH, MARKET, nodeVersion);
        String goJson = new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8);
        return RecordCodec.encode(new SubmissionEnvelope(sid, "12D3KooWpeer", receivedAtMs, "bridge-0", goJson));
    }

    static byte[] release(long epoch, long observedAtMs) {
        return RecordCodec.encode(new EpochReleased(
                MARKET,
                epoch,
                epoch * 10,
                epoch * 10 + 9,
                observedAtMs / 1000,
                epoch + 1000,
                BLOCK_HASH,
                TX,
                0,
                20,
                1000,
                observedAtMs,
                false));
    }

    static byte[] bridgeReject(String reason, String peer) {
        return new RejectRecord(reason, "too long", peer, null, 1_000L, "bridge-0", new byte[] {1, 2, 3}, 70_000)
                .encode();
    }

    /** The job's own encoder: OutputRecords.value(ProjectEpochResult). */
    static byte[] finalized(
            long epoch,
            String project,
            boolean finalized,
            String cid,
            int winner,
            int total,
            String[] cids,
            int[] counts,
            String[] sids) {
        return OutputRecords.value(result(epoch, project, finalized, cid, winner, total, cids, counts, sids));
    }

    static String finalizedKey(long epoch, String project) {
        return new String(
                OutputRecords.key(result(epoch, project, false, null, 0, 0, new String[0], new int[0], new String[0])),
                StandardCharsets.UTF_8);
    }

    private static ProjectEpochResult result(
            long epoch,
            String project,
            boolean finalized,
            String cid,
            int winner,
            int total,
            String[] cids,
            int[] counts,
            String[] sids) {
        return new ProjectEpochResult(
                MARKET,
                epoch,
                project,
                finalized,
                cid,
                winner,
                total,
                cids,
                counts,
                sids,
                new byte[0][],
                new long[0],
                epoch * 1000,
                epoch * 1000 + 20_000,
                0);
    }

    /** The job's own encoder: OutputRecords.value(AnchorOutcome) of a batch. */
    static byte[] batch(
            long epoch,
            int index,
            int count,
            String batchCid,
            String[] projects,
            String[] cids,
            String status,
            String tx,
            long latencyMs) {
        return OutputRecords.value(new AnchorOutcome(
                AnchorOutcome.BATCH,
                MARKET,
                epoch,
                index,
                count,
                batchCid,
                "0x" + "33".repeat(32),
                "0x" + "44".repeat(32),
                projects,
                cids,
                AnchorOutcome.Status.valueOf(status),
                tx,
                tx == null ? -1 : 1234,
                null,
                epoch * 1000 + 20_000,
                latencyMs));
    }

    static String batchKey(long epoch, int index) {
        return new String(
                OutputRecords.key(new AnchorOutcome(
                        AnchorOutcome.BATCH,
                        MARKET,
                        epoch,
                        index,
                        1,
                        "c",
                        "r",
                        "f",
                        new String[0],
                        new String[0],
                        AnchorOutcome.Status.COMMITTED,
                        null,
                        -1,
                        null,
                        0,
                        -1)),
                StandardCharsets.UTF_8);
    }

    /** The job's own encoder: OutputRecords.value(AnchorOutcome) of an epoch end. */
    static byte[] epochEnd(long epoch, int count, String tx) {
        return OutputRecords.value(AnchorOutcome.forEpochEnd(
                MARKET, epoch, count, AnchorOutcome.Status.COMMITTED, tx, 1240, null, epoch * 1000 + 20_000, 900));
    }

    /** The job's own encoder: OutputRecords.value(RejectedSubmission); {@code slot}/{@code epoch} -1 when unknown. */
    static byte[] rejected(String sid, String reason, String market, long slot, long epoch, String project) {
        return OutputRecords.value(new RejectedSubmission(
                sid,
                RejectReason.valueOf(reason),
                "planted " + reason,
                market,
                slot,
                epoch,
                project,
                "12D3KooWpeer",
                5_000));
    }

    /** The job's own encoder: OutputRecords.value(SlotCount) of a slot's count for a day. */
    static byte[] slotCount(long day, long slot, long count, boolean eligible, long epoch, String kind) {
        return OutputRecords.value(new SlotCount(
                MARKET,
                day,
                slot,
                count,
                AccountingAction.Kind.valueOf(kind),
                eligible,
                3,
                epoch,
                SlotCount.COMMITTED,
                TX,
                123,
                null,
                0));
    }

    static String slotCountKey(long day, long slot) {
        return Topics.slotCountKey(MARKET, day, slot);
    }

    /** The job's own encoder: OutputRecords.value(SlotCount) of a day's eligible-node count. */
    static byte[] dayEligible(long day, long eligibleNodes, long epoch) {
        return OutputRecords.value(new SlotCount(
                MARKET,
                day,
                -1,
                eligibleNodes,
                AccountingAction.Kind.FINAL,
                false,
                3,
                epoch,
                SlotCount.COMMITTED,
                TX,
                124,
                null,
                0));
    }

    static String dayEligibleKey(long day) {
        return Topics.dayEligibleKey(MARKET, day);
    }

    /** The job's own encoder: OutputRecords.value(DiscardedSubmission); {@code winning} null when not finalized. */
    static byte[] discarded(long epoch, long day, String project, long slot, String sid, String cid, String winning) {
        return OutputRecords.value(
                new DiscardedSubmission(MARKET, epoch, day, project, slot, sid, cid, winning, 5_000));
    }

    /** The chain watcher's own encoder: RecordCodec.encode(DayStarted). */
    static byte[] dayStarted(long day, long epoch, long observedAtMs) {
        return RecordCodec.encode(new DayStarted(
                MARKET, day, epoch, observedAtMs / 1000, epoch + 1000, BLOCK_HASH, TX, 1, observedAtMs, false));
    }

    /** The chain watcher's retraction of a day start (a reorg removed it). */
    static byte[] dayStartedRetracted(long day, long epoch, long observedAtMs) {
        return RecordCodec.encode(new DayStarted(
                        MARKET, day, epoch, observedAtMs / 1000, epoch + 1000, BLOCK_HASH, TX, 1, observedAtMs, false)
                .retracted(observedAtMs));
    }
}
