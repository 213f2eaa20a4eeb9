package io.powerloom.sequencer.chain.commit;

import io.powerloom.sequencer.chain.commit.CommitException.Reason;
import io.powerloom.sequencer.chain.commit.SignerPool.Signer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * Sends transactions to the protocol-state contract and waits for their receipts: what the commit logic of
 * {@link BatchCommitClient} stands on, knowing nothing of batches or counts.
 *
 * <p><b>Signers and nonces:</b> the {@link SignerPool}'s accounts, each with its locally tracked nonce, fetched from the
 * chain (pending) on a signer's first transaction and again whenever the node says the nonce was used ("nonce too
 * low") or a transaction not ours took it.
 *
 * <p><b>Fees:</b> EIP-1559, max fee = latest base fee × {@code baseFeeMultiplier} + priority fee; the latest block comes
 * from one shared poll ({@link BlockTicker}), which also paces the receipt look-ups (once per new block).
 *
 * <p><b>Replacement:</b> a transaction without receipt after {@code stuckAfter} is re-signed with the same nonce and
 * fees +{@code feeBumpPercent}% (at least the current fees), up to {@code maxFeeBumps} times, then re-broadcast as is.
 * An "underpriced" answer bumps at once. A version that the node refuses outright has its nonce filled with a no-op so
 * that the signer's later nonces can mine.
 *
 * <p><b>Idempotent by transaction hash:</b> the hash of every version signed for a nonce is kept, and a receipt of any of
 * them is the answer, so a replacement racing its predecessor's mining never sends the work twice.
 *
 * <p><b>RPC retry:</b> transport failures are retried with back-off for {@code rpcPatience} ({@link RpcRetry}).
 */
final class TransactionSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionSender.class);

    private final CommitClientConfig config;
    private final Web3j web3j;
    private final SignerPool signers;
    private final RpcRetry rpc;
    private final CommitMetrics metrics;
    private final BlockTicker blocks;
    private volatile long chainId;

    TransactionSender(CommitClientConfig config, SignerPool signers, CommitMetrics metrics) {
        this.config = config;
        this.signers = signers;
        this.metrics = metrics;
        long timeoutMs = config.httpTimeout().toMillis();
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .writeTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .build();
        this.web3j = Web3j.build(new HttpService(config.rpcUrl(), http));
        this.rpc = new RpcRetry(
                config.rpcRetryInitialBackoff(),
                config.rpcRetryMaxBackoff(),
                config.rpcPatience(),
                metrics.rpcRetries::incrementAndGet);
        this.chainId = config.chainId();
        this.blocks = new BlockTicker(config.receiptPollInterval(), () -> {
            EthBlock latest = rpc.send(
                    "eth_getBlockByNumber",
                    () -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                            .send());
            if (latest.hasError() || latest.getBlock() == null) {
                throw new CommitException(
                        Reason.RPC_UNAVAILABLE,
                        "latest block not available"
                                + (latest.hasError() ? ": " + latest.getError().getMessage() : ""));
            }
            BigInteger base = Optional.ofNullable(latest.getBlock().getBaseFeePerGasRaw())
                    .map(Numeric::decodeQuantity)
                    .orElse(BigInteger.ZERO);
            return new BlockTicker.Head(latest.getBlock().getNumber().longValueExact(), base);
        });
    }

    /** The JSON-RPC client, for the commit logic's view reads. */
    Web3j web3j() {
        return web3j;
    }

    /** Transport retry with back-off, for the commit logic's view reads. */
    RpcRetry rpc() {
        return rpc;
    }

    /** Lower-case addresses of the signer accounts. */
    List<String> signerAddresses() {
        return signers.addresses();
    }

    /** The least busy signer; {@link Signer#release() release} it when the transaction is done. */
    Signer acquire() {
        return signers.acquire();
    }

    /** The account's transaction count at {@code block} (latest: mined; pending: with the node's pool). */
    long transactionCount(String address, DefaultBlockParameterName block) throws CommitException {
        var r = rpc.send(
                "eth_getTransactionCount",
                () -> web3j.ethGetTransactionCount(address, block).send());
        if (r.hasError()) {
            throw new CommitException(
                    Reason.RPC_UNAVAILABLE,
                    "eth_getTransactionCount: " + r.getError().getMessage());
        }
        return r.getTransactionCount().longValueExact();
    }

    /** {@code eth_estimateGas} of a call of the contract by {@code signer}; the node's error (a revert) is in the answer. */
    EthEstimateGas estimateGas(Signer signer, String data) throws CommitException {
        return rpc.send(
                "eth_estimateGas",
                () -> web3j.ethEstimateGas(Transaction.createEthCallTransaction(
                                signer.address(), config.protocolStateAddress(), data))
                        .send());
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    // ------------------------------------------------------------------------------------------ decisions

    /** What a node's answer to {@code eth_sendRawTransaction} means for the sender. */
    enum SendOutcome {
        ACCEPTED,
        UNDERPRICED,
        REPLACEMENT_UNDERPRICED,
        NONCE_USED,
        REFUSED
    }

    /** Classifies a node's error message for {@code eth_sendRawTransaction} (geth, Anvil and their kin). */
    static SendOutcome classify(String errorMessage) {
        String msg = String.valueOf(errorMessage).toLowerCase();
        if (msg.contains("already known") || msg.contains("known transaction") || msg.contains("already imported")) {
            return SendOutcome.ACCEPTED; // a retry of a send that reached the node
        }
        if (msg.contains("nonce too low") || msg.contains("nonce has already been used")) {
            return SendOutcome.NONCE_USED;
        }
        if (msg.contains("replacement")) {
            return SendOutcome.REPLACEMENT_UNDERPRICED;
        }
        if (msg.contains("underpriced")) {
            return SendOutcome.UNDERPRICED;
        }
        return SendOutcome.REFUSED;
    }

    /**
     * After "nonce too low" without a receipt of ours: whether the nonce went to a transaction not ours, so the work
     * must start over with a fresh nonce. True when only one version was signed (nothing earlier of ours can hold the
     * nonce) or the chain has mined past the nonce; otherwise an earlier version of ours may still mine.
     */
    static boolean nonceTakenByOther(int versionsSigned, long minedCount, long nonce) {
        return versionsSigned == 1 || minedCount > nonce;
    }

    /** EIP-1559 fees of a transaction. */
    record Fees(BigInteger maxPriority, BigInteger maxFee) {
        /** Fees from a base fee: max fee = base × multiplier + priority. */
        static Fees of(BigInteger baseFee, double baseFeeMultiplier, BigInteger priority) {
            BigInteger maxFee = new BigDecimal(baseFee)
                    .multiply(BigDecimal.valueOf(baseFeeMultiplier))
                    .toBigInteger()
                    .add(priority);
            return new Fees(priority, maxFee);
        }

        /**
         * Both fees raised by {@code percent} (rounded up) and at least {@code floor} (the current fees); the max
         * fee is never below the priority fee.
         */
        Fees bump(int percent, Fees floor) {
            BigInteger p = maxPriority
                    .multiply(BigInteger.valueOf(100L + percent))
                    .add(BigInteger.valueOf(99))
                    .divide(BigInteger.valueOf(100));
            BigInteger m = maxFee.multiply(BigInteger.valueOf(100L + percent))
                    .add(BigInteger.valueOf(99))
                    .divide(BigInteger.valueOf(100));
            return new Fees(p.max(floor.maxPriority), m.max(floor.maxFee).max(p));
        }
    }

    // ------------------------------------------------------------------------------------------ transactions

    /** The receipt of a version of ours (null: the nonce went to a transaction not ours), and versions signed. */
    record Sent(TransactionReceipt receipt, int signed) {}

    /** Fees from the latest block's base fee (the shared head, at most one poll interval old). */
    private Fees currentFees(BigInteger priority) throws CommitException {
        return Fees.of(blocks.head().baseFee(), config.baseFeeMultiplier(), priority);
    }

    private long chainId() throws CommitException {
        long id = chainId;
        if (id == 0) {
            var r = rpc.send("eth_chainId", () -> web3j.ethChainId().send());
            if (r.hasError()) {
                throw new CommitException(
                        Reason.RPC_UNAVAILABLE, "eth_chainId: " + r.getError().getMessage());
            }
            id = r.getChainId().longValueExact();
            chainId = id;
        }
        return id;
    }

    /** Transactions of the signer already mined (its nonce at the latest block). */
    private long minedNonceCount(Signer signer) throws CommitException {
        return transactionCount(signer.address(), DefaultBlockParameterName.LATEST);
    }

    private void resync(Signer signer) throws CommitException {
        signer.resync(transactionCount(signer.address(), DefaultBlockParameterName.PENDING));
    }

    /**
     * Signs a call of the contract with the signer's next nonce, broadcasts and polls for a receipt, replacing the
     * transaction with higher fees when it is stuck. Returns a null receipt when the nonce turned out to be used by a
     * transaction not ours. {@code start}: when the commit began ({@link System#nanoTime()}), for its time-out.
     */
    Sent sendAndAwait(Signer signer, String data, BigInteger gasLimit, long start) throws CommitException {
        if (!signer.nonceKnown()) {
            resync(signer);
        }
        long cid = chainId();
        long nonce = signer.allocateNonce();
        Fees fees = currentFees(config.priorityFeeWei());
        List<String> hashes = new ArrayList<>();
        int signed = 0;
        int bumps = 0;
        String raw = null;
        long lastSend = 0;
        long deadline = start + config.commitTimeout().toNanos();
        boolean mustSend = true;
        long checkedBlock = blocks.latest(); // a transaction sent now is mined in a later block
        while (true) {
            if (mustSend) {
                raw = sign(signer, cid, nonce, gasLimit, data, fees);
                hashes.add(Hash.sha3(raw));
                signed++;
                mustSend = false;
            }
            if (raw != null) {
                SendOutcome outcome = broadcast(raw);
                lastSend = System.nanoTime();
                switch (outcome) {
                    case ACCEPTED -> {
                        raw = null;
                        if (LOG.isDebugEnabled()) {
                            LOG.debug(
                                    "nonce {} sent, {} ms after the commit began",
                                    nonce,
                                    since(start).toMillis());
                        }
                    }
                    case REPLACEMENT_UNDERPRICED -> {
                        if (signed == 1) {
                            // our first version met a pending transaction not ours with this nonce (another process
                            // with the same key): do not fight over it, take a fresh nonce
                            metrics.nonceResyncs.incrementAndGet();
                            resync(signer);
                            return new Sent(null, signed);
                        }
                        fees = fees.bump(config.feeBumpPercent(), currentFees(config.priorityFeeWei()));
                        metrics.feeBumps.incrementAndGet();
                        mustSend = true;
                        continue;
                    }
                    case UNDERPRICED -> {
                        fees = fees.bump(config.feeBumpPercent(), currentFees(config.priorityFeeWei()));
                        metrics.feeBumps.incrementAndGet();
                        mustSend = true;
                        continue;
                    }
                    case NONCE_USED -> {
                        long mined = minedNonceCount(signer);
                        TransactionReceipt mine = findReceipt(hashes);
                        if (mine != null) {
                            return new Sent(mine, signed);
                        }
                        metrics.nonceResyncs.incrementAndGet();
                        resync(signer);
                        if (nonceTakenByOther(signed, mined, nonce)) {
                            return new Sent(null, signed); // used by a transaction not ours: start over
                        }
                        raw = null; // an earlier version of ours may still be mined; keep polling
                    }
                    case REFUSED -> {
                        raw = null;
                        if (signed == 1) {
                            // nothing of ours holds this nonce: fill it so that later nonces of the signer can mine
                            fillNonceGap(signer, cid, nonce, fees);
                            throw new CommitException(
                                    Reason.REVERTED,
                                    "the node refused the transaction with nonce " + nonce + " of " + signer.address()
                                            + " (see log); the nonce was filled with a no-op");
                        }
                        // an earlier version is in the pool: keep waiting for it
                    }
                }
            }
            long head = blocks.latest();
            if (head > checkedBlock) { // look for the receipt once per new block
                TransactionReceipt receipt = findReceipt(hashes);
                if (receipt != null) {
                    return new Sent(receipt, signed);
                }
                checkedBlock = head;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new CommitException(
                        Reason.TIMEOUT,
                        "no receipt for nonce " + nonce + " of " + signer.address() + " after " + config.commitTimeout()
                                + " (" + hashes.size() + " versions sent)");
            }
            if (now - lastSend > config.stuckAfter().toNanos()) {
                long mined = minedNonceCount(signer);
                TransactionReceipt late = findReceipt(hashes);
                if (late != null) {
                    return new Sent(late, signed);
                }
                if (mined > nonce) {
                    // the nonce was mined, but not with a version of ours: another sender replaced it
                    metrics.nonceResyncs.incrementAndGet();
                    resync(signer);
                    return new Sent(null, signed);
                }
                if (bumps < config.maxFeeBumps()) {
                    bumps++;
                    metrics.feeBumps.incrementAndGet();
                    fees = fees.bump(config.feeBumpPercent(), currentFees(config.priorityFeeWei()));
                    LOG.info(
                            "nonce {} of {} stuck for {}; replacing with maxFee {} / priority {}",
                            nonce,
                            signer.address(),
                            config.stuckAfter(),
                            fees.maxFee,
                            fees.maxPriority);
                    mustSend = true;
                } else {
                    // re-broadcast the last version in case the node dropped it
                    raw = sign(signer, cid, nonce, gasLimit, data, fees);
                }
                continue;
            }
            RpcRetry.sleep(config.receiptPollInterval().toMillis());
        }
    }

    private String sign(Signer signer, long cid, long nonce, BigInteger gasLimit, String data, Fees fees) {
        RawTransaction tx = RawTransaction.createTransaction(
                cid,
                BigInteger.valueOf(nonce),
                gasLimit,
                config.protocolStateAddress(),
                BigInteger.ZERO,
                data,
                fees.maxPriority,
                fees.maxFee);
        return Numeric.toHexString(TransactionEncoder.signMessage(tx, signer.credentials()));
    }

    private SendOutcome broadcast(String raw) throws CommitException {
        EthSendTransaction r = rpc.send(
                "eth_sendRawTransaction", () -> web3j.ethSendRawTransaction(raw).send());
        metrics.transactionsSent.incrementAndGet();
        if (!r.hasError()) {
            return SendOutcome.ACCEPTED;
        }
        SendOutcome outcome = classify(r.getError().getMessage());
        if (outcome == SendOutcome.REFUSED) {
            LOG.warn("node refused a transaction: {}", r.getError().getMessage());
        }
        return outcome;
    }

    /** Sends a 0-value transfer to itself with the given nonce, so that the signer's nonces stay gap-free. */
    private void fillNonceGap(Signer signer, long cid, long nonce, Fees fees) {
        try {
            RawTransaction noop = RawTransaction.createTransaction(
                    cid,
                    BigInteger.valueOf(nonce),
                    BigInteger.valueOf(21_000),
                    signer.address(),
                    BigInteger.ZERO,
                    "0x",
                    fees.maxPriority,
                    fees.maxFee);
            String raw = Numeric.toHexString(TransactionEncoder.signMessage(noop, signer.credentials()));
            SendOutcome o = broadcast(raw);
            if (o != SendOutcome.ACCEPTED) {
                LOG.error("could not fill nonce {} of {} ({}); resynchronising", nonce, signer.address(), o);
                resync(signer);
            }
        } catch (CommitException e) {
            LOG.error("could not fill nonce {} of {}: {}", nonce, signer.address(), e.getMessage());
        }
    }

    /** The receipt of whichever of our versions (by hash) was mined; null if none yet. */
    private TransactionReceipt findReceipt(List<String> hashes) throws CommitException {
        for (String h : hashes) {
            EthGetTransactionReceipt r = rpc.send(
                    "eth_getTransactionReceipt",
                    () -> web3j.ethGetTransactionReceipt(h).send());
            if (!r.hasError() && r.getTransactionReceipt().isPresent()) {
                return r.getTransactionReceipt().get();
            }
        }
        return null;
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
