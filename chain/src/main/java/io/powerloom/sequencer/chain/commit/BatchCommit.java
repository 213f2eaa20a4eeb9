package io.powerloom.sequencer.chain.commit;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One batch to commit with {@code submitSubmissionBatch}: the projects of the batch, each with its finalized snapshot
 * CID, the batch document's IPFS CID and the Merkle root over the finalized CIDs (32 bytes).
 *
 * <p>Only null-checks happen here; the contract is the judge of the content (E23 lengths differ, E24 empty), and
 * {@link BatchCommitClient} reports its verdict as a {@link CommitException}.
 */
public record BatchCommit(
        String dataMarket,
        String batchCid,
        long epochId,
        List<String> projectIds,
        List<String> snapshotCids,
        byte[] finalizedCidsRootHash) {

    public BatchCommit {
        Objects.requireNonNull(dataMarket, "dataMarket");
        Objects.requireNonNull(batchCid, "batchCid");
        projectIds = List.copyOf(Objects.requireNonNull(projectIds, "projectIds"));
        snapshotCids = List.copyOf(Objects.requireNonNull(snapshotCids, "snapshotCids"));
        finalizedCidsRootHash = Objects.requireNonNull(finalizedCidsRootHash, "finalizedCidsRootHash")
                .clone();
    }

    @Override
    public byte[] finalizedCidsRootHash() {
        return finalizedCidsRootHash.clone();
    }

    /** Identity of the batch for de-duplication of concurrent calls in one process. */
    String key() {
        return dataMarket.toLowerCase() + "/" + epochId + "/" + batchCid;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchCommit b
                && epochId == b.epochId
                && dataMarket.equals(b.dataMarket)
                && batchCid.equals(b.batchCid)
                && projectIds.equals(b.projectIds)
                && snapshotCids.equals(b.snapshotCids)
                && Arrays.equals(finalizedCidsRootHash, b.finalizedCidsRootHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                dataMarket, batchCid, epochId, projectIds, snapshotCids, Arrays.hashCode(finalizedCidsRootHash));
    }

    @Override
    public String toString() {
        return "BatchCommit[dataMarket=" + dataMarket + ", epochId=" + epochId + ", batchCid=" + batchCid
                + ", projects=" + projectIds.size() + "]";
    }
}
