package io.powerloom.sequencer.anchor;

import java.util.EnumMap;
import java.util.Map;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Anchor metrics: one counter per outcome status ({@code batches_committed}, {@code batches_already_done}, ...), and
 * the histogram {@code commit_latency_ms}: wall time from the job closing the epoch's window to the receipt.
 */
final class AnchorMetrics {
    private final Map<AnchorOutcome.Status, Counter> byStatus = new EnumMap<>(AnchorOutcome.Status.class);
    private final Histogram latency;
    private volatile long lastLatency = -1;

    AnchorMetrics(MetricGroup group, String prefix) {
        for (AnchorOutcome.Status s : AnchorOutcome.Status.values()) {
            byStatus.put(s, group.counter(prefix + "_" + s.name().toLowerCase(java.util.Locale.ROOT)));
        }
        latency = group.histogram("commit_latency_ms", new DescriptiveStatisticsHistogram(10_000));
        group.gauge("last_commit_latency_ms", () -> lastLatency);
    }

    void record(AnchorOutcome o) {
        byStatus.get(o.status()).inc();
        if (o.commitLatencyMs() >= 0) {
            latency.update(o.commitLatencyMs());
            lastLatency = o.commitLatencyMs();
        }
    }
}
