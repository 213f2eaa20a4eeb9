package io.powerloom.sequencer.batch;

/**
 * One batch of an epoch: up to {@code BATCH_SIZE} finalized projects, all their submissions, and the batch document
 * that goes to IPFS.
 *
 * @param dataMarket            market
 * @param epochId               epoch
 * @param batchIndex            0-based position among the epoch's batches (projects sorted)
 * @param batchCount            how many batches the epoch has
 * @param projectIds            the batch's projects, sorted ({@code pids})
 * @param snapshotCids          their finalized CIDs ({@code cids})
 * @param submissionIds         the submissions' IDs, project by project
 * @param document              the batch document JSON (deterministic bytes)
 * @param batchCid              CIDv1 of {@code document}, computed locally
 * @param rootHash              Merkle root over the submission IDs (in the document)
 * @param finalizedCidsRootHash Merkle root over {@code snapshotCids} (committed on chain)
 * @param windowCloseMs         event time the epoch's window closed
 * @param closedAtWallMs        wall clock when the job closed the window (latency only; never written to Kafka)
 */
public record SubmissionBatch(
        String dataMarket,
        long epochId,
        int batchIndex,
        int batchCount,
        String[] projectIds,
        String[] snapshotCids,
        String[] submissionIds,
        byte[] document,
        String batchCid,
        String rootHash,
        String finalizedCidsRootHash,
        long windowCloseMs,
        long closedAtWallMs) {

    /**
     * This batch without its document and submission IDs, once the document is on IPFS: all the commit needs is the
     * CID, the projects, their CIDs and the root. The commit waits for its block with the batch in flight, so the batch
     * sits in the async operator's checkpointed state; without the document that state stays small.
     */
    public SubmissionBatch withoutContent() {
        return new SubmissionBatch(
                dataMarket,
                epochId,
                batchIndex,
                batchCount,
                projectIds,
                snapshotCids,
                new String[0],
                new byte[0],
                batchCid,
                rootHash,
                finalizedCidsRootHash,
                windowCloseMs,
                closedAtWallMs);
    }
}
