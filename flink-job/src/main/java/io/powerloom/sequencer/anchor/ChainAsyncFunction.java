package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.chain.commit.BatchCommitClient;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import io.powerloom.sequencer.chain.commit.CommitResult;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Base of the anchor stage's on-chain calls: holds the TaskManager's shared {@link BatchCommitClient} for the
 * function's lifetime and the metrics of its outcomes.
 */
abstract class ChainAsyncFunction<IN> extends RichAsyncFunction<IN, AnchorOutcome> {
    private static final long serialVersionUID = 1L;

    private final CommitClientConfig config;
    private final String metricPrefix;
    private final boolean commitLatency;
    protected transient BatchCommitClient client;
    protected transient AnchorMetrics metrics;

    ChainAsyncFunction(CommitClientConfig config, String metricPrefix, boolean commitLatency) {
        this.config = config;
        this.metricPrefix = metricPrefix;
        this.commitLatency = commitLatency;
    }

    @Override
    public void open(OpenContext openContext) {
        client = SharedCommitClients.acquire(config);
        metrics = new AnchorMetrics(
                getRuntimeContext().getMetricGroup(), metricPrefix, AnchorMetrics.COMMIT, commitLatency);
    }

    @Override
    public void close() {
        if (client != null) {
            SharedCommitClients.release(config);
            client = null;
        }
    }

    /** The failure inside a {@link CompletionException}. */
    static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    static AnchorOutcome.Status status(CommitResult r) {
        return switch (r.status()) {
            case COMMITTED -> AnchorOutcome.Status.COMMITTED;
            case ALREADY_DONE -> AnchorOutcome.Status.ALREADY_DONE;
            case DELAYED -> AnchorOutcome.Status.DELAYED;
        };
    }

    CommitClientConfig config() {
        return config;
    }
}
