package io.powerloom.sequencer.anchor;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import io.powerloom.sequencer.batch.SubmissionBatch;
import io.powerloom.sequencer.chain.commit.BatchCommit;
import io.powerloom.sequencer.chain.commit.BatchCommitClient;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import io.powerloom.sequencer.chain.commit.CommitResult;
import io.powerloom.sequencer.protocol.crypto.Hex;

/**
 * Anchor, part 2: commits an uploaded batch on chain with {@code submitSubmissionBatch} through the
 * {@link BatchCommitClient} (several signers, nonces, fee bumps, receipts), never blocking the task thread.
 *
 * <p>Idempotent: the client first checks on chain whether the batch's CIDs are already stored, so a batch re-sent after
 * a restore (async I/O re-issues in-flight elements from the checkpoint) or a replay is reported
 * {@code ALREADY_DONE} and no transaction is sent.
 */
public class ChainCommit extends RichAsyncFunction<SubmissionBatch, AnchorOutcome> {
    private static final long serialVersionUID = 1L;

    private final CommitClientConfig config;
    private transient BatchCommitClient client;
    private transient AnchorMetrics metrics;

    public ChainCommit(CommitClientConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        client = SharedCommitClients.acquire(config);
        metrics = new AnchorMetrics(getRuntimeContext().getMetricGroup(), "batches");
    }

    @Override
    public void close() {
        if (client != null) {
            SharedCommitClients.release(config);
            client = null;
        }
    }

    @Override
    public void asyncInvoke(SubmissionBatch b, ResultFuture<AnchorOutcome> result) {
        BatchCommit commit = new BatchCommit(b.dataMarket(), b.batchCid(), b.epochId(), List.of(b.projectIds()),
                List.of(b.snapshotCids()), Hex.decode(b.finalizedCidsRootHash()));
        CompletableFuture<CommitResult> call;
        try {
            call = client.submitBatch(commit);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        call.whenComplete((r, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(new IllegalStateException("commit of batch " + b.batchCid() + " (epoch "
                        + Long.toUnsignedString(b.epochId()) + ", batch " + b.batchIndex() + ") failed: " + cause.getMessage(), cause));
                return;
            }
            AnchorOutcome o = outcome(b, r);
            metrics.record(o);
            result.complete(List.of(o));
        });
    }

    static AnchorOutcome outcome(SubmissionBatch b, CommitResult r) {
        AnchorOutcome.Status status = switch (r.status()) {
            case COMMITTED -> AnchorOutcome.Status.COMMITTED;
            case ALREADY_DONE -> AnchorOutcome.Status.ALREADY_DONE;
            case DELAYED -> AnchorOutcome.Status.DELAYED;
        };
        long latency = r.txHash() == null || b.closedAtWallMs() <= 0 ? -1 : Math.max(0, System.currentTimeMillis() - b.closedAtWallMs());
        return AnchorOutcome.forBatch(b, status, r.txHash(), r.blockNumber(), null, latency);
    }

    @Override
    public void timeout(SubmissionBatch b, ResultFuture<AnchorOutcome> result) {
        result.completeExceptionally(new java.util.concurrent.TimeoutException("commit of batch " + b.batchCid()
                + " did not finish in time; the job restarts and retries (the commit is idempotent)"));
    }

    @Override
    public String toString() {
        return "ChainCommit" + Arrays.asList(config.rpcUrl(), config.protocolStateAddress());
    }
}
