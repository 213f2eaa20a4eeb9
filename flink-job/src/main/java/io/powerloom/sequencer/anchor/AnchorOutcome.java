package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.batch.SubmissionBatch;

/**
 * What became of a batch (or of an epoch's closing {@code endBatchSubmissions}), written to the batches topic.
 *
 * @param type                  {@code BATCH} or {@code EPOCH_END}
 * @param dataMarket            market
 * @param epochId               epoch
 * @param batchIndex            batch position ({@code -1} for EPOCH_END)
 * @param batchCount            batches in the epoch
 * @param batchCid              the batch's CID (null for EPOCH_END)
 * @param rootHash              Merkle root over submission IDs
 * @param finalizedCidsRootHash Merkle root over the finalized CIDs
 * @param projectIds            the batch's projects
 * @param snapshotCids          their finalized CIDs
 * @param status                see {@link Status}
 * @param txHash                transaction hash when one was sent (else null)
 * @param blockNumber           block it was mined in (else -1)
 * @param detail                human-readable detail (audit mismatch, error)
 * @param windowCloseMs         event time the window closed
 * @param commitLatencyMs       wall time from window close (in the job) to the receipt; -1 when nothing was sent
 */
public record AnchorOutcome(
        String type,
        String dataMarket,
        long epochId,
        int batchIndex,
        int batchCount,
        String batchCid,
        String rootHash,
        String finalizedCidsRootHash,
        String[] projectIds,
        String[] snapshotCids,
        Status status,
        String txHash,
        long blockNumber,
        String detail,
        long windowCloseMs,
        long commitLatencyMs) {

    public static final String BATCH = "BATCH";
    public static final String EPOCH_END = "EPOCH_END";

    public enum Status {
        /** Mined in time. */
        COMMITTED,
        /** Mined after the batch window: the contract emitted DelayedBatchSubmitted and stored nothing. */
        DELAYED,
        /** Already on chain (a replay or a retry after restore): nothing sent. */
        ALREADY_DONE,
        /** Uploaded to IPFS only (anchor mode none/upload). */
        UPLOADED,
        /** Audit: the chain holds exactly this batch. */
        AUDIT_MATCH,
        /** Audit: the chain holds something else, or nothing. */
        AUDIT_MISMATCH,
        /** Anchoring is switched off. */
        NOT_ANCHORED,
        /** Audit: the chain does not hold this batch, and the epoch is not complete on chain yet (still in flight). */
        AUDIT_PENDING
    }

    public static AnchorOutcome forBatch(
            SubmissionBatch b, Status status, String txHash, long blockNumber, String detail, long commitLatencyMs) {
        return new AnchorOutcome(
                BATCH,
                b.dataMarket(),
                b.epochId(),
                b.batchIndex(),
                b.batchCount(),
                b.batchCid(),
                b.rootHash(),
                b.finalizedCidsRootHash(),
                b.projectIds(),
                b.snapshotCids(),
                status,
                txHash,
                blockNumber,
                detail,
                b.windowCloseMs(),
                commitLatencyMs);
    }

    public static AnchorOutcome forEpochEnd(
            String dataMarket,
            long epochId,
            int batchCount,
            Status status,
            String txHash,
            long blockNumber,
            String detail,
            long windowCloseMs,
            long commitLatencyMs) {
        return new AnchorOutcome(
                EPOCH_END,
                dataMarket,
                epochId,
                -1,
                batchCount,
                null,
                null,
                null,
                new String[0],
                new String[0],
                status,
                txHash,
                blockNumber,
                detail,
                windowCloseMs,
                commitLatencyMs);
    }
}
