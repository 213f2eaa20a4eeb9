package io.powerloom.sequencer.batch;

import io.powerloom.sequencer.model.ProjectEpochKey;
import io.powerloom.sequencer.model.ProjectEpochResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch: keyed by (data market, epoch). Collects the epoch's finalized projects until the watermark passes the
 * window close, when every project's result is in (the finalize stage emits them at exactly that event time), then
 * cuts them into batches with {@link Batcher} and clears its state.
 *
 * <p>The results are kept in keyed state (RocksDB in a deployment) so that a checkpoint taken while an epoch's
 * results arrive holds them, and, for the same subtask's timer, also on the heap: at the close the timer takes them
 * from there instead of reading and deserializing the whole epoch (10,000 results, tens of MB) back from RocksDB
 * on the way to the first upload. A key whose state already held results when this subtask first saw it (it was
 * restored from a checkpoint) is read from state as before.
 *
 * <p>An epoch's documents are built on up to {@link #BUILDER_THREADS} threads of this subtask (its own, idle between
 * closes), and handed on in batch order: the first uploads start while the rest are built, and the close of a large
 * epoch is not one thread's work.
 */
public class EpochBatcher extends KeyedProcessFunction<String, ProjectEpochResult, SubmissionBatch> {
    private static final Logger LOG = LoggerFactory.getLogger(EpochBatcher.class);
    private static final long serialVersionUID = 1L;

    private final Batcher batcher;
    private transient ListState<ProjectEpochResult> results;
    /** Per key: every result in its state, in state order, when this subtask has seen the key's state from empty. */
    private transient Map<String, List<ProjectEpochResult>> onHeap;
    /** Keys whose state held results from before this subtask's start: read from state. */
    private transient Set<String> restored;

    private transient Counter batches;
    private transient Counter epochs;
    /** Threads that build the documents at a close. */
    private transient ExecutorService builders;

    /** The most threads a subtask builds documents on: the machine's cores, at most four. */
    static final int BUILDER_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

    public EpochBatcher(Batcher batcher) {
        this.batcher = batcher;
    }

    /** The key of this stage, the result's epoch: {@link ProjectEpochKey#ofEpoch}, encoded. */
    public static String key(ProjectEpochResult r) {
        return ProjectEpochKey.ofEpoch(r.dataMarket(), r.epochId()).encode();
    }

    @Override
    public void open(OpenContext openContext) {
        results = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("results", TypeInformation.of(ProjectEpochResult.class)));
        batches = getRuntimeContext().getMetricGroup().counter("batches");
        epochs = getRuntimeContext().getMetricGroup().counter("epochs_batched");
        onHeap = new HashMap<>();
        restored = new HashSet<>();
        String name = "batch-builder-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + "-";
        AtomicInteger n = new AtomicInteger();
        builders = Executors.newFixedThreadPool(BUILDER_THREADS, r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() throws Exception {
        if (builders != null) {
            builders.shutdownNow();
        }
        super.close();
    }

    @Override
    public void processElement(ProjectEpochResult r, Context ctx, Collector<SubmissionBatch> out) throws Exception {
        String key = ctx.getCurrentKey();
        List<ProjectEpochResult> copy = onHeap.get(key);
        if (copy == null && !restored.contains(key)) {
            Iterable<ProjectEpochResult> before = results.get();
            if (before == null || !before.iterator().hasNext()) {
                copy = new ArrayList<>();
                onHeap.put(key, copy);
            } else {
                restored.add(key);
            }
        }
        results.add(r);
        if (copy != null) {
            copy.add(r);
        }
        ctx.timerService().registerEventTimeTimer(r.windowCloseMs());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SubmissionBatch> out) throws Exception {
        long timerAt = System.currentTimeMillis();
        List<ProjectEpochResult> ready = new ArrayList<>();
        List<ProjectEpochResult> later = new ArrayList<>();
        long readStart = System.nanoTime();
        String key = ctx.getCurrentKey();
        List<ProjectEpochResult> copy = onHeap.remove(key);
        Iterable<ProjectEpochResult> stored = copy != null ? copy : results.get();
        if (stored != null) {
            for (ProjectEpochResult r : stored) {
                (r.windowCloseMs() <= timestamp ? ready : later).add(r);
            }
        }
        if (later.isEmpty()) {
            results.clear();
            restored.remove(key);
        } else {
            results.update(later);
            if (copy != null) {
                onHeap.put(key, later);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        epochs.inc();
        long start = System.nanoTime();
        int[] n = {0};
        batcher.batch(
                ready,
                b -> { // each batch goes on to the upload as soon as it and those before it are built
                    batches.inc();
                    out.collect(b);
                    n[0]++;
                },
                builders);
        if (LOG.isDebugEnabled()) {
            long firstClose = ready.stream()
                    .mapToLong(ProjectEpochResult::closedAtWallMs)
                    .min()
                    .orElse(0);
            long lastClose = ready.stream()
                    .mapToLong(ProjectEpochResult::closedAtWallMs)
                    .max()
                    .orElse(0);
            LOG.debug(
                    "epoch {}: {} project results in {} batches, built and handed on in {} ms; finalize closed its windows over {} ms, "
                            + "this timer fired {} ms after the first close, results read ({}) in {} ms",
                    Long.toUnsignedString(ready.get(0).epochId()),
                    ready.size(),
                    n[0],
                    (System.nanoTime() - start) / 1_000_000,
                    lastClose - firstClose,
                    timerAt - firstClose,
                    copy != null ? "heap" : "state",
                    (start - readStart) / 1_000_000);
        }
    }
}
