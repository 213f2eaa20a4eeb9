package io.powerloom.sequencer.chain.read;

import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.NodeInfo;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * The watcher's JSON-RPC reads of the protocol chain: head, block headers (batched), contract logs in a block range,
 * and the contract views it needs at a given block. Any failure is an {@link IOException}: the cycle is retried.
 * Calls are encoded and decoded by the generated wrapper (the ABI's one definition); the watcher's Kafka and recovery
 * logic stays with the watcher.
 */
public final class ChainReader implements AutoCloseable {

    /** What the watcher keeps of a block. */
    public record BlockHeader(long number, String hash, String parentHash, long timestamp) {}

    /** A slot as stored on chain at some block. */
    public record SlotState(String snapshotter, boolean active) {}

    private final Web3j web3j;
    private final String contract;
    private final PowerloomProtocolState views;
    private final java.util.concurrent.atomic.AtomicLong windowFallbacks = new java.util.concurrent.atomic.AtomicLong();

    public ChainReader(String rpcUrl, String contract, java.time.Duration timeout) {
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        this.web3j = Web3j.build(new HttpService(rpcUrl, http));
        this.contract = contract;
        // encoding and decoding only: calls go to `contract` through ethCall below; a wrapper bound to a configured
        // address that is not hex would have web3j resolve it as an ENS name over the network
        this.views = ProtocolStateDeployer.loadReadOnly("0x0000000000000000000000000000000000000000", web3j);
    }

    public long head() throws IOException {
        EthBlockNumber r = check(web3j.ethBlockNumber().send(), "eth_blockNumber");
        return r.getBlockNumber().longValueExact();
    }

    /** Headers of blocks {@code from..to}, in order; a block the node does not have is an IOException. */
    public List<BlockHeader> blocks(long from, long to) throws IOException {
        List<Long> numbers = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            numbers.add(n);
        }
        return blocks(numbers);
    }

    /** Headers of the given block numbers, same order; {@code null} for a block the node does not have (yet). */
    public List<BlockHeader> blocksOrNull(List<Long> numbers) throws IOException {
        List<BlockHeader> out = new ArrayList<>();
        if (numbers.isEmpty()) {
            return out;
        }
        BatchRequest batch = web3j.newBatch();
        for (long n : numbers) {
            batch.add(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), false));
        }
        BatchResponse resp = batch.send();
        if (resp.getResponses().size() != numbers.size()) {
            throw new IOException("batch of " + numbers.size() + " eth_getBlockByNumber got "
                    + resp.getResponses().size() + " answers");
        }
        for (Response<?> r : resp.getResponses()) {
            EthBlock b = check((EthBlock) r, "eth_getBlockByNumber");
            EthBlock.Block block = b.getBlock();
            out.add(
                    block == null
                            ? null
                            : new BlockHeader(
                                    block.getNumber().longValueExact(),
                                    block.getHash().toLowerCase(),
                                    block.getParentHash().toLowerCase(),
                                    block.getTimestamp().longValueExact()));
        }
        return out;
    }

    private List<BlockHeader> blocks(List<Long> numbers) throws IOException {
        List<BlockHeader> out = blocksOrNull(numbers);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) == null) {
                throw new IOException("block " + numbers.get(i) + " not available (chain moved?)");
            }
        }
        return out;
    }

    /** Logs of the followed events emitted by the contract in blocks {@code from..to}. */
    public List<Log> logs(long from, long to) throws IOException {
        EthFilter filter = new EthFilter(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)),
                contract);
        filter.addOptionalTopics(
                ProtocolStateEvents.EPOCH_RELEASED_TOPIC,
                ProtocolStateEvents.SLOT_UPDATED_TOPIC,
                ProtocolStateEvents.DAY_STARTED_TOPIC,
                ProtocolStateEvents.QUOTA_UPDATED_TOPIC,
                ProtocolStateEvents.DAY_SIZE_UPDATED_TOPIC);
        EthLog r = check(web3j.ethGetLogs(filter).send(), "eth_getLogs");
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> lr : r.getLogs()) {
            if (lr.get() instanceof Log log) {
                logs.add(log);
            }
        }
        return logs;
    }

    /**
     * {@code [snapshotSubmissionWindow(dm), batchSubmissionWindow(dm)]} as of {@code block}. A node that no longer
     * holds the state of that block (not an archive node, and the block is older than its state history) is asked for
     * the latest values instead; {@link #windowFallbacks()} counts how often.
     */
    public long[] windows(String dataMarket, long block) throws IOException {
        try {
            return windowsAt(dataMarket, DefaultBlockParameter.valueOf(BigInteger.valueOf(block)));
        } catch (StateUnavailableException e) {
            windowFallbacks.incrementAndGet();
            return windowsAt(dataMarket, DefaultBlockParameterName.LATEST);
        }
    }

    /** How often {@link #windows} fell back to the latest state. */
    public long windowFallbacks() {
        return windowFallbacks.get();
    }

    private long[] windowsAt(String dataMarket, DefaultBlockParameter at) throws IOException {
        List<Type> a = call("snapshotSubmissionWindow", views.snapshotSubmissionWindow(dataMarket), at);
        List<Type> b = call("batchSubmissionWindow", views.batchSubmissionWindow(dataMarket), at);
        return new long[] {
            ((BigInteger) a.get(0).getValue()).longValueExact(),
            ((BigInteger) b.get(0).getValue()).longValueExact()
        };
    }

    /** The node answered a call at an old block with an error: it does not keep that block's state. */
    public static final class StateUnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        StateUnavailableException(String message) {
            super(message);
        }
    }

    /** The slot's snapshotter and active flag as of {@code block} (zero address and inactive for an unknown slot). */
    public SlotState slot(long slotId, long block) throws IOException {
        List<Type> v = call(
                "nodeInfo",
                views.nodeInfo(BigInteger.valueOf(slotId)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(block)));
        NodeInfo node = (NodeInfo) v.get(0);
        return new SlotState(node.snapshotterAddress.toLowerCase(), node.active);
    }

    private List<Type> call(String name, RemoteFunctionCall<?> f, DefaultBlockParameter at) throws IOException {
        EthCall r = web3j.ethCall(Transaction.createEthCallTransaction(null, contract, f.encodeFunctionCall()), at)
                .send();
        if (r.hasError()) {
            String what = "eth_call " + name + " at " + at.getValue() + ": "
                    + r.getError().getCode() + " " + r.getError().getMessage();
            if (at instanceof DefaultBlockParameterName) {
                throw new IOException(what);
            }
            throw new StateUnavailableException(what);
        }
        List<Type> v = f.decodeFunctionResponse(r.getValue());
        if (v.isEmpty()) {
            throw new IOException("eth_call " + name + " at " + at.getValue() + " returned no data (wrong contract?)");
        }
        return v;
    }

    private static <R extends Response<?>> R check(R r, String what) throws IOException {
        if (r == null) {
            throw new IOException(what + ": no answer");
        }
        if (r.hasError()) {
            throw new IOException(what + " failed: " + r.getError().getCode() + " "
                    + r.getError().getMessage());
        }
        return r;
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
