package io.powerloom.sequencer.batch;

import static io.powerloom.sequencer.batch.BatcherTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.model.ProjectEpochKey;
import io.powerloom.sequencer.model.ProjectEpochResult;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EpochBatcherTest {
    private KeyedOneInputStreamOperatorTestHarness<String, ProjectEpochResult, SubmissionBatch> h;

    @BeforeEach
    void open() throws Exception {
        h = harness();
        h.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ProjectEpochResult, SubmissionBatch> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EpochBatcher(new Batcher(2, 1 << 20))), EpochBatcher::key, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    @Test
    void batchesTheEpochWhenTheWatermarkPassesTheWindowCloseAndForgetsIt() throws Exception {
        for (String p : List.of("c", "a", "b")) {
            h.processElement(result(p, "cid-" + p, 1), 2000);
        }
        h.processWatermark(1999);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(2000);
        List<SubmissionBatch> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).projectIds()).containsExactly("a", "b");
        assertThat(out.get(1).projectIds()).containsExactly("c");
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void anEpochRestoredMidwayIsBatchedWithTheResultsThatArriveAfterTheRestore() throws Exception {
        h.processElement(result("c", "cid-c", 1), 2000);
        h.processElement(result("a", "cid-a", 1), 2000);
        h.processElement(
                inEpoch(result("x", "cid-x", 1), 10, 4000),
                4000); // another epoch, arriving after the checkpoint's as well
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        h = harness();
        h.initializeState(snapshot);
        h.open();
        h.processElement(result("b", "cid-b", 1), 2000);
        h.processElement(result("d", "cid-d", 1), 2000);
        h.processElement(inEpoch(result("y", "cid-y", 1), 10, 4000), 4000);
        h.processWatermark(2000);
        List<SubmissionBatch> first = h.extractOutputValues();
        assertThat(first)
                .extracting(b -> List.of(b.projectIds()))
                .containsExactly(List.of("a", "b"), List.of("c", "d"));
        h.processWatermark(4000);
        List<SubmissionBatch> all = h.extractOutputValues();
        assertThat(all).hasSize(3);
        assertThat(all.get(2).projectIds()).containsExactly("x", "y");
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void resultsOfALaterCloseUnderTheSameKeyWaitForTheirOwnTimerAndStragglersGetTheirOwnBatch() throws Exception {
        h.processElement(result("a", "cid-a", 1), 2000);
        h.processElement(inEpoch(result("b", "cid-b", 1), 9, 3000), 3000);
        h.processWatermark(2000);
        assertThat(h.extractOutputValues())
                .extracting(b -> List.of(b.projectIds()))
                .containsExactly(List.of("a"));
        // same close as a, but after it was batched: a batch of its own at the next watermark, before b's close
        h.processElement(result("c", "cid-c", 1), 2000);
        h.processWatermark(3000);
        List<SubmissionBatch> all = h.extractOutputValues();
        assertThat(all)
                .extracting(b -> List.of(b.projectIds()))
                .containsExactly(List.of("a"), List.of("c"), List.of("b"));
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    /** {@code r} in epoch {@code epoch}, its window closing at {@code closeMs}. */
    private static ProjectEpochResult inEpoch(ProjectEpochResult r, long epoch, long closeMs) {
        return r.toBuilder()
                .key(ProjectEpochKey.of(r.dataMarket(), epoch, r.projectId()))
                .window(r.windowOpenMs(), closeMs)
                .build();
    }
}
