package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.anchor.ipfs.IpfsException;
import io.powerloom.sequencer.batch.SubmissionBatch;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import io.powerloom.sequencer.model.serde.KeyStringSerializer;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;

/** What the anchor stage does with each batch: commit it ({@link #commitOnChain}), audit it, or nothing. */
public interface Anchoring extends Serializable {

    /** The stage's operators on {@code batches}: one outcome per batch (and per ended epoch when committing). */
    DataStream<AnchorOutcome> apply(DataStream<SubmissionBatch> batches);

    /** Upload every batch to IPFS, commit it on chain, and end each epoch once all its batches are mined. */
    static Anchoring commitOnChain(AnchorSettings settings, CommitClientConfig chain) {
        String ipfs = settings.ipfsApi();
        var ipfsTimeout = settings.ipfsTimeout();
        long timeout = settings.timeout().toMillis();
        int capacity = settings.capacity();
        long closeBufferMs = settings.closeBufferTimeout().toMillis();
        return batches -> {
            AsyncRetryStrategy<SubmissionBatch> retry =
                    new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<SubmissionBatch>(
                                    20, 200L, 10_000L, 2.0d)
                            // node down or busy: retry; a wrong CID: fail loudly (the predicate ships with the job
                            // graph)
                            .ifException((Predicate<Throwable> & Serializable) IpfsException::retryableCause)
                            .build();
            DataStream<SubmissionBatch> uploaded = AsyncDataStream.unorderedWaitWithRetry(
                            batches, new IpfsUpload(ipfs, ipfsTimeout), timeout, TimeUnit.MILLISECONDS, capacity, retry)
                    .name("anchor: upload to IPFS")
                    .uid("anchor-ipfs");
            SingleOutputStreamOperator<AnchorOutcome> committed = AsyncDataStream.unorderedWait(
                            uploaded, new ChainCommit(chain), timeout, TimeUnit.MILLISECONDS, capacity)
                    .name("anchor: commit batch on chain")
                    .uid("anchor-commit")
                    .setBufferTimeout(closeBufferMs);
            DataStream<EpochCompletion.EpochReady> complete = committed
                    .keyBy(EpochCompletion::key, KeyStringSerializer.TYPE_INFO)
                    .process(new EpochCompletion())
                    .name("anchor: wait for all batches of the epoch")
                    .uid("anchor-epoch-complete")
                    .setBufferTimeout(closeBufferMs);
            DataStream<AnchorOutcome> ended = AsyncDataStream.unorderedWait(
                            complete, new EndEpoch(chain), timeout, TimeUnit.MILLISECONDS, capacity)
                    .name("anchor: endBatchSubmissions")
                    .uid("anchor-end-epoch");
            return committed.union(ended);
        };
    }

    /**
     * Audit: recompute the batches and compare each with what the contract at {@code protocolState} holds (batch CID,
     * finalized-CIDs root, every project's CID); commits nothing.
     */
    static Anchoring auditOnChain(AnchorSettings settings, String rpcUrl, String protocolState) {
        long timeout = settings.timeout().toMillis();
        int capacity = settings.capacity();
        return batches -> AsyncDataStream.unorderedWait(
                        batches, new AuditBatch(rpcUrl, protocolState), timeout, TimeUnit.MILLISECONDS, capacity)
                .name("anchor: audit against the chain")
                .uid("anchor-audit");
    }

    /** Finalize and batch only: every batch is reported {@code NOT_ANCHORED}. */
    static Anchoring none() {
        return batches -> batches.map(
                        b -> AnchorOutcome.forBatch(b, AnchorOutcome.Status.NOT_ANCHORED, null, -1, null, -1))
                .returns(AnchorOutcome.class)
                .name("anchor: disabled")
                .uid("anchor-none");
    }
}
