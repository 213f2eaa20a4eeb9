package io.powerloom.sequencer.protocol.records;

/** A record of the {@value Topics#SUBMISSIONS} topic: a submission or a bridge heartbeat. */
public sealed interface SubmissionTopicRecord permits SubmissionEnvelope, Heartbeat {

    /** The bridge's wall clock when it received the submission / emitted the heartbeat (Kafka timestamp). */
    long receivedAtMs();

    /** The bridge instance that wrote the record. */
    String bridgeId();
}
