package io.powerloom.sequencer.accounting;

import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/** What the accounting stage does with its updates: commit them ({@link #commitOnChain}), audit them, or nothing. */
public interface Accounting extends Serializable {

    /** The operators after {@link DayAccounting} on its {@code actions}: the slot counts to report. */
    DataStream<SlotCount> apply(DataStream<AccountingAction> actions);

    /**
     * Accounting updates committed on chain through the TaskManager's commit client in chunks of {@code chunkSize}
     * slots, one update at a time: updates of one day sent concurrently by different signers could be mined out of
     * order and move a count back (they are few: one per {@code update-every-epochs} epochs and one per day).
     */
    static Accounting commitOnChain(CommitClientConfig chain, int chunkSize, Duration timeout) {
        long timeoutMs = timeout.toMillis();
        return actions -> AsyncDataStream.orderedWait(
                        actions, new AccountingCommit(chain, chunkSize), timeoutMs, TimeUnit.MILLISECONDS, 1)
                .name("accounting: commit counts on chain")
                .uid("accounting-commit");
    }

    /** Accounting updates compared with what the contract at {@code protocolState} holds; commits nothing. */
    static Accounting auditOnChain(String rpcUrl, String protocolState, Duration timeout) {
        long timeoutMs = timeout.toMillis();
        return actions -> AsyncDataStream.orderedWait(
                        actions, new CountAudit(rpcUrl, protocolState), timeoutMs, TimeUnit.MILLISECONDS, 16)
                .name("accounting: audit counts against the chain")
                .uid("accounting-audit");
    }

    /** Count only (metrics); nothing goes to the chain or to the slot-counts topic. */
    static Accounting countOnly() {
        return actions -> actions.flatMap((AccountingAction a, Collector<SlotCount> c) -> {})
                .returns(SlotCount.class)
                .name("accounting: not committed")
                .uid("accounting-none");
    }
}
