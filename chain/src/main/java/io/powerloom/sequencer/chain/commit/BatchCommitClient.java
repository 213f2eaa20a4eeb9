package io.powerloom.sequencer.chain.commit;

import io.powerloom.sequencer.chain.commit.CommitException.Reason;
import io.powerloom.sequencer.chain.commit.CommitResult.Status;
import io.powerloom.sequencer.chain.commit.SignerPool.Signer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Commits batches ({@code submitSubmissionBatch}), closes epochs ({@code endBatchSubmissions}) and sends the
 * accounting updates on the protocol-state contract, for the Flink job's async I/O: the commit logic (is the work on
 * chain already, what gas limit, what a receipt or a revert means), on top of a {@link TransactionSender} that signs,
 * prices, replaces and follows the transactions.
 *
 * <p><b>Never blocks the caller:</b> every method returns at once with a {@link CompletableFuture}; the work runs on the
 * client's own threads ({@link CommitClientConfig#maxConcurrentCommits()} of them), which do the blocking JSON-RPC.
 *
 * <p><b>Idempotent, across restarts too:</b> before any transaction, the chain is asked whether the work is there
 * already ({@code maxSnapshotsCid} of every project of the batch equals the batch's CID; {@code batchSubmissionsCompleted}
 * for the end call); if so the result is {@link Status#ALREADY_DONE} and nothing is sent. Gas estimation reverting with
 * E25/E43 also means already done; E04/E23/E24 fail with a non-retryable {@link CommitException}. Concurrent calls for
 * the same batch in one process share one future.
 *
 * <p><b>Gas:</b> gas limit = estimate × multiplier; once a batch commit has been estimated or has mined, later ones
 * skip the estimate and take the limit from the gas learned from estimates and receipts ({@link GasModel}, {@link CommitClientConfig#learnGas()}). A
 * transaction that reverted on chain is tried again from the on-chain check, with an estimate (which names the reason).
 * Nonces, fees, replacement of stuck transactions, receipts and RPC retry: {@link TransactionSender}.
 */
public final class BatchCommitClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchCommitClient.class);
    private static final int MAX_ROUNDS = 4;

    private final CommitClientConfig config;
    private final TransactionSender sender;
    private final ProtocolStateCalls contract;
    private final ThreadPoolExecutor workers;
    private final Map<String, CompletableFuture<CommitResult>> inFlight = new ConcurrentHashMap<>();
    private final CommitMetrics metrics = new CommitMetrics();
    private final GasModel gasModel;
    private volatile boolean closed;

    private BatchCommitClient(CommitClientConfig config, SignerPool signers) {
        this.config = config;
        this.sender = new TransactionSender(config, signers, metrics);
        this.contract = new ProtocolStateCalls(sender.web3j());
        this.gasModel = new GasModel(config.gasLimitMultiplier());
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                config.maxConcurrentCommits(),
                config.maxConcurrentCommits(),
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "batch-commit-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
    }

    /**
     * Creates a client: reads the signer keys (files and the process environment); touches no network, so it can run
     * in a Flink {@code open()} while the RPC endpoint is down. Nonces are fetched on each signer's first commit.
     *
     * @throws IllegalArgumentException when a key file or variable is missing or does not hold a key
     */
    public static BatchCommitClient create(CommitClientConfig config) {
        return new BatchCommitClient(config, SignerPool.load(config));
    }

    /** As {@link #create(CommitClientConfig)}, with environment variables looked up through {@code env}. */
    public static BatchCommitClient create(CommitClientConfig config, Function<String, String> env) {
        return new BatchCommitClient(config, SignerPool.load(config, env));
    }

    /** Commits one batch with {@code submitSubmissionBatch}; completes with a {@link CommitException} on failure. */
    public CompletableFuture<CommitResult> submitBatch(BatchCommit batch) {
        long calledAt = System.nanoTime();
        return run("batch/" + batch.key(), () -> doSubmitBatch(batch, calledAt));
    }

    /** Closes an epoch's batch submissions with {@code endBatchSubmissions}. */
    public CompletableFuture<CommitResult> endBatchSubmissions(String dataMarket, long epochId) {
        long calledAt = System.nanoTime();
        return run(
                "end/" + String.valueOf(dataMarket).toLowerCase() + "/" + epochId,
                () -> doEndBatchSubmissions(dataMarket, epochId, calledAt));
    }

    /**
     * Sends one accounting update (SPEC §10): periodic counts with {@code updateSubmissionCounts}, final counts with
     * {@code updateEligibleSubmissionCountsForDay}. Idempotent: a periodic update is {@link Status#ALREADY_DONE} when the
     * chain holds at least these counts for every slot (counts only grow within a day, so sending would move them
     * back); a final update when every slot is rewarded for the day, or holds this count below the quota. E48 (a slot
     * already rewarded) on estimation is also done.
     */
    public CompletableFuture<CommitResult> updateSubmissionCounts(CountUpdate update) {
        long calledAt = System.nanoTime();
        return run(update.key(), () -> {
            String data;
            try {
                if (update.slotIds().length != update.counts().length || update.slotIds().length == 0) {
                    throw new IllegalArgumentException("slotIds and counts must be non-empty and aligned");
                }
                data = contract.updateCounts(update);
            } catch (IllegalArgumentException e) {
                throw new CommitException(Reason.INVALID_INPUT, update + ": " + e.getMessage(), e);
            }
            awaitInheritedTransactions(calledAt);
            return commit(
                    calledAt, data, () -> countsAlreadyOnChain(update), update.toString(), 0, ACCOUNTING_DONE_CODES);
        });
    }

    /** Sends {@code updateEligibleNodesForDay}; {@link Status#ALREADY_DONE} when the chain holds this count for the day. */
    public CompletableFuture<CommitResult> updateEligibleNodesForDay(String dataMarket, long day, long eligibleNodes) {
        long calledAt = System.nanoTime();
        return run("eligible/" + String.valueOf(dataMarket).toLowerCase() + "/" + day + "/" + eligibleNodes, () -> {
            String data;
            try {
                data = contract.updateEligibleNodesForDay(dataMarket, day, eligibleNodes);
            } catch (IllegalArgumentException e) {
                throw new CommitException(Reason.INVALID_INPUT, e.getMessage(), e);
            }
            String what = "updateEligibleNodesForDay(" + dataMarket + ", " + day + ", " + eligibleNodes + ")";
            awaitInheritedTransactions(calledAt);
            return commit(
                    calledAt,
                    data,
                    () -> Long.parseLong(callAll(
                                            "eligibleNodesForDay",
                                            List.of(contract.eligibleNodesForDay(dataMarket, day)))
                                    .get(0))
                            == eligibleNodes,
                    what,
                    0,
                    ACCOUNTING_DONE_CODES);
        });
    }

    /** The signers' pending nonces when this client first sent an accounting update; null before. */
    private Map<String, Long> inherited;

    /**
     * Waits, once per client, until the transactions the signers had pending when it first sent an accounting update
     * are mined: those were sent by an earlier holder of the same keys, e.g. this TaskManager before it was killed
     * with an update in flight. An accounting update decides from chain reads whether it is done, and a read before
     * such a transaction mines would send the update a second time. Bounded by the commit timeout from
     * {@code calledAt}; after it the update goes on (a second send then reverts, or sets the same value).
     */
    private void awaitInheritedTransactions(long calledAt) throws CommitException {
        Map<String, Long> wanted;
        synchronized (this) {
            if (inherited == null) {
                Map<String, Long> m = new java.util.TreeMap<>();
                for (String address : sender.signerAddresses()) {
                    long pending = transactionCount(address, DefaultBlockParameterName.PENDING);
                    if (pending > transactionCount(address, DefaultBlockParameterName.LATEST)) {
                        m.put(address, pending);
                    }
                }
                inherited = m;
                if (!m.isEmpty()) {
                    LOG.info(
                            "signers with transactions pending from before this client (nonces up to): {}; accounting "
                                    + "updates wait for them to mine",
                            m);
                }
            }
            wanted = inherited;
        }
        long deadline = calledAt + config.commitTimeout().toNanos();
        for (Map.Entry<String, Long> w : wanted.entrySet()) {
            while (transactionCount(w.getKey(), DefaultBlockParameterName.LATEST) < w.getValue()) {
                if (closed) {
                    throw new CommitException(
                            Reason.CLOSED,
                            "closed while waiting for the transactions of " + w.getKey()
                                    + " pending from before this client");
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn(
                            "transactions of {} pending from before this client did not mine within {}; going on",
                            w.getKey(),
                            config.commitTimeout());
                    break;
                }
                RpcRetry.sleep(config.receiptPollInterval().toMillis());
            }
        }
    }

    private long transactionCount(String address, DefaultBlockParameterName block) throws CommitException {
        return sender.transactionCount(address, block);
    }

    /** Lower-case addresses of the signer accounts. */
    public List<String> signerAddresses() {
        return sender.signerAddresses();
    }

    public CommitMetrics metrics() {
        return metrics;
    }

    /** Stops the threads; commits not finished complete with {@link Reason#CLOSED} (retryable). */
    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inFlight.values()
                .forEach(f -> f.completeExceptionally(
                        new CommitException(Reason.CLOSED, "client closed before the commit finished")));
        sender.close();
    }

    // ------------------------------------------------------------------------------------------ orchestration

    @FunctionalInterface
    private interface Work {
        CommitResult call() throws CommitException;
    }

    private CompletableFuture<CommitResult> run(String key, Work work) {
        if (closed) {
            return CompletableFuture.failedFuture(new CommitException(Reason.CLOSED, "client is closed"));
        }
        CompletableFuture<CommitResult> fresh = new CompletableFuture<>();
        CompletableFuture<CommitResult> existing = inFlight.putIfAbsent(key, fresh);
        if (existing != null) {
            return existing.thenApply(r -> r); // a copy: callers cannot complete the shared future
        }
        try {
            workers.execute(() -> {
                CommitResult result = null;
                Throwable error = null;
                try {
                    result = work.call();
                    switch (result.status()) {
                        case COMMITTED -> metrics.committed.incrementAndGet();
                        case ALREADY_DONE -> metrics.alreadyDone.incrementAndGet();
                        case DELAYED -> metrics.delayed.incrementAndGet();
                    }
                } catch (CommitException e) {
                    metrics.failed.incrementAndGet();
                    error = e;
                } catch (RuntimeException e) {
                    metrics.failed.incrementAndGet();
                    error = new CommitException(Reason.REVERTED, "unexpected failure: " + e, e);
                } finally {
                    // forget the key before completing: a call made after completion must check the chain again
                    inFlight.remove(key, fresh);
                }
                if (error == null) {
                    fresh.complete(result);
                } else {
                    fresh.completeExceptionally(error);
                }
            });
        } catch (RuntimeException rejected) {
            inFlight.remove(key, fresh);
            fresh.completeExceptionally(new CommitException(Reason.CLOSED, "client is closed", rejected));
        }
        return fresh.thenApply(r -> r);
    }

    private CommitResult doSubmitBatch(BatchCommit batch, long start) throws CommitException {
        String data;
        try {
            data = contract.submitSubmissionBatch(batch);
        } catch (IllegalArgumentException e) {
            throw new CommitException(Reason.INVALID_INPUT, batch + ": " + e.getMessage(), e);
        }
        return commit(
                start,
                data,
                () -> batchAlreadyOnChain(batch),
                batch.toString(),
                batch.projectIds().size());
    }

    private CommitResult doEndBatchSubmissions(String dataMarket, long epochId, long start) throws CommitException {
        String data;
        try {
            data = contract.endBatchSubmissions(dataMarket, epochId);
        } catch (IllegalArgumentException e) {
            throw new CommitException(Reason.INVALID_INPUT, e.getMessage(), e);
        }
        String what = "endBatchSubmissions(" + dataMarket + ", " + epochId + ")";
        return commit(start, data, () -> endAlreadyOnChain(dataMarket, epochId), what, 0);
    }

    /** Revert codes of gas estimation that mean the work is on chain already. */
    private static final java.util.Set<String> BATCH_DONE_CODES = java.util.Set.of("E25", "E43");

    private static final java.util.Set<String> ACCOUNTING_DONE_CODES = java.util.Set.of("E48");

    private CommitResult commit(long start, String data, OnChainCheck alreadyDone, String what, int projects)
            throws CommitException {
        return commit(start, data, alreadyDone, what, projects, BATCH_DONE_CODES);
    }

    @FunctionalInterface
    private interface OnChainCheck {
        boolean done() throws CommitException;
    }

    /** Check → estimate → send → await; repeated when our transaction reverted or its nonce was taken. */
    /** {@code projects}: a batch's project count, 0 for {@code endBatchSubmissions}. */
    private CommitResult commit(
            long start,
            String data,
            OnChainCheck alreadyDone,
            String what,
            int projects,
            java.util.Set<String> doneCodes)
            throws CommitException {
        boolean isBatch = projects > 0;
        // batch commits without a fixed gas per project take their limit from the gas model once it has learned
        boolean learnsGas = isBatch && config.gasPerProject() == 0 && config.learnGas();
        int attempts = 0;
        int reverted = 0;
        long deadline = start + config.commitTimeout().toNanos();
        while (reverted < MAX_ROUNDS) {
            if (System.nanoTime() > deadline) {
                throw new CommitException(
                        Reason.TIMEOUT,
                        what + ": not committed within " + config.commitTimeout()
                                + " (nonces kept being taken by another sender?)");
            }
            long t0 = System.nanoTime();
            if (alreadyDone.done()) {
                return new CommitResult(Status.ALREADY_DONE, null, -1, since(start), attempts);
            }
            Signer signer = sender.acquire();
            try {
                long t1 = System.nanoTime();
                BigInteger gasLimit;
                long learned = learnsGas && reverted == 0 ? gasModel.limit(GasModel.calldataBytes(data)) : -1;
                if (isBatch && reverted == 0 && config.gasPerProject() > 0) {
                    // no estimate: the gas a batch needs grows with its projects; if it reverts anyway, the next
                    // round estimates and so learns the contract's reason (E25/E43 = already done)
                    gasLimit = BigInteger.valueOf(CommitClientConfig.BATCH_BASE_GAS)
                            .add(BigInteger.valueOf(config.gasPerProject()).multiply(BigInteger.valueOf(projects)));
                    LOG.debug(
                            "{}: chain checked in {} ms, gas limit {} without estimate",
                            what,
                            (t1 - t0) / 1_000_000,
                            gasLimit);
                } else if (learned > 0) {
                    // the same, with the gas per calldata byte learned from earlier receipts of this client
                    gasLimit = BigInteger.valueOf(learned);
                    metrics.gasLearned.incrementAndGet();
                    LOG.debug(
                            "{}: chain checked in {} ms, learned gas limit {}", what, (t1 - t0) / 1_000_000, gasLimit);
                } else {
                    metrics.gasEstimates.incrementAndGet();
                    EthEstimateGas est = sender.estimateGas(signer, data);
                    if (LOG.isDebugEnabled()) {
                        LOG.debug(
                                "{}: chain checked in {} ms, gas estimated in {} ms",
                                what,
                                (t1 - t0) / 1_000_000,
                                (System.nanoTime() - t1) / 1_000_000);
                    }
                    if (est.hasError() && !RevertCodes.isRevert(est.getError())) {
                        // the node could not run the estimate (not a revert): try again until the commit timeout
                        LOG.debug(
                                "{}: gas estimation failed ({}), trying again",
                                what,
                                est.getError().getMessage());
                        RpcRetry.sleep(50);
                        continue;
                    }
                    if (est.hasError()) {
                        Optional<String> code = RevertCodes.code(est.getError());
                        if (code.isPresent() && doneCodes.contains(code.get())) {
                            return new CommitResult(Status.ALREADY_DONE, null, -1, since(start), attempts);
                        }
                        Reason reason = code.map(Reason::ofRevertCode).orElse(Reason.REVERTED);
                        throw new CommitException(
                                reason,
                                what + " rejected by gas estimation: "
                                        + RevertCodes.reason(est.getError())
                                                .orElse(est.getError().getMessage()));
                    }
                    gasLimit = new java.math.BigDecimal(est.getAmountUsed())
                            .multiply(java.math.BigDecimal.valueOf(config.gasLimitMultiplier()))
                            .toBigInteger();
                    if (learnsGas) {
                        // an estimate teaches as a receipt does (it is at least the gas used), so the batches sent
                        // after a start while this one is unmined need no estimate of their own
                        gasModel.observe(est.getAmountUsed().longValueExact(), GasModel.calldataBytes(data));
                    }
                }
                TransactionSender.Sent sent = sender.sendAndAwait(signer, data, gasLimit, start);
                attempts += sent.signed();
                if (sent.receipt() == null) {
                    // the nonce was taken by a transaction not ours (another process with the same key): pause a
                    // random moment so that the two senders drift apart, then check the chain again
                    RpcRetry.sleep(
                            java.util.concurrent.ThreadLocalRandom.current().nextLong(10, 200));
                    continue;
                }
                TransactionReceipt r = sent.receipt();
                long block = r.getBlockNumber().longValueExact();
                LOG.debug(
                        "{}: receipt for block {} after {} ms",
                        what,
                        block,
                        since(start).toMillis());
                if (r.isStatusOK()) {
                    Status s = isBatch && hasDelayedEvent(r) ? Status.DELAYED : Status.COMMITTED;
                    if (s == Status.COMMITTED && isBatch && r.getGasUsed() != null) {
                        gasModel.observe(r.getGasUsed().longValueExact(), GasModel.calldataBytes(data));
                    }
                    return new CommitResult(s, r.getTransactionHash(), block, since(start), attempts);
                }
                reverted++;
                LOG.info(
                        "{}: transaction {} reverted on chain in block {}; checking again (with a gas estimate, which names "
                                + "the reason)",
                        what,
                        r.getTransactionHash(),
                        block);
            } finally {
                signer.release();
            }
        }
        throw new CommitException(
                Reason.REVERTED,
                what + ": our transaction reverted on chain " + MAX_ROUNDS
                        + " times although gas estimation passed each time");
    }

    private boolean hasDelayedEvent(TransactionReceipt r) {
        for (Log log : r.getLogs()) {
            if (!log.getTopics().isEmpty()
                    && log.getTopics().get(0).equalsIgnoreCase(ProtocolStateCalls.DELAYED_BATCH_TOPIC)
                    && log.getAddress().equalsIgnoreCase(config.protocolStateAddress())) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------ on-chain checks

    private boolean batchAlreadyOnChain(BatchCommit b) throws CommitException {
        if (b.projectIds().isEmpty()
                || b.projectIds().size() != b.snapshotCids().size()) {
            return false; // let the contract give its verdict (E23/E24)
        }
        // the usual case is a fresh batch: one read of its first project tells, before reading all of them
        String first = callAll(
                        "maxSnapshotsCid",
                        List.of(contract.maxSnapshotsCid(
                                b.dataMarket(), b.projectIds().get(0), b.epochId())))
                .get(0);
        if (!b.snapshotCids().get(0).equals(first)) {
            return false;
        }
        List<RemoteFunctionCall<?>> reads = new ArrayList<>();
        for (String pid : b.projectIds()) {
            reads.add(contract.maxSnapshotsCid(b.dataMarket(), pid, b.epochId()));
        }
        List<String> onChain = callAll("maxSnapshotsCid", reads);
        for (int i = 0; i < onChain.size(); i++) {
            if (!b.snapshotCids().get(i).equals(onChain.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean countsAlreadyOnChain(CountUpdate u) throws CommitException {
        long[] slots = u.slotIds();
        long[] counts = u.counts();
        if (slots.length != counts.length) {
            return false;
        }
        List<RemoteFunctionCall<?>> reads = new ArrayList<>();
        for (long slot : slots) {
            reads.add(contract.slotSubmissionCount(u.dataMarket(), slot, u.day()));
        }
        if (u.kind() == CountUpdate.Kind.FINAL) {
            for (long slot : slots) {
                reads.add(contract.slotRewardedForDay(u.dataMarket(), slot, u.day()));
            }
            reads.add(contract.dailySnapshotQuota(u.dataMarket()));
        }
        List<String> r = callAll("accounting reads", reads);
        int n = slots.length;
        for (int i = 0; i < n; i++) {
            java.math.BigInteger onChain = new java.math.BigInteger(r.get(i));
            java.math.BigInteger ours = new java.math.BigInteger(Long.toUnsignedString(counts[i]));
            if (u.kind() == CountUpdate.Kind.PERIODIC) {
                if (onChain.compareTo(ours) < 0) {
                    return false;
                }
            } else {
                boolean rewarded = "true".equals(r.get(n + i));
                java.math.BigInteger quota = new java.math.BigInteger(r.get(2 * n));
                if (!rewarded && !(onChain.equals(ours) && ours.compareTo(quota) < 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Reads the counts the chain holds for {@code slots} on {@code day} (blocking; for audits and tests), with the
     * slots' rewarded flags: {@code [counts..., rewarded (1/0)...]}.
     */
    public long[] readSlotCounts(String dataMarket, long day, long[] slots) throws CommitException {
        List<RemoteFunctionCall<?>> reads = new ArrayList<>();
        for (long slot : slots) {
            reads.add(contract.slotSubmissionCount(dataMarket, slot, day));
        }
        for (long slot : slots) {
            reads.add(contract.slotRewardedForDay(dataMarket, slot, day));
        }
        List<String> r = callAll("accounting reads", reads);
        long[] out = new long[2 * slots.length];
        for (int i = 0; i < slots.length; i++) {
            out[i] = new java.math.BigInteger(r.get(i)).longValue();
            out[slots.length + i] = "true".equals(r.get(slots.length + i)) ? 1 : 0;
        }
        return out;
    }

    private boolean endAlreadyOnChain(String dataMarket, long epochId) throws CommitException {
        List<String> r =
                callAll("batchSubmissionsCompleted", List.of(contract.batchSubmissionsCompleted(dataMarket, epochId)));
        return "true".equals(r.get(0));
    }

    /** Times a batch of view calls is read again when a call fails without reverting (a node's transient error). */
    static final int VIEW_READ_ATTEMPTS = 5;

    /**
     * eth_call of several view functions in one JSON-RPC batch; each result as its first return value's string. A call
     * that fails without an execution revert (e.g. "header not found" behind a load balancer, or a node that pruned the
     * state of the block "latest" named a moment earlier) is read again; only a revert is final.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private List<String> callAll(String what, List<RemoteFunctionCall<?>> functions) throws CommitException {
        for (int attempt = 1; ; attempt++) {
            BatchResponse resp =
                    sender.rpc().send(what, () -> batchOf(functions).send());
            List<? extends Response<?>> responses = resp.getResponses();
            if (responses.size() != functions.size()) {
                throw new CommitException(
                        Reason.RPC_UNAVAILABLE,
                        what + ": endpoint answered " + responses.size() + " of " + functions.size()
                                + " batched calls");
            }
            List<String> out = new ArrayList<>();
            Response.Error transientError = null;
            for (int i = 0; i < functions.size() && transientError == null; i++) {
                EthCall call = (EthCall) responses.get(i);
                if (call.hasError()) {
                    if (RevertCodes.isRevert(call.getError())) {
                        throw new CommitException(
                                Reason.REVERTED,
                                what + " read reverted: " + call.getError().getMessage());
                    }
                    transientError = call.getError();
                    continue;
                }
                List<Type> decoded = functions.get(i).decodeFunctionResponse(call.getValue());
                out.add(decoded.isEmpty() ? "" : String.valueOf(decoded.get(0).getValue()));
            }
            if (transientError == null) {
                return out;
            }
            if (attempt >= VIEW_READ_ATTEMPTS) {
                throw new CommitException(
                        Reason.RPC_UNAVAILABLE,
                        what + " read failed " + attempt + " times: " + transientError.getMessage());
            }
            LOG.debug("{} read failed ({}), reading again", what, transientError.getMessage());
            RpcRetry.sleep(25L << attempt);
        }
    }

    private BatchRequest batchOf(List<RemoteFunctionCall<?>> functions) {
        BatchRequest batch = sender.web3j().newBatch();
        for (RemoteFunctionCall<?> f : functions) {
            batch.add(sender.web3j()
                    .ethCall(
                            Transaction.createEthCallTransaction(
                                    null, config.protocolStateAddress(), f.encodeFunctionCall()),
                            DefaultBlockParameterName.LATEST));
        }
        return batch;
    }

    private static Duration since(long startNanos) {
        return TransactionSender.since(startNanos);
    }
}
