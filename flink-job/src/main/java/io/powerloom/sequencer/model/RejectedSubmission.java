package io.powerloom.sequencer.model;

/**
 * A submission the sequencer did not count, with the reason; written to the rejected topic.
 *
 * @param submissionId UUID, or {@code kafka:<partition>:<offset>} when the record could not be decoded at all
 * @param reason       why
 * @param detail       human-readable detail
 * @param dataMarket   market, when known
 * @param slotId       slot, when known (else -1)
 * @param epochId      epoch, when known (else -1)
 * @param projectId    project, when known
 * @param peerId       sending peer, when known
 * @param receivedAtMs receive time (event time)
 */
public record RejectedSubmission(
        String submissionId,
        RejectReason reason,
        String detail,
        String dataMarket,
        long slotId,
        long epochId,
        String projectId,
        String peerId,
        long receivedAtMs) {

    public static RejectedSubmission of(SignedSubmission s, RejectReason reason, String detail) {
        return new RejectedSubmission(
                s.submissionId(),
                reason,
                detail,
                s.dataMarket(),
                s.slotId(),
                s.epochId(),
                s.projectId(),
                s.peerId(),
                s.receivedAtMs());
    }
}
