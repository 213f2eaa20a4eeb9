package io.powerloom.sequencer.accounting;

/**
 * What the accounting stage asks the chain for at one epoch's close (SPEC §10), for one market and day.
 *
 * @param kind            periodic counts, or the day's end (eligible-node count, then the eligible slots' final counts)
 * @param dataMarket      market
 * @param day             the day the counts belong to
 * @param epochId         the epoch whose close triggered it
 * @param slotIds         the slots, ascending (periodic: those whose count changed since the last update; final: the
 *                        eligible ones)
 * @param counts          their counts, aligned
 * @param quota           the daily snapshot quota the eligibility was judged against
 * @param eligibleNodes   final: the number of eligible slots; periodic: -1
 * @param createdAtWallMs wall clock when the stage decided it (update latency only; never written to Kafka)
 */
public record AccountingAction(
        Kind kind,
        String dataMarket,
        long day,
        long epochId,
        long[] slotIds,
        long[] counts,
        long quota,
        long eligibleNodes,
        long createdAtWallMs)
        implements java.io.Serializable {

    /** Periodic or end of day. */
    public enum Kind {
        PERIODIC,
        FINAL
    }
}
