package io.powerloom.sequencer.accounting;

/**
 * One record of the slot-counts topic: a slot's count for a day as committed (or tried) on chain, or a day's
 * eligible-node count ({@link #slotId} -1).
 *
 * @param dataMarket    market
 * @param day           day
 * @param slotId        slot, or -1 for the eligible-node record
 * @param count         the slot's count (eligible-node record: the number of eligible nodes)
 * @param kind          PERIODIC or FINAL (slot records)
 * @param eligible      slot records: count >= quota
 * @param quota         the quota judged against
 * @param epochId       the epoch whose close triggered the update
 * @param status        COMMITTED, ALREADY_DONE or FAILED (audits: AUDIT_MATCH, AUDIT_MISMATCH, AUDIT_SKIPPED)
 * @param txHash        the transaction, or null when none was sent
 * @param blockNumber   its block, or -1
 * @param detail        why it failed (or what the audit found), or null
 * @param latencyMs     wall time from the stage's decision to the receipt (metrics only; never written to Kafka)
 */
public record SlotCount(
        String dataMarket,
        long day,
        long slotId,
        long count,
        AccountingAction.Kind kind,
        boolean eligible,
        long quota,
        long epochId,
        String status,
        String txHash,
        long blockNumber,
        String detail,
        long latencyMs)
        implements java.io.Serializable {

    public static final String COMMITTED = "COMMITTED";
    public static final String ALREADY_DONE = "ALREADY_DONE";
    public static final String FAILED = "FAILED";

    /** Whether this is the day's eligible-node record. */
    public boolean isDayEligible() {
        return slotId == -1;
    }
}
