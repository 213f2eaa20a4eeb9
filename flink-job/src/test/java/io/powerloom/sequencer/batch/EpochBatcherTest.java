package io.powerloom.sequencer.batch;

import static io.powerloom.sequencer.batch.BatcherTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.powerloom.sequencer.finalize.ProjectEpochResult;

class EpochBatcherTest {
    private KeyedOneInputStreamOperatorTestHarness<String, ProjectEpochResult, SubmissionBatch> h;

    @BeforeEach
    void open() throws Exception {
        h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EpochBatcher(new Batcher(2, 1 << 20))),
                r -> EpochBatcher.key(r.dataMarket(), r.epochId()), Types.STRING);
        h.open();
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
}
