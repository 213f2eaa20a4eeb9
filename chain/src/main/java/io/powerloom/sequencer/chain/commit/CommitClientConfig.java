package io.powerloom.sequencer.chain.commit;

import java.io.Serializable;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@link BatchCommitClient} needs, Serializable so that a Flink job can ship it to its tasks and create the
 * client in {@code open()}.
 *
 * <p>It holds no key material: signer keys are read when the client starts, from files ({@link #signerKeyFiles}, one
 * hex private key per file) or environment variables ({@link #signerKeyEnvVars}, their names). {@link #toString()}
 * also hides the RPC URL's path and query, which often carry an API key.
 *
 * @param rpcUrl                 JSON-RPC endpoint of the protocol chain
 * @param chainId                chain id, or 0 to ask the endpoint
 * @param protocolStateAddress   the protocol-state contract
 * @param signerKeyFiles         files with one hex private key each
 * @param signerKeyEnvVars       names of environment variables holding one hex private key each
 * @param priorityFeeWei         EIP-1559 priority fee (tip) of a first attempt
 * @param baseFeeMultiplier      max fee = latest base fee × this + priority fee
 * @param feeBumpPercent         fee increase of a replacement (same nonce); at least 10 (nodes demand +10%)
 * @param maxFeeBumps            replacements per commit before it only waits
 * @param gasLimitMultiplier     gas limit = estimate × this
 * @param gasPerProject          0: estimate every batch's gas first (as production does); above 0: a batch's first
 *                               attempt skips the estimate and sends with gas limit
 *                               {@value #BATCH_BASE_GAS} + projects × this (a revert is then estimated, for its reason)
 * @param learnGas               with {@code gasPerProject} 0: once a batch commit has mined, later batches skip the
 *                               estimate and take a limit from the gas per calldata byte learned from the receipts
 *                               (see {@link GasModel}); false: estimate every batch, as production does
 * @param receiptPollInterval    how often receipts are polled
 * @param stuckAfter             no receipt for this long: send a replacement with bumped fees
 * @param commitTimeout          give up a commit (retryably) after this long
 * @param rpcRetryInitialBackoff first pause after a transient RPC failure (doubles up to {@link #rpcRetryMaxBackoff})
 * @param rpcRetryMaxBackoff     longest pause between RPC retries
 * @param rpcPatience            a step fails with {@link CommitException.Reason#RPC_UNAVAILABLE} after this long
 * @param maxConcurrentCommits   commits worked on at once (the client's own threads)
 * @param httpTimeout            connect/read timeout of one RPC call
 */
public record CommitClientConfig(
        String rpcUrl,
        long chainId,
        String protocolStateAddress,
        List<String> signerKeyFiles,
        List<String> signerKeyEnvVars,
        BigInteger priorityFeeWei,
        double baseFeeMultiplier,
        int feeBumpPercent,
        int maxFeeBumps,
        double gasLimitMultiplier,
        long gasPerProject,
        boolean learnGas,
        Duration receiptPollInterval,
        Duration stuckAfter,
        Duration commitTimeout,
        Duration rpcRetryInitialBackoff,
        Duration rpcRetryMaxBackoff,
        Duration rpcPatience,
        int maxConcurrentCommits,
        Duration httpTimeout)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Gas of a batch commit besides its projects (intrinsic gas, calldata head, event, bookkeeping). */
    public static final long BATCH_BASE_GAS = 300_000;

    public CommitClientConfig {
        Objects.requireNonNull(rpcUrl, "rpcUrl");
        Objects.requireNonNull(protocolStateAddress, "protocolStateAddress");
        signerKeyFiles = new ArrayList<>(Objects.requireNonNullElse(signerKeyFiles, List.of()));
        signerKeyEnvVars = new ArrayList<>(Objects.requireNonNullElse(signerKeyEnvVars, List.of()));
        if (signerKeyFiles.isEmpty() && signerKeyEnvVars.isEmpty()) {
            throw new IllegalArgumentException("no signer: set signerKeyFiles or signerKeyEnvVars");
        }
        Objects.requireNonNull(priorityFeeWei, "priorityFeeWei");
        if (priorityFeeWei.signum() < 0) {
            throw new IllegalArgumentException("priorityFeeWei must be >= 0");
        }
        if (baseFeeMultiplier < 1.0) {
            throw new IllegalArgumentException("baseFeeMultiplier must be >= 1, got " + baseFeeMultiplier);
        }
        if (feeBumpPercent < 10) {
            throw new IllegalArgumentException(
                    "feeBumpPercent must be >= 10 (nodes refuse smaller replacements), got " + feeBumpPercent);
        }
        if (gasPerProject < 0) {
            throw new IllegalArgumentException("gasPerProject must be >= 0 (0 = estimate), got " + gasPerProject);
        }
        if (maxFeeBumps < 0 || maxConcurrentCommits < 1 || gasLimitMultiplier < 1.0) {
            throw new IllegalArgumentException(
                    "maxFeeBumps >= 0, maxConcurrentCommits >= 1, gasLimitMultiplier >= 1 required");
        }
        for (Duration d : new Duration[] {
            receiptPollInterval,
            stuckAfter,
            commitTimeout,
            rpcRetryInitialBackoff,
            rpcRetryMaxBackoff,
            rpcPatience,
            httpTimeout
        }) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive");
            }
        }
    }

    /** A builder with the defaults described on each setter. */
    public static Builder builder(String rpcUrl, String protocolStateAddress) {
        return new Builder(rpcUrl, protocolStateAddress);
    }

    @Override
    public List<String> signerKeyFiles() {
        return List.copyOf(signerKeyFiles);
    }

    @Override
    public List<String> signerKeyEnvVars() {
        return List.copyOf(signerKeyEnvVars);
    }

    /** Never prints key material (there is none here) nor the RPC URL's path/query (API keys live there). */
    @Override
    public String toString() {
        return "CommitClientConfig[rpc=" + redactUrl(rpcUrl) + ", chainId=" + chainId
                + ", protocolState=" + protocolStateAddress
                + ", signers=" + signerKeyFiles.size() + " key files + env " + signerKeyEnvVars
                + ", priorityFeeWei=" + priorityFeeWei + ", baseFeeMultiplier=" + baseFeeMultiplier
                + ", feeBumpPercent=" + feeBumpPercent + ", maxFeeBumps=" + maxFeeBumps
                + ", stuckAfter=" + stuckAfter + ", commitTimeout=" + commitTimeout
                + ", rpcPatience=" + rpcPatience + ", maxConcurrentCommits=" + maxConcurrentCommits + "]";
    }

    static String redactUrl(String url) {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) {
                return "<unparsable url>";
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                    + ((u.getRawPath() != null && u.getRawPath().length() > 1) || u.getRawQuery() != null ? "/…" : "");
        } catch (IllegalArgumentException e) {
            return "<unparsable url>";
        }
    }

    /** Builder for {@link CommitClientConfig}. */
    public static final class Builder {
        private final String rpcUrl;
        private final String protocolStateAddress;
        private long chainId = 0;
        private final List<String> keyFiles = new ArrayList<>();
        private final List<String> keyEnvVars = new ArrayList<>();
        private BigInteger priorityFeeWei = BigInteger.valueOf(1_000_000_000L);
        private double baseFeeMultiplier = 2.0;
        private int feeBumpPercent = 20;
        private int maxFeeBumps = 5;
        private double gasLimitMultiplier = 1.25;
        private long gasPerProject = 0;
        private boolean learnGas = true;
        private Duration receiptPollInterval = Duration.ofMillis(250);
        private Duration stuckAfter = Duration.ofSeconds(30);
        private Duration commitTimeout = Duration.ofMinutes(10);
        private Duration rpcRetryInitialBackoff = Duration.ofMillis(200);
        private Duration rpcRetryMaxBackoff = Duration.ofSeconds(5);
        private Duration rpcPatience = Duration.ofMinutes(2);
        private int maxConcurrentCommits = 32;
        private Duration httpTimeout = Duration.ofSeconds(20);

        private Builder(String rpcUrl, String protocolStateAddress) {
            this.rpcUrl = rpcUrl;
            this.protocolStateAddress = protocolStateAddress;
        }

        /** Default 0: ask the endpoint. */
        public Builder chainId(long v) {
            chainId = v;
            return this;
        }
        /** Adds a file holding one hex private key. */
        public Builder signerKeyFile(String path) {
            keyFiles.add(path);
            return this;
        }
        /** Adds the name of an environment variable holding one hex private key. */
        public Builder signerKeyEnvVar(String name) {
            keyEnvVars.add(name);
            return this;
        }
        /** Default 1 gwei. */
        public Builder priorityFeeWei(BigInteger v) {
            priorityFeeWei = v;
            return this;
        }
        /** Default 2.0. */
        public Builder baseFeeMultiplier(double v) {
            baseFeeMultiplier = v;
            return this;
        }
        /** Default 20 (%), at least 10. */
        public Builder feeBumpPercent(int v) {
            feeBumpPercent = v;
            return this;
        }
        /** Default 5. */
        public Builder maxFeeBumps(int v) {
            maxFeeBumps = v;
            return this;
        }
        /** Default 1.25. */
        public Builder gasLimitMultiplier(double v) {
            gasLimitMultiplier = v;
            return this;
        }
        /** Default 0: no fixed gas per project (the limit is learned or estimated, see {@link #learnGas}). */
        public Builder gasPerProject(long v) {
            gasPerProject = v;
            return this;
        }
        /** Default true: estimate batches only until one has mined, then use the learned gas per calldata byte. */
        public Builder learnGas(boolean v) {
            learnGas = v;
            return this;
        }
        /** Default 250 ms. */
        public Builder receiptPollInterval(Duration v) {
            receiptPollInterval = v;
            return this;
        }
        /** Default 30 s. */
        public Builder stuckAfter(Duration v) {
            stuckAfter = v;
            return this;
        }
        /** Default 10 min. */
        public Builder commitTimeout(Duration v) {
            commitTimeout = v;
            return this;
        }
        /** Default 200 ms. */
        public Builder rpcRetryInitialBackoff(Duration v) {
            rpcRetryInitialBackoff = v;
            return this;
        }
        /** Default 5 s. */
        public Builder rpcRetryMaxBackoff(Duration v) {
            rpcRetryMaxBackoff = v;
            return this;
        }
        /** Default 2 min. */
        public Builder rpcPatience(Duration v) {
            rpcPatience = v;
            return this;
        }
        /** Default 32. */
        public Builder maxConcurrentCommits(int v) {
            maxConcurrentCommits = v;
            return this;
        }
        /** Default 20 s. */
        public Builder httpTimeout(Duration v) {
            httpTimeout = v;
            return this;
        }

        public CommitClientConfig build() {
            return new CommitClientConfig(
                    rpcUrl,
                    chainId,
                    protocolStateAddress,
                    keyFiles,
                    keyEnvVars,
                    priorityFeeWei,
                    baseFeeMultiplier,
                    feeBumpPercent,
                    maxFeeBumps,
                    gasLimitMultiplier,
                    gasPerProject,
                    learnGas,
                    receiptPollInterval,
                    stuckAfter,
                    commitTimeout,
                    rpcRetryInitialBackoff,
                    rpcRetryMaxBackoff,
                    rpcPatience,
                    maxConcurrentCommits,
                    httpTimeout);
        }
    }
}
