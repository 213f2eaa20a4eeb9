package io.powerloom.sequencer.bridge.chain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and gauges of a {@link ChainWatcher} for the bridge's /metrics: chain head, last processed (confirmed)
 * block, lag, records written, reorgs.
 */
public final class ChainWatcherMetrics {
    final AtomicLong head = new AtomicLong(-1);
    final AtomicLong processedBlock = new AtomicLong(-1);
    final AtomicLong recordsWritten = new AtomicLong();
    final AtomicLong epochsWritten = new AtomicLong();
    final AtomicLong slotsWritten = new AtomicLong();
    final AtomicLong daysWritten = new AtomicLong();
    final AtomicLong parametersWritten = new AtomicLong();
    final AtomicLong blocksWritten = new AtomicLong();
    final AtomicLong retractions = new AtomicLong();
    final AtomicLong reorgs = new AtomicLong();
    final AtomicLong cycleFailures = new AtomicLong();
    final AtomicLong windowFallbacks = new AtomicLong();
    /** Wall time of the last cycle that completed (or of the start, before any). */
    final AtomicLong lastSuccessMs = new AtomicLong(System.currentTimeMillis());
    /** Cycles failed since the last one that completed. */
    final AtomicLong failureStreak = new AtomicLong();

    volatile String lastError;

    void cycleSucceeded(long nowMs) {
        lastSuccessMs.set(nowMs);
        failureStreak.set(0);
    }

    void cycleFailed(Throwable e) {
        cycleFailures.incrementAndGet();
        failureStreak.incrementAndGet();
        String m = e.getMessage();
        lastError = e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.replace('\n', ' '));
    }

    /** Wall time of the last completed cycle, or of the start before any. */
    public long lastSuccessMs() {
        return lastSuccessMs.get();
    }

    /** Cycles failed in a row since the last one that completed. */
    public long failureStreak() {
        return failureStreak.get();
    }

    /** The error of the last failed cycle, or null. */
    public String lastError() {
        return lastError;
    }

    /** Latest head block number seen on the chain (-1 before the first poll). */
    public long head() {
        return head.get();
    }

    /** Last confirmed block written to Kafka (-1 before any). */
    public long processedBlock() {
        return processedBlock.get();
    }

    /** head - processed block (0 when unknown). */
    public long lag() {
        long h = head.get();
        long p = processedBlock.get();
        return h < 0 || p < 0 ? 0 : Math.max(0, h - p);
    }

    public long recordsWritten() {
        return recordsWritten.get();
    }

    public long reorgs() {
        return reorgs.get();
    }

    public long retractions() {
        return retractions.get();
    }

    public long cycleFailures() {
        return cycleFailures.get();
    }

    /** All values by metric name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("chain_head_block", head());
        m.put("chain_processed_block", processedBlock());
        m.put("chain_lag_blocks", lag());
        m.put("chain_records_written_total", recordsWritten());
        m.put("chain_epochs_written_total", epochsWritten.get());
        m.put("chain_slots_written_total", slotsWritten.get());
        m.put("chain_days_written_total", daysWritten.get());
        m.put("chain_accounting_parameters_written_total", parametersWritten.get());
        m.put("chain_blocks_written_total", blocksWritten.get());
        m.put("chain_retractions_total", retractions());
        m.put("chain_reorgs_total", reorgs());
        m.put("chain_cycle_failures_total", cycleFailures());
        m.put("chain_window_fallbacks_total", windowFallbacks.get());
        return m;
    }

    @Override
    public String toString() {
        return "ChainWatcherMetrics" + snapshot();
    }
}
