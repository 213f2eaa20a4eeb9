package io.powerloom.sequencer.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A submission that decoded and whose EIP-712 signer was recovered; not yet checked against the slot registry.
 *
 * @param submissionId UUID the local collector sent before the JSON
 * @param peerId       libp2p peer it came from
 * @param receivedAtMs event time (bridge receive time)
 * @param dataMarket   lower-case market address
 * @param slotId       uint64 slot
 * @param epochId      uint64 epoch (0 = simulation)
 * @param projectId    project ID
 * @param snapshotCid  the CID the snapshotter computed
 * @param deadline     protocol-chain block number after which the submission is stale
 * @param signer       lower-case address recovered from the signature
 * @param quotedProtoJson protobuf-JSON text of the submission as the quoted JSON string batch documents hold (UTF-8,
 *                     {@link io.powerloom.sequencer.protocol.json.Utf8Json#quote}): escaped once, when the submission
 *                     arrives, so that building an epoch's batches at the window close only copies bytes
 */
@TypeInfo(SignedSubmissionSerializer.Factory.class)
public record SignedSubmission(
        String submissionId,
        String peerId,
        long receivedAtMs,
        String dataMarket,
        long slotId,
        long epochId,
        String projectId,
        String snapshotCid,
        long deadline,
        String signer,
        byte[] quotedProtoJson) {

    public boolean isSimulation() {
        return epochId == 0;
    }
}
