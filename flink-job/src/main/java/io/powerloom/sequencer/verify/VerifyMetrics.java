package io.powerloom.sequencer.verify;

import java.util.EnumMap;
import java.util.Map;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Counters an operator asks about, registered on an operator's metric group: {@code received}, {@code accepted} and
 * {@code rejected_<reason>} for every {@link RejectReason} (so a reason that never happened shows 0, not nothing).
 */
public final class VerifyMetrics {
    final Counter received;
    final Counter accepted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    public VerifyMetrics(MetricGroup group) {
        received = group.counter("received");
        accepted = group.counter("accepted");
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, group.counter(reason.metricName()));
        }
    }

    public void rejected(RejectReason reason) {
        rejected.get(reason).inc();
    }

    public void accepted() {
        accepted.inc();
    }
}
