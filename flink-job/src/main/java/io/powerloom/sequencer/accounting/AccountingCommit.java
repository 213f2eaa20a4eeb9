package io.powerloom.sequencer.accounting;

import io.powerloom.sequencer.anchor.SharedCommitClients;
import io.powerloom.sequencer.chain.commit.BatchCommitClient;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import io.powerloom.sequencer.chain.commit.CommitException;
import io.powerloom.sequencer.chain.commit.CommitResult;
import io.powerloom.sequencer.chain.commit.CountUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Sends the accounting stage's actions through the TaskManager's shared commit client (signer pool, fees, receipts):
 * a periodic action as {@code updateSubmissionCounts} transactions of at most {@code chunkSize} slots; a final one as
 * {@code updateEligibleNodesForDay}, then, once that is mined, the eligible slots' final counts in chunks
 * ({@code updateEligibleSubmissionCountsForDay}). Never blocks the task thread.
 *
 * <p>Idempotent: the client checks the chain before each transaction (and treats E48 as done), once the transactions a
 * killed TaskManager left pending have mined, so an action re-issued after a restore (async I/O keeps in-flight actions
 * in its checkpoint) or replayed sends nothing already there. A
 * refusal by the contract (E38 day closed, E04 not a sequencer) is reported {@code FAILED} with its reason on the
 * slot-counts topic and does not stop the job; a chain outage beyond the client's patience fails the job over, and
 * the action is retried.
 */
public class AccountingCommit extends RichAsyncFunction<AccountingAction, SlotCount> {
    private static final long serialVersionUID = 1L;

    private final CommitClientConfig config;
    private final int chunkSize;
    private transient BatchCommitClient client;
    private transient AccountingMetrics metrics;

    public AccountingCommit(CommitClientConfig config, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1");
        }
        this.config = config;
        this.chunkSize = chunkSize;
    }

    @Override
    public void open(OpenContext openContext) {
        client = SharedCommitClients.acquire(config);
        metrics = new AccountingMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void close() {
        if (client != null) {
            SharedCommitClients.release(config);
            client = null;
        }
    }

    /** The action's slots in chunks of at most {@code chunkSize}, in slot order. */
    static List<CountUpdate> chunks(AccountingAction a, int chunkSize) {
        List<CountUpdate> out = new ArrayList<>();
        CountUpdate.Kind kind =
                a.kind() == AccountingAction.Kind.FINAL ? CountUpdate.Kind.FINAL : CountUpdate.Kind.PERIODIC;
        for (int from = 0; from < a.slotIds().length; from += chunkSize) {
            int to = Math.min(a.slotIds().length, from + chunkSize);
            out.add(new CountUpdate(
                    a.dataMarket(),
                    a.day(),
                    kind,
                    Arrays.copyOfRange(a.slotIds(), from, to),
                    Arrays.copyOfRange(a.counts(), from, to)));
        }
        return out;
    }

    @Override
    public void asyncInvoke(AccountingAction a, ResultFuture<SlotCount> result) {
        List<CountUpdate> chunks = chunks(a, chunkSize);
        CompletableFuture<List<SlotCount>> done;
        try {
            if (a.kind() == AccountingAction.Kind.FINAL) {
                done = outcome(client.updateEligibleNodesForDay(a.dataMarket(), a.day(), a.eligibleNodes()))
                        .thenCompose(eligible -> sendAll(a, chunks).thenApply(counts -> {
                            List<SlotCount> all = new ArrayList<>(counts.size() + 1);
                            all.add(dayEligible(a, eligible));
                            all.addAll(counts);
                            return all;
                        }));
            } else {
                done = sendAll(a, chunks);
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        done.whenComplete((records, error) -> {
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(new IllegalStateException(
                        a.kind() + " accounting update of day " + a.day() + " (" + a.dataMarket() + ") failed: "
                                + cause.getMessage(),
                        cause));
                return;
            }
            long latency = Math.max(0, System.currentTimeMillis() - a.createdAtWallMs());
            List<SlotCount> out = new ArrayList<>(records.size());
            for (SlotCount c : records) {
                SlotCount timed = new SlotCount(
                        c.dataMarket(),
                        c.day(),
                        c.slotId(),
                        c.count(),
                        c.kind(),
                        c.eligible(),
                        c.quota(),
                        c.epochId(),
                        c.status(),
                        c.txHash(),
                        c.blockNumber(),
                        c.detail(),
                        latency);
                metrics.record(timed);
                out.add(timed);
            }
            metrics.latency(latency);
            result.complete(out);
        });
    }

    /** Every chunk, concurrently (different signers may carry them), each chunk's slots as records. */
    private CompletableFuture<List<SlotCount>> sendAll(AccountingAction a, List<CountUpdate> chunks) {
        List<CompletableFuture<List<SlotCount>>> parts = new ArrayList<>();
        for (CountUpdate u : chunks) {
            parts.add(outcome(client.updateSubmissionCounts(u)).thenApply(o -> slotRecords(a, u, o)));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<SlotCount> all = new ArrayList<>();
            parts.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }

    /** The outcome of one call: a result, or a refusal by the contract; retryable failures fail the future. */
    private record Outcome(CommitResult result, CommitException refused) {}

    private CompletableFuture<Outcome> outcome(CompletableFuture<CommitResult> call) {
        return call.handle((r, error) -> {
            if (error == null) {
                if (r.txHash() != null) {
                    metrics.transaction();
                }
                return new Outcome(r, null);
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CommitException ce && !ce.isRetryable()) {
                return new Outcome(null, ce);
            }
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
    }

    private static List<SlotCount> slotRecords(AccountingAction a, CountUpdate u, Outcome o) {
        long[] slots = u.slotIds();
        long[] counts = u.counts();
        List<SlotCount> out = new ArrayList<>(slots.length);
        for (int i = 0; i < slots.length; i++) {
            out.add(new SlotCount(
                    a.dataMarket(),
                    a.day(),
                    slots[i],
                    counts[i],
                    a.kind(),
                    counts[i] >= a.quota(),
                    a.quota(),
                    a.epochId(),
                    status(o),
                    o.result == null ? null : o.result.txHash(),
                    o.result == null ? -1 : o.result.blockNumber(),
                    o.refused == null ? null : o.refused.getMessage(),
                    -1));
        }
        return out;
    }

    private static SlotCount dayEligible(AccountingAction a, Outcome o) {
        return new SlotCount(
                a.dataMarket(),
                a.day(),
                -1,
                a.eligibleNodes(),
                a.kind(),
                false,
                a.quota(),
                a.epochId(),
                status(o),
                o.result == null ? null : o.result.txHash(),
                o.result == null ? -1 : o.result.blockNumber(),
                o.refused == null ? null : o.refused.getMessage(),
                -1);
    }

    private static String status(Outcome o) {
        if (o.refused != null) {
            return SlotCount.FAILED;
        }
        return o.result.status() == CommitResult.Status.ALREADY_DONE ? SlotCount.ALREADY_DONE : SlotCount.COMMITTED;
    }

    @Override
    public void timeout(AccountingAction a, ResultFuture<SlotCount> result) {
        result.completeExceptionally(new java.util.concurrent.TimeoutException(a.kind() + " accounting update of day "
                + a.day() + " did not finish in time; the job restarts and retries (the update is idempotent)"));
    }

    @Override
    public String toString() {
        return "AccountingCommit[" + config + "]";
    }
}
