package io.powerloom.sequencer.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The outcome of consensus for one project in one epoch, written to the finalized topic and fed to batching.
 *
 * @param dataMarket           market address
 * @param epochId              epoch
 * @param projectId            project
 * @param finalized            whether the winner met the quorum (else unfinalized: reported, not batched)
 * @param snapshotCid          the winning CID (null when unfinalized)
 * @param winnerCount          submissions for the winner
 * @param totalCount           valid submissions in the window
 * @param cids                 distinct CIDs submitted, sorted
 * @param cidCounts            submissions per CID, aligned with {@code cids}
 * @param submissionIds        valid submissions' IDs, sorted by (slot, ID)
 * @param submissions          their protobuf-JSON texts as quoted JSON strings (UTF-8), aligned
 * @param slotIds              their slots, aligned
 * @param windowOpenMs         event time the window opened (release seen)
 * @param windowCloseMs        event time the window closed
 * @param closedAtWallMs       wall clock when the job closed the window (for latency only; never written to Kafka)
 */
@TypeInfo(ProjectEpochResultSerializer.Factory.class)
public record ProjectEpochResult(
        String dataMarket,
        long epochId,
        String projectId,
        boolean finalized,
        String snapshotCid,
        int winnerCount,
        int totalCount,
        String[] cids,
        int[] cidCounts,
        String[] submissionIds,
        byte[][] submissions,
        long[] slotIds,
        long windowOpenMs,
        long windowCloseMs,
        long closedAtWallMs) {}
