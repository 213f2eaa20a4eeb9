package io.powerloom.sequencer.anchor;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Anchor metrics: one counter per outcome status the function can produce ({@code batches_committed},
 * {@code batches_already_done}, ...), and for batch commits the histogram {@code commit_latency_ms} (wall time from
 * the job closing the epoch's window to the receipt) with the gauge {@code last_commit_latency_ms}. Nothing is
 * registered that the function's mode never moves.
 */
final class AnchorMetrics {
    /** What a commit on chain ({@code submitSubmissionBatch}, {@code endBatchSubmissions}) can come to. */
    static final Set<AnchorOutcome.Status> COMMIT =
            EnumSet.of(AnchorOutcome.Status.COMMITTED, AnchorOutcome.Status.DELAYED, AnchorOutcome.Status.ALREADY_DONE);
    /** What an audit can come to. */
    static final Set<AnchorOutcome.Status> AUDIT = EnumSet.of(
            AnchorOutcome.Status.AUDIT_MATCH, AnchorOutcome.Status.AUDIT_MISMATCH, AnchorOutcome.Status.AUDIT_PENDING);

    private final Map<AnchorOutcome.Status, Counter> byStatus = new EnumMap<>(AnchorOutcome.Status.class);
    private final Histogram latency;
    private volatile long lastLatency = -1;

    AnchorMetrics(MetricGroup group, String prefix, Set<AnchorOutcome.Status> statuses, boolean withLatency) {
        for (AnchorOutcome.Status s : statuses) {
            byStatus.put(s, group.counter(name(prefix, s)));
        }
        latency = withLatency ? group.histogram("commit_latency_ms", new DescriptiveStatisticsHistogram(10_000)) : null;
        if (withLatency) {
            group.gauge("last_commit_latency_ms", () -> lastLatency);
        }
    }

    /** The counter's name: {@code <prefix>_<status in lower case>}. */
    static String name(String prefix, AnchorOutcome.Status s) {
        return prefix + "_" + s.name().toLowerCase(java.util.Locale.ROOT);
    }

    void record(AnchorOutcome o) {
        Counter c = byStatus.get(o.status());
        if (c == null) {
            throw new IllegalStateException("outcome " + o.status() + " has no counter here");
        }
        c.inc();
        if (latency != null && o.commitLatencyMs() >= 0) {
            latency.update(o.commitLatencyMs());
            lastLatency = o.commitLatencyMs();
        }
    }
}
