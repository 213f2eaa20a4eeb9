package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.anchor.ipfs.KuboRpcClient;
import io.powerloom.sequencer.batch.SubmissionBatch;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchor, part 1: uploads a batch document to IPFS over the Kubo RPC API (CIDv1, raw leaves, pinned) without
 * blocking the task thread, and checks that the node's CID equals the one computed locally. The batch goes on to the
 * commit without its document. Retries are the async
 * operator's (see the pipeline); a CID mismatch is not retried away: it fails loudly.
 */
public class IpfsUpload extends RichAsyncFunction<SubmissionBatch, SubmissionBatch> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IpfsUpload.class);

    private final String apiUrl;
    private final Duration timeout;
    private transient KuboRpcClient client;
    private transient Counter uploaded;
    private transient Counter failures;

    public IpfsUpload(String apiUrl, Duration timeout) {
        this.apiUrl = apiUrl;
        this.timeout = timeout;
    }

    @Override
    public void open(OpenContext openContext) {
        client = new KuboRpcClient(URI.create(apiUrl), timeout);
        uploaded = getRuntimeContext().getMetricGroup().counter("ipfs_uploaded");
        failures = getRuntimeContext().getMetricGroup().counter("ipfs_failures");
    }

    @Override
    public void asyncInvoke(SubmissionBatch b, ResultFuture<SubmissionBatch> result) {
        long start = System.nanoTime();
        client.addAndPinVerified(b.document(), b.batchCid()).whenComplete((cid, error) -> {
            if (error != null) {
                failures.inc();
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(new IllegalStateException(
                        "IPFS upload of batch " + b.batchCid() + " failed: " + cause.getMessage(), cause));
            } else { // the client has checked the node's CID against the batch's (a mismatch is a non-retryable error)
                uploaded.inc();
                LOG.debug(
                        "batch {} of epoch {} ({} bytes) uploaded and pinned in {} ms, {} ms after the close",
                        b.batchIndex(),
                        Long.toUnsignedString(b.epochId()),
                        b.document().length,
                        (System.nanoTime() - start) / 1_000_000,
                        System.currentTimeMillis() - b.closedAtWallMs());
                result.complete(List.of(b.withoutContent())); // the commit needs no document
            }
        });
    }
}
