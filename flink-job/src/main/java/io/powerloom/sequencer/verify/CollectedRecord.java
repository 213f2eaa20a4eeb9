package io.powerloom.sequencer.verify;

/**
 * One record of the submissions topic as the job sees it: a submission envelope, a heartbeat (only moves event
 * time), or a record that could not be decoded (rejected downstream with its reason).
 *
 * @param kind           what the record is
 * @param submissionId   the submission's UUID (submissions only)
 * @param peerId         libp2p peer that sent it (submissions only)
 * @param receivedAtMs   the bridge's receive time: the record's event time
 * @param submissionJson the submission's JSON text exactly as received (submissions only)
 * @param partition      Kafka partition, for diagnostics
 * @param offset         Kafka offset, for diagnostics
 * @param error          why decoding failed ({@link Kind#UNDECODABLE} only)
 */
public record CollectedRecord(
        Kind kind,
        String submissionId,
        String peerId,
        long receivedAtMs,
        String submissionJson,
        int partition,
        long offset,
        String error) {

    public enum Kind {
        SUBMISSION,
        HEARTBEAT,
        UNDECODABLE
    }
}
