package io.powerloom.sequencer.protocol.records;

import java.util.Objects;

/**
 * One submission as the ingest bridge received it, from a {@code /collect} stream or a gossipsub message.
 *
 * @param submissionId the UUID sent in front of the submission ({@code /collect}); for gossipsub the message id
 *                     (hex of from + seqno), followed by {@code /i} for the i-th (i &gt; 0) submission of the envelope
 * @param peerId       libp2p peer ID of the sender ({@code /collect}) or of the neighbour that delivered the message
 * @param receivedAtMs bridge wall clock at receipt (also the Kafka record timestamp)
 * @param bridgeId     the bridge instance
 * @param submission   the submission's JSON text exactly as received
 * @param origin       which path: {@link #ORIGIN_COLLECT} or {@link #ORIGIN_GOSSIPSUB}
 * @param messageId    the gossipsub message id (hex), null for {@code /collect}
 */
public record SubmissionEnvelope(
        String submissionId,
        String peerId,
        long receivedAtMs,
        String bridgeId,
        String submission,
        String origin,
        String messageId)
        implements SubmissionTopicRecord, java.io.Serializable {
    /** Origin of submissions read from {@code /collect} streams (the default; not written to the record). */
    public static final String ORIGIN_COLLECT = "collect";
    /** Origin of submissions read from gossipsub messages. */
    public static final String ORIGIN_GOSSIPSUB = "gossipsub";

    /** A {@code /collect} submission. */
    public SubmissionEnvelope(
            String submissionId, String peerId, long receivedAtMs, String bridgeId, String submission) {
        this(submissionId, peerId, receivedAtMs, bridgeId, submission, ORIGIN_COLLECT, null);
    }

    public SubmissionEnvelope {
        Objects.requireNonNull(submissionId, "submissionId");
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(bridgeId, "bridgeId");
        Objects.requireNonNull(submission, "submission");
        Objects.requireNonNull(origin, "origin");
        if (!ORIGIN_COLLECT.equals(origin) && !ORIGIN_GOSSIPSUB.equals(origin)) {
            throw new IllegalArgumentException("unknown origin " + origin);
        }
        if (submissionId.isEmpty()) {
            throw new IllegalArgumentException("submissionId is empty");
        }
    }
}
