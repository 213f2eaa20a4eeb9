package io.powerloom.sequencer.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Each anchor operator registers only the metrics its mode can move. */
class AnchorMetricsTest {

    /** A metric group that remembers what was registered on it. */
    static final class Recording extends UnregisteredMetricsGroup {
        final List<String> names = new ArrayList<>();

        @Override
        public Counter counter(String name) {
            names.add(name);
            return super.counter(name);
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            names.add(name);
            return gauge;
        }

        @Override
        public <H extends Histogram> H histogram(String name, H histogram) {
            names.add(name);
            return histogram;
        }
    }

    @Test
    void batchCommitsCountCommitOutcomesAndLatencyOnly() {
        Recording g = new Recording();
        new AnchorMetrics(g, "batches", AnchorMetrics.COMMIT, true);
        assertThat(g.names)
                .containsExactlyInAnyOrder(
                        "batches_committed",
                        "batches_delayed",
                        "batches_already_done",
                        "commit_latency_ms",
                        "last_commit_latency_ms");
    }

    @Test
    void epochEndsHaveNoLatencyAndAuditsNoCommitCounters() {
        Recording end = new Recording();
        new AnchorMetrics(end, "epochs", AnchorMetrics.COMMIT, false);
        assertThat(end.names).containsExactlyInAnyOrder("epochs_committed", "epochs_delayed", "epochs_already_done");
        Recording audit = new Recording();
        new AnchorMetrics(audit, "batches", AnchorMetrics.AUDIT, false);
        assertThat(audit.names)
                .containsExactlyInAnyOrder("batches_audit_match", "batches_audit_mismatch", "batches_audit_pending");
    }
}
