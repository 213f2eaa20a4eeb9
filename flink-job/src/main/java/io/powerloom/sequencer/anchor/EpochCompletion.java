package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.model.ProjectEpochKey;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (data market, epoch): waits until every batch of the epoch is on chain (committed, already there, or
 * delayed), then asks for {@code endBatchSubmissions} once and forgets the epoch. An epoch with no batches never gets
 * here, as in production.
 */
public class EpochCompletion extends KeyedProcessFunction<String, AnchorOutcome, EpochCompletion.EpochReady> {
    private static final long serialVersionUID = 1L;

    /** All batches of an epoch are anchored. */
    public record EpochReady(String dataMarket, long epochId, int batchCount, long windowCloseMs) {}

    private transient MapState<Integer, Boolean> anchored;

    /** The key of this stage, the outcome's epoch: {@link ProjectEpochKey#ofEpoch}, encoded. */
    public static String key(AnchorOutcome o) {
        return ProjectEpochKey.ofEpoch(o.dataMarket(), o.epochId()).encode();
    }

    @Override
    public void open(OpenContext openContext) {
        anchored =
                getRuntimeContext().getMapState(new MapStateDescriptor<>("anchored-batches", Types.INT, Types.BOOLEAN));
    }

    @Override
    public void processElement(AnchorOutcome o, Context ctx, Collector<EpochReady> out) throws Exception {
        switch (o.status()) {
            case COMMITTED, ALREADY_DONE, DELAYED -> anchored.put(o.batchIndex(), Boolean.TRUE);
            default -> {
                return;
            }
        }
        int n = 0;
        for (Integer ignored : anchored.keys()) {
            n++;
        }
        if (n == o.batchCount()) {
            anchored.clear();
            out.collect(new EpochReady(o.dataMarket(), o.epochId(), o.batchCount(), o.windowCloseMs()));
        }
    }
}
