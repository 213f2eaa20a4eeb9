package io.powerloom.sequencer.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The outcome of consensus for one project in one epoch, written to the finalized topic and fed to batching. Built by
 * name with {@link #builder(ProjectEpochKey)}; the canonical constructor is the serializer's (its component order is
 * not the state format, {@link ProjectEpochResultSerializer}'s field order is).
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
        long closedAtWallMs) {

    private static final String[] NO_STRINGS = new String[0];

    /** The window's key: {@code (market, epoch, project)}. */
    public ProjectEpochKey key() {
        return ProjectEpochKey.of(dataMarket, epochId, projectId);
    }

    /** A result for the project window {@code key}; every other field is set by name. */
    public static Builder builder(ProjectEpochKey key) {
        return new Builder().key(key);
    }

    /** A builder holding this result's fields, to change some of them. */
    public Builder toBuilder() {
        Builder b = builder(key());
        b.finalized = finalized;
        b.snapshotCid = snapshotCid;
        b.winnerCount = winnerCount;
        b.totalCount = totalCount;
        b.cids = cids;
        b.cidCounts = cidCounts;
        b.submissionIds = submissionIds;
        b.submissions = submissions;
        b.slotIds = slotIds;
        b.windowOpenMs = windowOpenMs;
        b.windowCloseMs = windowCloseMs;
        b.closedAtWallMs = closedAtWallMs;
        return b;
    }

    /** Names each field of a {@link ProjectEpochResult}; {@link #build()} checks that the aligned arrays align. */
    public static final class Builder {
        private ProjectEpochKey key;
        private boolean finalized;
        private String snapshotCid;
        private int winnerCount;
        private int totalCount;
        private String[] cids = NO_STRINGS;
        private int[] cidCounts = new int[0];
        private String[] submissionIds = NO_STRINGS;
        private byte[][] submissions = new byte[0][];
        private long[] slotIds = new long[0];
        private long windowOpenMs;
        private long windowCloseMs;
        private long closedAtWallMs;

        private Builder() {}

        /** The project window, {@code (market, epoch, project)}. */
        public Builder key(ProjectEpochKey key) {
            if (key.isEpoch()) {
                throw new IllegalArgumentException("a result is per project: " + key);
            }
            this.key = key;
            return this;
        }

        /** The winner met the quorum: {@code cid} is finalized. */
        public Builder finalized(String cid) {
            this.finalized = true;
            this.snapshotCid = cid;
            return this;
        }

        /** No CID met the quorum: reported, not batched. */
        public Builder unfinalized() {
            this.finalized = false;
            this.snapshotCid = null;
            return this;
        }

        /** Submissions for the winning CID and valid submissions in the window. */
        public Builder counts(int winnerCount, int totalCount) {
            this.winnerCount = winnerCount;
            this.totalCount = totalCount;
            return this;
        }

        /** The distinct CIDs submitted, sorted, and the submissions per CID, aligned. */
        public Builder cidCounts(String[] cids, int[] counts) {
            this.cids = cids;
            this.cidCounts = counts;
            return this;
        }

        /**
         * The valid submissions sorted by (slot, ID): their IDs, their protobuf-JSON texts as quoted JSON strings
         * (UTF-8) and their slots, aligned.
         */
        public Builder submissions(String[] ids, byte[][] quotedTexts, long[] slotIds) {
            this.submissionIds = ids;
            this.submissions = quotedTexts;
            this.slotIds = slotIds;
            return this;
        }

        /** Event times the window opened (release seen) and closed. */
        public Builder window(long openMs, long closeMs) {
            this.windowOpenMs = openMs;
            this.windowCloseMs = closeMs;
            return this;
        }

        /** Wall clock when the job closed the window (for latency only; never written to Kafka). */
        public Builder closedAtWallMs(long closedAtWallMs) {
            this.closedAtWallMs = closedAtWallMs;
            return this;
        }

        public ProjectEpochResult build() {
            if (cids.length != cidCounts.length) {
                throw new IllegalArgumentException(
                        "cids and their counts do not align: " + cids.length + " vs " + cidCounts.length);
            }
            if (submissionIds.length != submissions.length || submissionIds.length != slotIds.length) {
                throw new IllegalArgumentException("submission IDs, texts and slots do not align: "
                        + submissionIds.length + ", " + submissions.length + ", " + slotIds.length);
            }
            return new ProjectEpochResult(
                    key.dataMarket(),
                    key.epochId(),
                    key.projectId(),
                    finalized,
                    snapshotCid,
                    winnerCount,
                    totalCount,
                    cids,
                    cidCounts,
                    submissionIds,
                    submissions,
                    slotIds,
                    windowOpenMs,
                    windowCloseMs,
                    closedAtWallMs);
        }
    }
}
