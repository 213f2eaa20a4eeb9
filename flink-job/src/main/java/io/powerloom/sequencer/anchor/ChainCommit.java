package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.batch.SubmissionBatch;
import io.powerloom.sequencer.chain.commit.BatchCommit;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import io.powerloom.sequencer.chain.commit.CommitResult;
import io.powerloom.sequencer.protocol.crypto.Hex;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

/**
 * Anchor, part 2: commits an uploaded batch on chain with {@code submitSubmissionBatch} through the
 * {@link io.powerloom.sequencer.chain.commit.BatchCommitClient} (several signers, nonces, fee bumps, receipts), never
 * blocking the task thread.
 *
 * <p>Idempotent: the client first checks on chain whether the batch's CIDs are already stored, so a batch re-sent after
 * a restore (async I/O re-issues in-flight elements from the checkpoint) or a replay is reported
 * {@code ALREADY_DONE} and no transaction is sent.
 */
public class ChainCommit extends ChainAsyncFunction<SubmissionBatch> {
    private static final long serialVersionUID = 1L;

    public ChainCommit(CommitClientConfig config) {
        super(config, "batches", true);
    }

    @Override
    public void asyncInvoke(SubmissionBatch b, ResultFuture<AnchorOutcome> result) {
        BatchCommit commit = new BatchCommit(
                b.dataMarket(),
                b.batchCid(),
                b.epochId(),
                List.of(b.projectIds()),
                List.of(b.snapshotCids()),
                Hex.decode(b.finalizedCidsRootHash()));
        CompletableFuture<CommitResult> call;
        try {
            call = client.submitBatch(commit);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        call.whenComplete((r, error) -> {
            if (error != null) {
                Throwable cause = cause(error);
                result.completeExceptionally(new IllegalStateException(
                        "commit of batch " + b.batchCid() + " (epoch " + Long.toUnsignedString(b.epochId()) + ", batch "
                                + b.batchIndex() + ") failed: " + cause.getMessage(),
                        cause));
                return;
            }
            long latency = r.txHash() == null || b.closedAtWallMs() <= 0
                    ? -1
                    : Math.max(0, System.currentTimeMillis() - b.closedAtWallMs());
            AnchorOutcome o = AnchorOutcome.forBatch(b, status(r), r.txHash(), r.blockNumber(), null, latency);
            metrics.record(o);
            result.complete(List.of(o));
        });
    }

    @Override
    public void timeout(SubmissionBatch b, ResultFuture<AnchorOutcome> result) {
        result.completeExceptionally(new java.util.concurrent.TimeoutException("commit of batch " + b.batchCid()
                + " did not finish in time; the job restarts and retries (the commit is idempotent)"));
    }

    @Override
    public String toString() {
        return "ChainCommit[" + config() + "]"; // the config's toString hides the RPC URL's credentials
    }
}
