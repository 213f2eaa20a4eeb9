package io.powerloom.sequencer.bridge.collect;

import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.kafka.SendListener;

/**
 * Where the {@code /collect} handler puts what it decoded. In the bridge this is the Kafka
 * {@link io.powerloom.sequencer.bridge.kafka.SubmissionProducer}; tests hand in their own to control acknowledgements.
 */
public interface SubmissionSink {
    /**
     * Hands over one valid submission without blocking (called on libp2p event loops); {@code listener} is
     * told once when it is acknowledged or failed.
     *
     * @param slotId         the slot ID parsed from the submission (unsigned)
     * @param submissionJson the submission's JSON text exactly as received
     */
    void sendSubmission(String submissionId, String peerId, long slotId, String submissionJson, SendListener listener);

    /**
     * Records one rejected input without blocking; {@code listener} is told once when it is acknowledged or
     * failed, so that rejects count against the same in-flight bounds as submissions.
     */
    void sendReject(RejectRecord reject, SendListener listener);

    /**
     * Sends one valid submission read from a gossipsub message (origin {@code gossipsub}, with its message id),
     * without blocking, like {@link #sendSubmission}.
     *
     * @param peerId the neighbour that delivered the message
     */
    default void sendGossipSubmission(
            String submissionId,
            String peerId,
            String messageId,
            long slotId,
            String submissionJson,
            SendListener listener) {
        throw new UnsupportedOperationException("this sink takes /collect submissions only");
    }

    /** The bridge clock now (epoch ms), for reject records. */
    long now();
}
