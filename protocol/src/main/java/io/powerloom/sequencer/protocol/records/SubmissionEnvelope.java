package io.powerloom.sequencer.protocol.records;

import java.util.Objects;

/**
 * One submission as the ingest bridge received it from a {@code /collect} stream.
 *
 * @param submissionId the UUID sent in front of the submission
 * @param peerId       libp2p peer ID of the sender
 * @param receivedAtMs bridge wall clock at receipt (also the Kafka record timestamp)
 * @param bridgeId     the bridge instance
 * @param submission   the submission's JSON text exactly as received
 */
public record SubmissionEnvelope(String submissionId, String peerId, long receivedAtMs, String bridgeId,
                                 String submission)
        implements SubmissionTopicRecord, java.io.Serializable {

    public SubmissionEnvelope {
        Objects.requireNonNull(submissionId, "submissionId");
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(bridgeId, "bridgeId");
        Objects.requireNonNull(submission, "submission");
        if (submissionId.isEmpty()) {
            throw new IllegalArgumentException("submissionId is empty");
        }
    }
}
