package io.powerloom.sequencer.bridge.collect;

import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.kafka.SendListener;

/**
 * Where the {@code /collect} handler puts what it decoded. In the bridge this is the Kafka
 * {@link io.powerloom.sequencer.bridge.kafka.SubmissionProducer}; tests hand in their own to control acknowledgements.
 */
public interface SubmissionSink {
    /**
     * Sends one valid submission; {@code listener} is told once when it is acknowledged or failed.
     *
     * @param slotId         the slot ID parsed from the submission (unsigned)
     * @param submissionJson the submission's JSON text exactly as received
     * @return the receive time ({@code receivedAtMs}) stamped on the record
     */
    long sendSubmission(String submissionId, String peerId, long slotId, String submissionJson,
                        SendListener listener);

    /**
     * Sends one valid submission read from a gossipsub message (origin {@code gossipsub}, with its message id).
     *
     * @param peerId the neighbour that delivered the message
     * @return the receive time stamped on the record
     */
    default long sendGossipSubmission(String submissionId, String peerId, String messageId, long slotId,
                                      String submissionJson, SendListener listener) {
        throw new UnsupportedOperationException("this sink takes /collect submissions only");
    }

    /** Records one rejected input (best effort). */
    void sendReject(RejectRecord reject);

    /** The bridge clock now (epoch ms), for reject records. */
    long now();
}
