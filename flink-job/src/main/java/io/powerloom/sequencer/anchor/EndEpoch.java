package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import java.util.List;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

/**
 * Anchor, part 3: {@code endBatchSubmissions(market, epoch)} once all the epoch's batches are mined. Idempotent like
 * {@link ChainCommit}: the client checks {@code batchSubmissionsCompleted} first and treats E43 as already done.
 */
public class EndEpoch extends ChainAsyncFunction<EpochCompletion.EpochReady> {
    private static final long serialVersionUID = 1L;

    public EndEpoch(CommitClientConfig config) {
        super(config, "epochs", false);
    }

    @Override
    public void asyncInvoke(EpochCompletion.EpochReady e, ResultFuture<AnchorOutcome> result) {
        client.endBatchSubmissions(e.dataMarket(), e.epochId()).whenComplete((r, error) -> {
            if (error != null) {
                Throwable cause = cause(error);
                result.completeExceptionally(new IllegalStateException(
                        "endBatchSubmissions for epoch " + Long.toUnsignedString(e.epochId()) + " failed: "
                                + cause.getMessage(),
                        cause));
                return;
            }
            AnchorOutcome o = AnchorOutcome.forEpochEnd(
                    e.dataMarket(),
                    e.epochId(),
                    e.batchCount(),
                    status(r),
                    r.txHash(),
                    r.blockNumber(),
                    null,
                    e.windowCloseMs(),
                    -1);
            metrics.record(o);
            result.complete(List.of(o));
        });
    }
}
