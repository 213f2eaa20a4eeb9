package io.powerloom.sequencer.model;

/** Why a submission was not counted. Every reason has its own Flink counter {@code rejected_<name>}. */
public enum RejectReason {
    /** The Kafka record is not a valid envelope. */
    UNDECODABLE_RECORD,
    /** The submission JSON does not parse as a SnapshotSubmission. */
    MALFORMED_SUBMISSION,
    /** Missing/invalid signature, or no address recoverable from it. */
    BAD_SIGNATURE,
    /** The data market is not one this sequencer serves. */
    UNKNOWN_DATA_MARKET,
    /** No snapshotter is registered for the slot (as of receipt). */
    SLOT_NOT_REGISTERED,
    /** The slot is registered but not active. */
    SLOT_INACTIVE,
    /** The recovered signer is not the slot's registered snapshotter (forged or wrong slot). */
    SIGNER_NOT_SLOT_OWNER,
    /** The signer is flagged by the operator. */
    FLAGGED_SIGNER,
    /** The deadline block had passed (beyond the tolerance) when the submission was received. */
    DEADLINE_PASSED,
    /** The slot already had its allowed submissions for this epoch. */
    SLOT_EPOCH_LIMIT,
    /** A later submission for the same (market, epoch, project, slot) replaced this one (last wins). */
    REPLACED,
    /** Received after the epoch's submission window closed. */
    LATE,
    /** Received too long before the epoch release was seen. */
    EARLY,
    /** The epoch was never released (or its release was retracted by a reorg). */
    UNKNOWN_EPOCH;

    /** Metric name of the reason's counter. */
    public String metricName() {
        return "rejected_" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
