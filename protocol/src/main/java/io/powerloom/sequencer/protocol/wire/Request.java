package io.powerloom.sequencer.protocol.wire;

import java.util.Objects;

/**
 * The signed part of a snapshot submission (proto message {@code Request}, SPEC §1).
 *
 * <p>{@code slotId}, {@code deadline} and {@code epochId} are protobuf {@code uint64}s held in a
 * Java {@code long} and treated as <b>unsigned</b> everywhere: compare them with
 * {@link Long#compareUnsigned} and print them with {@link Long#toUnsignedString(long)}.
 *
 * @param slotId      the snapshotter's slot (uint64)
 * @param deadline    protocol-chain block number after which the submission is stale (uint64)
 * @param snapshotCid the IPFS CID of the snapshot, never null ("" when absent)
 * @param epochId     the epoch (uint64); 0 marks a simulation submission
 * @param projectId   the project ID, never null ("" when absent)
 */
public record Request(long slotId, long deadline, String snapshotCid, long epochId, String projectId)
        implements java.io.Serializable {

    public Request {
        Objects.requireNonNull(snapshotCid, "snapshotCid");
        Objects.requireNonNull(projectId, "projectId");
    }

    @Override
    public String toString() {
        return "Request[slotId=" + Long.toUnsignedString(slotId)
                + ", deadline=" + Long.toUnsignedString(deadline)
                + ", snapshotCid=" + snapshotCid
                + ", epochId=" + Long.toUnsignedString(epochId)
                + ", projectId=" + projectId + "]";
    }
}
