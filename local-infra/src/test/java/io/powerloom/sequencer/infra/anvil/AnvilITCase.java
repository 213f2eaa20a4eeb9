package io.powerloom.sequencer.infra.anvil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starts a real Anvil and exercises the helpers tests rely on. */
class AnvilITCase {
    private static final long CHAIN_ID = 11169;
    private static final String ZERO_ROOT = "0x" + "0".repeat(64);

    @RegisterExtension
    static final AnvilExtension CHAIN =
            new AnvilExtension(Anvil.builder().chainId(CHAIN_ID).accounts(4));

    @Test
    void reportsChainIdAndFundedAccounts(Anvil anvil) {
        assertThat(anvil.chainId()).isEqualTo(CHAIN_ID);
        assertThat(AnvilRpc.quantity(anvil.rpc().call("eth_chainId"))).isEqualTo(CHAIN_ID);
        assertThat(anvil.privateKeys()).hasSize(4).allMatch(k -> k.matches("0x[0-9a-f]{64}"));
        assertThat(anvil.addresses()).hasSize(4).allMatch(a -> a.matches("0x[0-9a-fA-F]{40}"));
        // Anvil's standard mnemonic: account 0 is the well-known dev account
        assertThat(anvil.address(0)).isEqualToIgnoringCase("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        JsonNode balance = anvil.rpc().call("eth_getBalance", anvil.address(3), "latest");
        assertThat(balance.asText()).isNotEqualTo("0x0");
    }

    @Test
    void minesBlocksOnDemand(Anvil anvil) {
        long before = anvil.blockNumber();
        anvil.mine(25);
        assertThat(anvil.blockNumber()).isEqualTo(before + 25);
        assertThatThrownBy(() -> anvil.mine(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotAndRevertRewindTheChain(Anvil anvil) {
        long base = anvil.blockNumber();
        String snapshot = anvil.snapshot();
        anvil.mine(5);
        String hashOnFirstBranch = anvil.rpc()
                .call("eth_getBlockByNumber", hex(base + 3), false)
                .path("hash")
                .asText();
        assertThat(anvil.revert(snapshot)).isTrue();
        assertThat(anvil.blockNumber()).isEqualTo(base);
        anvil.rpc().call("anvil_setNextBlockTimestamp", hex(System.currentTimeMillis() / 1000 + 3600));
        anvil.mine(5);
        String hashOnSecondBranch = anvil.rpc()
                .call("eth_getBlockByNumber", hex(base + 3), false)
                .path("hash")
                .asText();
        assertThat(hashOnSecondBranch).isNotEqualTo(hashOnFirstBranch);
        assertThat(anvil.revert(snapshot)).as("a snapshot is used up by revert").isFalse();
    }

    @Test
    void automineOffKeepsTransactionsPendingUntilMined(Anvil anvil) {
        anvil.setAutomine(false);
        try {
            long before = anvil.blockNumber();
            String hash = anvil.rpc()
                    .call(
                            "eth_sendTransaction",
                            Map.of("from", anvil.address(1), "to", anvil.address(2), "value", "0x1"))
                    .asText();
            assertThat(anvil.blockNumber()).isEqualTo(before);
            assertThat(anvil.rpc().call("eth_getTransactionReceipt", hash).isNull())
                    .isTrue();
            anvil.mine(1);
            JsonNode receipt = anvil.rpc().call("eth_getTransactionReceipt", hash);
            assertThat(receipt.path("status").asText()).isEqualTo("0x1");
            assertThat(AnvilRpc.quantity(receipt.path("blockNumber"))).isEqualTo(before + 1);
        } finally {
            anvil.setAutomine(true);
        }
    }

    @Test
    void rpcErrorsAreTypedWithTheNodesMessage(Anvil anvil) {
        assertThatThrownBy(() -> anvil.rpc().call("no_suchMethod"))
                .isInstanceOf(AnvilException.class)
                .hasMessageContaining("no_suchMethod");
    }

    @Test
    void blockTimeMinesWithoutTransactions() throws InterruptedException {
        try (Anvil timed = Anvil.builder().blockTimeSeconds(1).start()) {
            long first = timed.blockNumber();
            Thread.sleep(2500);
            assertThat(timed.blockNumber()).isGreaterThanOrEqualTo(first + 2);
        }
    }

    @Test
    void skippingTheStateRootKeepsExecutionAndStorage(Anvil anvil) {
        // init code: SSTORE(7, 42), then return no runtime code
        String init = "0x602a600755" + "00";
        String plainRoot = storeAndReadRoot(anvil, init);
        assertThat(plainRoot).as("an ordinary Anvil computes the root").isNotEqualTo(ZERO_ROOT);
        try (Anvil forked = Anvil.builder()
                .chainId(CHAIN_ID)
                .accounts(2)
                .skipStateRoot(true)
                .start()) {
            assertThat(AnvilRpc.quantity(forked.rpc().call("eth_chainId"))).isEqualTo(CHAIN_ID);
            assertThat(forked.address(0)).isEqualToIgnoringCase(anvil.address(0));
            assertThat(storeAndReadRoot(forked, init)).isEqualTo(ZERO_ROOT);
        }
    }

    /** Deploys {@code init} from account 0, checks slot 7 holds 42, returns the mined block's state root. */
    private static String storeAndReadRoot(Anvil chain, String init) {
        String hash = chain.rpc()
                .call("eth_sendTransaction", Map.of("from", chain.address(0), "data", init))
                .asText();
        JsonNode receipt = receipt(chain, hash);
        assertThat(receipt.path("status").asText()).isEqualTo("0x1");
        String contract = receipt.path("contractAddress").asText();
        JsonNode slot = chain.rpc().call("eth_getStorageAt", contract, "0x7", "latest");
        assertThat(AnvilRpc.quantity(slot)).isEqualTo(42);
        return chain.rpc()
                .call("eth_getBlockByHash", receipt.path("blockHash").asText(), false)
                .path("stateRoot")
                .asText();
    }

    /** The receipt of {@code hash}: Anvil mines on send, but may answer the receipt query just before it has. */
    private static JsonNode receipt(Anvil chain, String hash) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        JsonNode receipt = chain.rpc().call("eth_getTransactionReceipt", hash);
        while ((receipt == null || receipt.isNull()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            receipt = chain.rpc().call("eth_getTransactionReceipt", hash);
        }
        assertThat(receipt).as("receipt of %s", hash).isNotNull();
        return receipt;
    }

    @Test
    void closeStopsTheProcess() {
        Anvil other = Anvil.builder().start();
        assertThat(other.isRunning()).isTrue();
        other.close();
        assertThat(other.isRunning()).isFalse();
        assertThat(new AnvilRpc(other.rpcUrl()).answers()).isFalse();
    }

    @Test
    void rejectsNonsenseOptions() {
        assertThatThrownBy(() -> Anvil.builder().chainId(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Anvil.builder().blockTimeSeconds(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }
}
