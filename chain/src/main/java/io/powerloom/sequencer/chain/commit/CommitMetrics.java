package io.powerloom.sequencer.chain.commit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of a {@link BatchCommitClient}, for the job's metric group or a /metrics page. */
public final class CommitMetrics {
    final AtomicLong committed = new AtomicLong();
    final AtomicLong alreadyDone = new AtomicLong();
    final AtomicLong delayed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong transactionsSent = new AtomicLong();
    final AtomicLong feeBumps = new AtomicLong();
    final AtomicLong nonceResyncs = new AtomicLong();
    final AtomicLong rpcRetries = new AtomicLong();
    final AtomicLong gasEstimates = new AtomicLong();
    final AtomicLong gasLearned = new AtomicLong();

    /** All counters by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("committed", committed.get());
        m.put("already_done", alreadyDone.get());
        m.put("delayed", delayed.get());
        m.put("failed", failed.get());
        m.put("transactions_sent", transactionsSent.get());
        m.put("fee_bumps", feeBumps.get());
        m.put("nonce_resyncs", nonceResyncs.get());
        m.put("rpc_retries", rpcRetries.get());
        m.put("gas_estimates", gasEstimates.get());
        m.put("gas_learned", gasLearned.get());
        return m;
    }

    public long committed() {
        return committed.get();
    }

    public long alreadyDone() {
        return alreadyDone.get();
    }

    public long transactionsSent() {
        return transactionsSent.get();
    }

    public long feeBumps() {
        return feeBumps.get();
    }

    public long rpcRetries() {
        return rpcRetries.get();
    }
    /** Commits whose gas limit came from {@code eth_estimateGas}. */
    public long gasEstimates() {
        return gasEstimates.get();
    }
    /** Batch commits sent with a limit from the learned gas model, without an estimate. */
    public long gasLearned() {
        return gasLearned.get();
    }

    @Override
    public String toString() {
        return "CommitMetrics" + snapshot();
    }
}
