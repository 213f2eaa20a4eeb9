package io.powerloom.sequencer.batch;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.powerloom.sequencer.finalize.ProjectEpochResult;

/**
 * Batch: keyed by (data market, epoch). Collects the epoch's finalized projects until the watermark passes the
 * window close, when every project's result is in (the finalize stage emits them at exactly that event time), then
 * cuts them into batches with {@link Batcher} and clears its state.
 */
public class EpochBatcher extends KeyedProcessFunction<String, ProjectEpochResult, SubmissionBatch> {
    private static final Logger LOG = LoggerFactory.getLogger(EpochBatcher.class);
    private static final long serialVersionUID = 1L;

    private final Batcher batcher;
    private transient ListState<ProjectEpochResult> results;
    private transient Counter batches;
    private transient Counter epochs;

    public EpochBatcher(Batcher batcher) {
        this.batcher = batcher;
    }

    public static String key(String dataMarket, long epochId) {
        return dataMarket + "|" + Long.toUnsignedString(epochId);
    }

    @Override
    public void open(OpenContext openContext) {
        results = getRuntimeContext().getListState(new ListStateDescriptor<>("results", TypeInformation.of(ProjectEpochResult.class)));
        batches = getRuntimeContext().getMetricGroup().counter("batches");
        epochs = getRuntimeContext().getMetricGroup().counter("epochs_batched");
    }

    @Override
    public void processElement(ProjectEpochResult r, Context ctx, Collector<SubmissionBatch> out) throws Exception {
        results.add(r);
        ctx.timerService().registerEventTimeTimer(r.windowCloseMs());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SubmissionBatch> out) throws Exception {
        long timerAt = System.currentTimeMillis();
        List<ProjectEpochResult> ready = new ArrayList<>();
        List<ProjectEpochResult> later = new ArrayList<>();
        long readStart = System.nanoTime();
        for (ProjectEpochResult r : results.get()) {
            (r.windowCloseMs() <= timestamp ? ready : later).add(r);
        }
        if (later.isEmpty()) {
            results.clear();
        } else {
            results.update(later);
        }
        if (ready.isEmpty()) {
            return;
        }
        epochs.inc();
        long start = System.nanoTime();
        int[] n = {0};
        batcher.batch(ready, b -> { // each batch goes on to the upload as soon as it is built
            batches.inc();
            out.collect(b);
            n[0]++;
        });
        if (LOG.isDebugEnabled()) {
            long firstClose = ready.stream().mapToLong(ProjectEpochResult::closedAtWallMs).min().orElse(0);
            long lastClose = ready.stream().mapToLong(ProjectEpochResult::closedAtWallMs).max().orElse(0);
            LOG.debug("epoch {}: {} project results in {} batches, built and handed on in {} ms; finalize closed its windows over {} ms, "
                    + "this timer fired {} ms after the first close, state read in {} ms",
                    Long.toUnsignedString(ready.get(0).epochId()), ready.size(), n[0], (System.nanoTime() - start) / 1_000_000,
                    lastClose - firstClose, timerAt - firstClose, (start - readStart) / 1_000_000);
        }
    }
}
