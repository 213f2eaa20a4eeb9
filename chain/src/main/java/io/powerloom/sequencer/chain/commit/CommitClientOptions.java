package io.powerloom.sequencer.chain.commit;

import io.powerloom.sequencer.config.Option;
import io.powerloom.sequencer.config.OptionSet;
import io.powerloom.sequencer.config.OptionValues;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/**
 * The commit client's settings as options of the one configuration scheme (keys under {@code sequencer.chain.}),
 * declared once here and listed by every process that runs a commit client (the Flink job's {@code SequencerConfig}).
 * The RPC URL and the contract are the shared {@code sequencer.chain.rpc-url} and {@code sequencer.chain.protocol-state}
 * of the process; {@link #builder} fills a {@link CommitClientConfig.Builder} from the rest.
 */
public final class CommitClientOptions {
    private CommitClientOptions() {}

    public static final Option<Long> CHAIN_ID = Option.longValue("sequencer.chain.id")
            .defaultValue(31337L)
            .atLeast(0)
            .description("Protocol chain id (EIP-712 domain).");
    public static final Option<List<String>> SIGNER_KEY_FILES = Option.list("sequencer.chain.signer-key-files")
            .defaultValue(List.of())
            .description("Files holding the sequencer signer private keys (hex).");
    public static final Option<List<String>> SIGNER_KEY_ENV_VARS = Option.list("sequencer.chain.signer-key-env-vars")
            .defaultValue(List.of())
            .description("Names of environment variables that each hold one signer private key (hex).");
    public static final Option<Duration> RECEIPT_POLL = Option.duration("sequencer.chain.receipt-poll-interval")
            .defaultValue(Duration.ofMillis(250))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("How often the commit client asks the node for its latest block; the receipts of waiting "
                    + "commits are looked up once per new block.");
    public static final Option<Boolean> LEARN_GAS = Option.bool("sequencer.chain.learn-gas")
            .defaultValue(true)
            .description("Estimate batch commits' gas only until one has been estimated; then send with the limit "
                    + "learned from estimates and receipts: (300,000 + the highest gas per calldata byte seen × the batch's calldata bytes) "
                    + "× 1.25. A revert is then estimated to learn its reason (E25/E43 count as done). Saves the node "
                    + "executing every batch (often several times) before it is sent, and a round trip. false: "
                    + "estimate every batch commit first, as production does.");
    public static final Option<Long> GAS_PER_PROJECT = Option.longValue("sequencer.chain.gas-per-project")
            .defaultValue(0L)
            .atLeast(0)
            .description("Above 0: a batch's first attempt is sent without an estimate, with gas limit 300,000 + "
                    + "projects × this (our contract uses about 96,000 per project; 120,000 leaves room); a revert "
                    + "is then estimated. 0: see `learn-gas`.");
    public static final Option<Integer> MAX_CONCURRENT_COMMITS = Option.integer(
                    "sequencer.chain.max-concurrent-commits")
            .defaultValue(128)
            .atLeast(1)
            .description("Commits the TaskManager's commit client works on at once (its own threads, shared by the "
                    + "anchor subtasks there); more wait for a free one. Keep it at least `max-in-flight` × the "
                    + "anchor subtasks per TaskManager.");
    public static final Option<Long> PRIORITY_FEE_WEI = Option.longValue("sequencer.chain.priority-fee-wei")
            .defaultValue(1_000_000_000L)
            .atLeast(0)
            .description("EIP-1559 priority fee (tip) of a first attempt, in wei.");
    public static final Option<Double> BASE_FEE_MULTIPLIER = Option.decimal("sequencer.chain.base-fee-multiplier")
            .defaultValue(2.0)
            .check(v -> v >= 1.0, "must be at least 1")
            .description("Max fee = latest base fee × this + priority fee.");
    public static final Option<Integer> FEE_BUMP_PERCENT = Option.integer("sequencer.chain.fee-bump-percent")
            .defaultValue(20)
            .atLeast(10)
            .description("Fee increase of a replacement (same nonce); at least 10 (nodes refuse smaller ones).");
    public static final Option<Integer> MAX_FEE_BUMPS = Option.integer("sequencer.chain.max-fee-bumps")
            .defaultValue(5)
            .atLeast(0)
            .description("Replacements per commit before it only waits.");
    public static final Option<Double> GAS_LIMIT_MULTIPLIER = Option.decimal("sequencer.chain.gas-limit-multiplier")
            .defaultValue(1.25)
            .check(v -> v >= 1.0, "must be at least 1")
            .description("Gas limit = estimate × this.");
    public static final Option<Duration> STUCK_AFTER = Option.duration("sequencer.chain.stuck-after")
            .defaultValue(Duration.ofSeconds(30))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("No receipt for this long: send a replacement with bumped fees.");
    public static final Option<Duration> RPC_RETRY_INITIAL_BACKOFF = Option.duration(
                    "sequencer.chain.rpc-retry-initial-backoff")
            .defaultValue(Duration.ofMillis(200))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("First pause after a transient RPC failure (doubles up to rpc-retry-max-backoff).");
    public static final Option<Duration> RPC_RETRY_MAX_BACKOFF = Option.duration(
                    "sequencer.chain.rpc-retry-max-backoff")
            .defaultValue(Duration.ofSeconds(5))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("Longest pause between RPC retries.");
    public static final Option<Duration> RPC_PATIENCE = Option.duration("sequencer.chain.rpc-patience")
            .defaultValue(Duration.ofMinutes(2))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("A commit step fails (retryably, RPC_UNAVAILABLE) after the node has not answered for this "
                    + "long.");
    public static final Option<Duration> HTTP_TIMEOUT = Option.duration("sequencer.chain.http-timeout")
            .defaultValue(Duration.ofSeconds(20))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("Connect/read time-out of one RPC call of the commit client.");

    /** Every option of the commit client, in declaration order. */
    public static final List<Option<?>> ALL = OptionSet.declaredIn(CommitClientOptions.class);

    /**
     * A builder for the commit client with every option of this class taken from {@code values}.
     *
     * @param rpcUrl               the process's {@code sequencer.chain.rpc-url}
     * @param protocolStateAddress the process's {@code sequencer.chain.protocol-state}
     */
    public static CommitClientConfig.Builder builder(OptionValues values, String rpcUrl, String protocolStateAddress) {
        CommitClientConfig.Builder b = CommitClientConfig.builder(rpcUrl, protocolStateAddress)
                .chainId(values.get(CHAIN_ID))
                .receiptPollInterval(values.get(RECEIPT_POLL))
                .gasPerProject(values.get(GAS_PER_PROJECT))
                .learnGas(values.get(LEARN_GAS))
                .maxConcurrentCommits(values.get(MAX_CONCURRENT_COMMITS))
                .priorityFeeWei(BigInteger.valueOf(values.get(PRIORITY_FEE_WEI)))
                .baseFeeMultiplier(values.get(BASE_FEE_MULTIPLIER))
                .feeBumpPercent(values.get(FEE_BUMP_PERCENT))
                .maxFeeBumps(values.get(MAX_FEE_BUMPS))
                .gasLimitMultiplier(values.get(GAS_LIMIT_MULTIPLIER))
                .stuckAfter(values.get(STUCK_AFTER))
                .rpcRetryInitialBackoff(values.get(RPC_RETRY_INITIAL_BACKOFF))
                .rpcRetryMaxBackoff(values.get(RPC_RETRY_MAX_BACKOFF))
                .rpcPatience(values.get(RPC_PATIENCE))
                .httpTimeout(values.get(HTTP_TIMEOUT));
        values.get(SIGNER_KEY_FILES).forEach(b::signerKeyFile);
        values.get(SIGNER_KEY_ENV_VARS).forEach(b::signerKeyEnvVar);
        return b;
    }
}
