package io.powerloom.sequencer.job;

import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.RejectedSubmission;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.AbstractBroadcastStreamOperatorTestHarness;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/** Small helpers shared by the stages' harness tests. */
public final class HarnessSupport {
    private HarnessSupport() {}

    /** Advances both inputs of a broadcast harness to {@code t}. */
    public static void watermark(AbstractBroadcastStreamOperatorTestHarness<?, ?, ?> h, long t) throws Exception {
        h.processBroadcastWatermark(t);
        h.processWatermark(t);
    }

    /** Keyed state entries left in the operator (heap backend in harnesses). */
    public static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    public static List<RejectReason> reasons(
            AbstractStreamOperatorTestHarness<?> h, OutputTag<RejectedSubmission> tag) {
        var q = h.getSideOutput(tag);
        return q == null
                ? List.of()
                : q.stream().map(r -> r.getValue().reason()).collect(Collectors.toList());
    }

    public static List<String> rejectedIds(AbstractStreamOperatorTestHarness<?> h, OutputTag<RejectedSubmission> tag) {
        var q = h.getSideOutput(tag);
        return q == null
                ? List.of()
                : q.stream().map(r -> r.getValue().submissionId()).collect(Collectors.toList());
    }
}
