package io.powerloom.sequencer.anchor;

import java.util.List;
import java.util.concurrent.CompletionException;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import io.powerloom.sequencer.chain.commit.BatchCommitClient;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;

/**
 * Anchor, part 3: {@code endBatchSubmissions(market, epoch)} once all the epoch's batches are mined. Idempotent like
 * {@link ChainCommit}: the client checks {@code batchSubmissionsCompleted} first and treats E43 as already done.
 */
public class EndEpoch extends RichAsyncFunction<EpochCompletion.EpochReady, AnchorOutcome> {
    private static final long serialVersionUID = 1L;

    private final CommitClientConfig config;
    private transient BatchCommitClient client;
    private transient AnchorMetrics metrics;

    public EndEpoch(CommitClientConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        client = SharedCommitClients.acquire(config);
        metrics = new AnchorMetrics(getRuntimeContext().getMetricGroup(), "epochs");
    }

    @Override
    public void close() {
        if (client != null) {
            SharedCommitClients.release(config);
            client = null;
        }
    }

    @Override
    public void asyncInvoke(EpochCompletion.EpochReady e, ResultFuture<AnchorOutcome> result) {
        client.endBatchSubmissions(e.dataMarket(), e.epochId()).whenComplete((r, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(new IllegalStateException("endBatchSubmissions for epoch "
                        + Long.toUnsignedString(e.epochId()) + " failed: " + cause.getMessage(), cause));
                return;
            }
            AnchorOutcome.Status status = switch (r.status()) {
                case COMMITTED -> AnchorOutcome.Status.COMMITTED;
                case ALREADY_DONE -> AnchorOutcome.Status.ALREADY_DONE;
                case DELAYED -> AnchorOutcome.Status.DELAYED;
            };
            AnchorOutcome o = AnchorOutcome.forEpochEnd(e.dataMarket(), e.epochId(), e.batchCount(), status, r.txHash(),
                    r.blockNumber(), null, e.windowCloseMs(), -1);
            metrics.record(o);
            result.complete(List.of(o));
        });
    }
}
