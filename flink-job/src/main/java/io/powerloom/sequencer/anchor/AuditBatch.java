package io.powerloom.sequencer.anchor;

import io.powerloom.sequencer.batch.SubmissionBatch;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.protocol.crypto.Hex;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * Audit mode of the anchor stage: instead of committing, compares each recomputed batch with what the protocol-state
 * contract holds — the batch CID among the epoch's committed batch CIDs, its finalized-CIDs Merkle root, and each
 * project's stored snapshot CID — and reports {@code AUDIT_MATCH} or {@code AUDIT_MISMATCH} with the differences, or
 * {@code AUDIT_PENDING} when the chain does not hold the batch and the epoch is not complete there yet (still in flight).
 * Sends no transaction. Reads are asynchronous JSON-RPC calls.
 */
public class AuditBatch extends RichAsyncFunction<SubmissionBatch, AnchorOutcome> {
    private static final long serialVersionUID = 1L;

    private static final String PENDING = "pending: ";

    private final String rpcUrl;
    private final String protocolState;
    private transient Web3j web3j;
    private transient PowerloomProtocolState contract;
    private transient AnchorMetrics metrics;

    public AuditBatch(String rpcUrl, String protocolState) {
        this.rpcUrl = rpcUrl;
        this.protocolState = protocolState;
    }

    @Override
    public void open(OpenContext openContext) {
        web3j = Web3j.build(new HttpService(rpcUrl));
        contract = ProtocolStateDeployer.loadReadOnly(protocolState, web3j);
        metrics = new AnchorMetrics(getRuntimeContext().getMetricGroup(), "batches", AnchorMetrics.AUDIT, false);
    }

    @Override
    public void close() {
        if (web3j != null) {
            web3j.shutdown();
        }
    }

    @Override
    public void asyncInvoke(SubmissionBatch b, ResultFuture<AnchorOutcome> result) {
        BigInteger epoch = new BigInteger(Long.toUnsignedString(b.epochId()));
        CompletableFuture<List<String>> batchCids = contract.epochIdToBatchCids(b.dataMarket(), epoch)
                .sendAsync()
                .thenApply(list -> {
                    List<String> cids = new ArrayList<>();
                    for (Object o : list) {
                        cids.add(String.valueOf(o instanceof org.web3j.abi.datatypes.Utf8String u ? u.getValue() : o));
                    }
                    return cids;
                });
        CompletableFuture<byte[]> root =
                contract.batchCidFinalizedRoot(b.dataMarket(), b.batchCid()).sendAsync();
        CompletableFuture<Boolean> completed =
                contract.batchSubmissionsCompleted(b.dataMarket(), epoch).sendAsync();
        List<CompletableFuture<String>> stored = new ArrayList<>();
        for (String project : b.projectIds()) {
            stored.add(contract.maxSnapshotsCid(b.dataMarket(), project, epoch).sendAsync());
        }
        CompletableFuture.allOf(stored.toArray(new CompletableFuture[0]))
                .thenCombine(batchCids, (ignored, cids) -> cids)
                .thenCombine(root, (cids, onChainRoot) -> {
                    if (!cids.contains(b.batchCid()) && !completed.join()) {
                        // the epoch is still being committed (or not yet): nothing to compare yet
                        return List.of(PENDING + "epoch " + Long.toUnsignedString(b.epochId())
                                + " is not complete on chain (" + cids.size() + " batches committed so far)");
                    }
                    List<String> problems = new ArrayList<>();
                    if (!cids.contains(b.batchCid())) {
                        problems.add(
                                "batch CID " + b.batchCid() + " is not among the epoch's committed batches " + cids);
                    } else if (!Hex.encode0x(onChainRoot)
                            .toLowerCase(Locale.ROOT)
                            .equals(b.finalizedCidsRootHash())) {
                        problems.add("finalizedCidsRootHash on chain " + Hex.encode0x(onChainRoot) + " != "
                                + b.finalizedCidsRootHash());
                    }
                    for (int i = 0; i < b.projectIds().length; i++) {
                        String onChain = stored.get(i).join();
                        if (!b.snapshotCids()[i].equals(onChain)) {
                            problems.add("project " + b.projectIds()[i] + ": chain has '" + onChain + "', recomputed "
                                    + b.snapshotCids()[i]);
                        }
                    }
                    return problems;
                })
                .whenComplete((problems, error) -> {
                    if (error != null) {
                        result.completeExceptionally(new IllegalStateException(
                                "audit of batch " + b.batchCid() + " failed: " + error.getMessage(), error));
                        return;
                    }
                    AnchorOutcome.Status status;
                    String detail;
                    if (problems.size() == 1 && problems.get(0).startsWith(PENDING)) {
                        status = AnchorOutcome.Status.AUDIT_PENDING;
                        detail = problems.get(0).substring(PENDING.length());
                    } else {
                        status = problems.isEmpty()
                                ? AnchorOutcome.Status.AUDIT_MATCH
                                : AnchorOutcome.Status.AUDIT_MISMATCH;
                        detail = problems.isEmpty() ? null : String.join("; ", problems);
                    }
                    AnchorOutcome o = AnchorOutcome.forBatch(b, status, null, -1, detail, -1);
                    metrics.record(o);
                    result.complete(List.of(o));
                });
    }
}
