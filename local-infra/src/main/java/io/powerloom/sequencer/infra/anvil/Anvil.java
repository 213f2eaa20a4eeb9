package io.powerloom.sequencer.infra.anvil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.NodeTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Anvil dev chain (the binary from the pinned npm package) in its own process, on a free loopback port.
 *
 * <p>Start one with {@link #builder()}; it is ready when {@link Builder#start()} returns (its JSON-RPC answered
 * {@code eth_chainId}). The funded dev accounts (Anvil's standard mnemonic) are read from Anvil's
 * {@code --config-out} file. Test helpers wrap Anvil's and Ganache's dev RPC methods: {@link #mine(long)},
 * {@link #snapshot()} and {@link #revert(String)} (rewind the chain, e.g. to make a reorg), and
 * {@link #setAutomine(boolean)}. {@link #close()} stops the process and deletes its files. Long benchmarks use
 * {@link Builder#skipStateRoot(boolean)}: Anvil's per-block state root costs time in proportion to all storage.
 */
public final class Anvil implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Anvil.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path workDir;
    private final int port;
    private final long chainId;
    private final List<String> privateKeys;
    private final List<String> addresses;
    private final AnvilRpc rpc;
    private final Thread killOnExit;
    /** The idle Anvil this one forks (see {@link Builder#skipStateRoot(boolean)}), or null. */
    private final Anvil upstream;

    private Anvil(
            Process process,
            Path workDir,
            int port,
            long chainId,
            List<String> privateKeys,
            List<String> addresses,
            Anvil upstream) {
        this.process = process;
        this.upstream = upstream;
        this.workDir = workDir;
        this.port = port;
        this.chainId = chainId;
        this.privateKeys = List.copyOf(privateKeys);
        this.addresses = List.copyOf(addresses);
        this.rpc = new AnvilRpc(rpcUrl());
        // a test JVM that dies without close() must not leave Anvil running
        this.killOnExit = new Thread(process::destroyForcibly, "anvil-" + port + "-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** A builder with chain id 31337, 10 accounts, instant mining (a block per transaction). */
    public static Builder builder() {
        return new Builder();
    }

    /** HTTP JSON-RPC endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The TCP port Anvil listens on (loopback only). */
    public int port() {
        return port;
    }

    /** The chain id Anvil reports ({@code eth_chainId}) and signs with. */
    public long chainId() {
        return chainId;
    }

    /** Private keys (0x-hex) of the funded dev accounts, in Anvil's order. */
    public List<String> privateKeys() {
        return privateKeys;
    }

    /** Private key (0x-hex) of dev account {@code index}. */
    public String privateKey(int index) {
        return privateKeys.get(index);
    }

    /** Checksummed addresses of the funded dev accounts, same order as {@link #privateKeys()}. */
    public List<String> addresses() {
        return addresses;
    }

    /** Address of dev account {@code index}. */
    public String address(int index) {
        return addresses.get(index);
    }

    /** The raw JSON-RPC client of this chain, for methods without a helper here. */
    public AnvilRpc rpc() {
        return rpc;
    }

    /** Current block number ({@code eth_blockNumber}). */
    public long blockNumber() {
        return AnvilRpc.quantity(rpc.call("eth_blockNumber"));
    }

    /** Mines {@code blocks} empty blocks at once ({@code anvil_mine}). */
    public void mine(long blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be at least 1, got " + blocks);
        }
        rpc.call("anvil_mine", "0x" + Long.toHexString(blocks));
    }

    /** Takes a snapshot of the chain state ({@code evm_snapshot}); returns its id for {@link #revert(String)}. */
    public String snapshot() {
        return rpc.call("evm_snapshot").asText();
    }

    /**
     * Rewinds the chain to a snapshot ({@code evm_revert}); blocks mined after it are dropped, so mining again
     * produces a different branch (a reorg for anyone who saw the dropped blocks). A snapshot can be used once.
     *
     * @return whether Anvil knew the snapshot
     */
    public boolean revert(String snapshotId) {
        return rpc.call("evm_revert", snapshotId).asBoolean();
    }

    /** Turns mining per transaction on or off ({@code evm_setAutomine}). */
    public void setAutomine(boolean enabled) {
        rpc.call("evm_setAutomine", enabled);
    }

    /** Whether the Anvil process is still running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops Anvil and deletes its working folder. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it stops the process
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteQuietly(workDir);
        if (upstream != null) {
            upstream.close();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }

    /** Options for a new Anvil process. */
    public static final class Builder {
        private long chainId = 31337;
        private Integer blockTimeSeconds;
        private Long gasLimit;
        private boolean pruneHistory;
        private boolean skipStateRoot;
        private int accounts = 10;
        private Duration startTimeout = Duration.ofSeconds(20);

        private Builder() {}

        /** Chain id (default 31337). */
        public Builder chainId(long chainId) {
            if (chainId < 1) {
                throw new IllegalArgumentException("chain id must be positive, got " + chainId);
            }
            this.chainId = chainId;
            return this;
        }

        /** Block gas limit ({@code --gas-limit}); Anvil's default is 30M, too little for big batches in benchmarks. */
        public Builder gasLimit(long gas) {
            if (gas < 21_000) {
                throw new IllegalArgumentException("gas limit too small: " + gas);
            }
            this.gasLimit = gas;
            return this;
        }

        /**
         * Keep no historical states ({@code --prune-history}): a long benchmark's state stays small, but calls against
         * old blocks then fail (use the latest block).
         */
        public Builder pruneHistory(boolean prune) {
            this.pruneHistory = prune;
            return this;
        }

        /**
         * Leave the state root out of every block ({@code false} by default).
         *
         * <p>Anvil's in-memory chain computes each block's state root from scratch, over every storage slot of every
         * account, every block, empty or not (docs/benchmarks.md, "Anvil's state root", has the cost). A contract
         * that has stored a few epochs of 10,000-project batches so keeps part of a core busy and stalls the RPC while
         * it hashes, a cost that grows with history. Production clients update the root incrementally, per changed
         * slot.
         *
         * <p>With this option Anvil runs forked from a second, idle Anvil (same chain id and accounts, closed with this
         * one). A forked Anvil reports a zero state root and skips the computation; it executes, mines, and answers
         * every other call the same way. Contracts deployed after the fork keep all their storage in the forked node.
         */
        public Builder skipStateRoot(boolean skip) {
            this.skipStateRoot = skip;
            return this;
        }

        /** Mine a block every {@code seconds} seconds instead of one per transaction. */
        public Builder blockTimeSeconds(int seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("block time must be at least 1 s, got " + seconds);
            }
            this.blockTimeSeconds = seconds;
            return this;
        }

        /** Number of funded dev accounts (default 10). */
        public Builder accounts(int accounts) {
            if (accounts < 1) {
                throw new IllegalArgumentException("accounts must be at least 1, got " + accounts);
            }
            this.accounts = accounts;
            return this;
        }

        /** How long to wait for the JSON-RPC to answer (default 20 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Starts Anvil and waits until it answers.
         *
         * @throws AnvilException when the binary is missing, the process exits, or it does not answer in time
         */
        public Anvil start() {
            Anvil upstream = null;
            if (skipStateRoot) {
                upstream = new Builder()
                        .chainId(chainId)
                        .accounts(accounts)
                        .startTimeout(startTimeout)
                        .start();
            }
            try {
                return start(upstream);
            } catch (RuntimeException e) {
                if (upstream != null) {
                    upstream.close();
                }
                throw e;
            }
        }

        private Anvil start(Anvil upstream) {
            Path workDir;
            try {
                workDir = Files.createTempDirectory("anvil-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a working folder for Anvil", e);
            }
            // a port taken between FreePorts.next() and Anvil's bind makes Anvil exit: try a few ports
            AnvilException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    return startOnce(workDir, FreePorts.next(), upstream);
                } catch (AnvilException e) {
                    last = e;
                    LOG.warn("Anvil did not start (attempt {}): {}", attempt + 1, e.getMessage());
                }
            }
            deleteQuietly(workDir);
            throw last;
        }

        private Anvil startOnce(Path workDir, int port, Anvil upstream) {
            Path config = workDir.resolve("anvil-config-" + port + ".json");
            Path log = workDir.resolve("anvil-" + port + ".log");
            List<String> command = new ArrayList<>(List.of(
                    NodeTools.anvil().toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--chain-id",
                    Long.toString(chainId),
                    "--accounts",
                    Integer.toString(accounts),
                    "--config-out",
                    config.toString()));
            if (upstream != null) {
                command.add("--fork-url");
                command.add(upstream.rpcUrl());
            }
            if (pruneHistory) {
                command.add("--prune-history");
            }
            if (gasLimit != null) {
                command.add("--gas-limit");
                command.add(Long.toString(gasLimit));
            }
            if (blockTimeSeconds != null) {
                command.add("--block-time");
                command.add(Integer.toString(blockTimeSeconds));
            }
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new AnvilException("cannot start " + command.get(0), e);
            }
            try {
                AnvilRpc rpc = new AnvilRpc("http://127.0.0.1:" + port);
                long deadline = System.nanoTime() + startTimeout.toNanos();
                while (true) {
                    if (!process.isAlive()) {
                        throw new AnvilException("Anvil exited with " + process.exitValue() + ": " + tail(log));
                    }
                    if (Files.isRegularFile(config) && rpc.answers()) {
                        long reported = AnvilRpc.quantity(rpc.call("eth_chainId"));
                        if (reported != chainId) {
                            throw new AnvilException("Anvil reports chain id " + reported + ", asked for " + chainId);
                        }
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AnvilException("Anvil did not answer on port " + port + " within " + startTimeout);
                    }
                    Thread.sleep(20);
                }
                JsonNode cfg = JSON.readTree(config.toFile());
                List<String> keys = new ArrayList<>();
                cfg.path("private_keys").forEach(k -> keys.add(k.asText()));
                List<String> addrs = new ArrayList<>();
                cfg.path("available_accounts").forEach(a -> addrs.add(a.asText()));
                if (keys.size() != accounts || addrs.size() != accounts) {
                    throw new AnvilException("unexpected --config-out content in " + config);
                }
                LOG.info(
                        "Anvil up on 127.0.0.1:{} (chain id {}{})",
                        port,
                        chainId,
                        upstream == null ? "" : ", forked from " + upstream.rpcUrl() + ", no state root");
                return new Anvil(process, workDir, port, chainId, keys, addrs, upstream);
            } catch (IOException e) {
                process.destroyForcibly();
                throw new AnvilException("cannot read Anvil's config " + config, e);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AnvilException("interrupted while starting Anvil", e);
            } catch (RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        }

        private static String tail(Path log) {
            try {
                String text = Files.readString(log);
                return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
            } catch (IOException e) {
                return "(no log)";
            }
        }
    }
}
