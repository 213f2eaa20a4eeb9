package io.powerloom.sequencer.accounting;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Metrics of the accounting commits: slot counts committed (in mined transactions) and found already on chain,
 * updates by outcome, the eligible slots of the last final update, and {@code accounting_update_latency_ms}: wall time
 * from the accounting stage's decision at an epoch's close to the last receipt of the update.
 */
final class AccountingMetrics {
    private final Counter slotsCommitted;
    private final Counter slotsAlreadyDone;
    private final Counter slotsFailed;
    private final Counter transactions;
    private final Histogram latency;
    private volatile long lastLatency = -1;
    private volatile long eligibleSlots = -1;

    AccountingMetrics(MetricGroup g) {
        slotsCommitted = g.counter("accounting_counts_committed");
        slotsAlreadyDone = g.counter("accounting_counts_already_done");
        slotsFailed = g.counter("accounting_counts_failed");
        transactions = g.counter("accounting_transactions");
        latency = g.histogram("accounting_update_latency_ms", new DescriptiveStatisticsHistogram(10_000));
        g.gauge("accounting_last_update_latency_ms", () -> lastLatency);
        g.gauge("accounting_eligible_slots_committed", () -> eligibleSlots);
    }

    void record(SlotCount c) {
        if (c.isDayEligible()) {
            if (!SlotCount.FAILED.equals(c.status())) {
                eligibleSlots = c.count();
            }
            return;
        }
        switch (c.status()) {
            case SlotCount.COMMITTED -> slotsCommitted.inc();
            case SlotCount.ALREADY_DONE -> slotsAlreadyDone.inc();
            default -> slotsFailed.inc();
        }
    }

    void transaction() {
        transactions.inc();
    }

    void latency(long ms) {
        latency.update(ms);
        lastLatency = ms;
    }
}
