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

    /** A submission that passed decoding, rejected by a later rule: everything about it is known. */
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

    /**
     * A Kafka record that is not a submission envelope: nothing of the submission is known, so it is named by its
     * place in the log, {@code kafka:<partition>:<offset>}.
     */
    public static RejectedSubmission undecodableRecord(int partition, long offset, String error, long receivedAtMs) {
        return new RejectedSubmission(
                "kafka:" + partition + ":" + offset,
                RejectReason.UNDECODABLE_RECORD,
                error,
                null,
                -1,
                -1,
                null,
                null,
                receivedAtMs);
    }

    /**
     * A submission known only by its envelope (its ID and the peer that sent it); add what its request says with
     * {@link #about}.
     */
    public static RejectedSubmission received(
            String submissionId, String peerId, long receivedAtMs, RejectReason reason, String detail) {
        return new RejectedSubmission(submissionId, reason, detail, null, -1, -1, null, peerId, receivedAtMs);
    }

    /** This rejection with what the submission's request says: its market, slot, epoch and project. */
    public RejectedSubmission about(String dataMarket, long slotId, long epochId, String projectId) {
        return new RejectedSubmission(
                submissionId, reason, detail, dataMarket, slotId, epochId, projectId, peerId, receivedAtMs);
    }
}
