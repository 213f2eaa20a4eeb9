package io.powerloom.sequencer.chain;

import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * Deploys {@code PowerloomProtocolState} and sets it up for a local network or a test: one data market (epoch
 * size, windows, epoch manager, sequencers) and N slots registered to given snapshotter addresses.
 *
 * <pre>{@code
 * var deployer = new ProtocolStateDeployer(web3j, Credentials.create(ownerKey), chainId);
 * ProtocolStateDeployment d = deployer.deploy(
 *         new DataMarketConfig(market, 10, 120, 50, epochManager, List.of(sequencer)), 1, snapshotters);
 * }</pre>
 *
 * <p>Every transaction is signed by the owner credentials and waited for; a reverted transaction surfaces as
 * {@link ChainTransactionException} with the decoded revert reason.
 */
public final class ProtocolStateDeployer {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolStateDeployer.class);

    /** Gas price (wei) for the legacy transactions the deployer sends; above Anvil's starting base fee. */
    public static final BigInteger GAS_PRICE = BigInteger.valueOf(5_000_000_000L);
    /** Gas limit per transaction; the deployment needs about 2.3M, batches grow with their project count. */
    public static final BigInteger GAS_LIMIT = BigInteger.valueOf(15_000_000L);

    private final Web3j web3j;
    private final Credentials owner;
    private final long chainId;
    private final TransactionManager transactions;
    private final ContractGasProvider gas = new StaticGasProvider(GAS_PRICE, GAS_LIMIT);

    /** A deployer that signs with {@code owner} for chain {@code chainId}. */
    public ProtocolStateDeployer(Web3j web3j, Credentials owner, long chainId) {
        this.web3j = web3j;
        this.owner = owner;
        this.chainId = chainId;
        this.transactions = transactionManager(web3j, owner, chainId);
    }

    /**
     * A transaction manager that signs locally (EIP-155) and polls for receipts every 50 ms (web3j's default
     * is 15 s, far too slow for a dev chain that mines on every transaction).
     */
    public static TransactionManager transactionManager(Web3j web3j, Credentials credentials, long chainId) {
        return new RawTransactionManager(
                web3j, credentials, chainId, new PollingTransactionReceiptProcessor(web3j, 50, 1200));
    }

    /** Wrapper of an already deployed contract, sending transactions as {@code credentials}. */
    public static PowerloomProtocolState load(
            String contractAddress, Web3j web3j, Credentials credentials, long chainId) {
        return PowerloomProtocolState.load(
                contractAddress,
                web3j,
                transactionManager(web3j, credentials, chainId),
                new StaticGasProvider(GAS_PRICE, GAS_LIMIT));
    }

    /** The contract at {@code contractAddress} for calls only (views, gas estimates): it can send no transaction. */
    public static PowerloomProtocolState loadReadOnly(String contractAddress, Web3j web3j) {
        return PowerloomProtocolState.load(
                contractAddress,
                web3j,
                new ReadonlyTransactionManager(web3j, "0x0000000000000000000000000000000000000000"),
                new DefaultGasProvider());
    }

    /** Deploys a fresh contract owned by the deployer's credentials. */
    public PowerloomProtocolState deployContract() {
        try {
            PowerloomProtocolState contract =
                    PowerloomProtocolState.deploy(web3j, transactions, gas).send();
            LOG.info(
                    "PowerloomProtocolState deployed at {} (chain id {}, owner {})",
                    contract.getContractAddress(),
                    chainId,
                    owner.getAddress());
            return contract;
        } catch (Exception e) {
            throw ChainTransactionException.of("deploy PowerloomProtocolState", e);
        }
    }

    /** Creates the data market and allows its sequencers. */
    public void createDataMarket(PowerloomProtocolState contract, DataMarketConfig market) {
        send(
                "createDataMarket " + market.dataMarket(),
                () -> contract.createDataMarket(
                                market.dataMarket(),
                                BigInteger.valueOf(market.epochSize()),
                                BigInteger.valueOf(market.snapshotSubmissionWindow()),
                                BigInteger.valueOf(market.batchSubmissionWindow()),
                                market.epochManager())
                        .send());
        for (String sequencer : market.sequencers()) {
            send(
                    "addSequencer " + sequencer,
                    () -> contract.addSequencer(market.dataMarket(), sequencer).send());
        }
    }

    /**
     * Registers consecutive slots {@code firstSlotId, firstSlotId + 1, ...}, one per snapshotter address.
     *
     * @return slot id to snapshotter address, in slot order
     */
    public Map<Long, String> registerSlots(
            PowerloomProtocolState contract, long firstSlotId, List<String> snapshotters) {
        if (firstSlotId < 0) {
            throw new IllegalArgumentException("slot ids are unsigned, got " + firstSlotId);
        }
        Map<Long, String> slots = new LinkedHashMap<>();
        long slotId = firstSlotId;
        for (String snapshotter : snapshotters) {
            long id = slotId++;
            send(
                    "registerSlot " + id,
                    () -> contract.registerSlot(BigInteger.valueOf(id), snapshotter)
                            .send());
            slots.put(id, snapshotter);
        }
        return slots;
    }

    /** Source-chain block time a new market starts with (seconds x 1e4, the contract's default: 12 s). */
    public static final long DEFAULT_SOURCE_CHAIN_BLOCK_TIME = 120_000;

    /**
     * Sets the market's day to {@code epochsPerDay} epochs ({@code updateDaySize} with DAY_SIZE = epochs x block time x
     * epoch size, at the default block time).
     */
    public void setEpochsInADay(PowerloomProtocolState contract, DataMarketConfig market, long epochsPerDay) {
        if (epochsPerDay < 1) {
            throw new IllegalArgumentException("a day needs at least one epoch, got " + epochsPerDay);
        }
        BigInteger daySize = BigInteger.valueOf(epochsPerDay)
                .multiply(BigInteger.valueOf(DEFAULT_SOURCE_CHAIN_BLOCK_TIME))
                .multiply(BigInteger.valueOf(market.epochSize()));
        send(
                "updateDaySize " + market.dataMarket(),
                () -> contract.updateDaySize(market.dataMarket(), daySize).send());
    }

    /** Sets the market's daily snapshot quota. */
    public void setDailySnapshotQuota(PowerloomProtocolState contract, String dataMarket, long quota) {
        send(
                "updateDailySnapshotQuota " + dataMarket,
                () -> contract.updateDailySnapshotQuota(dataMarket, BigInteger.valueOf(quota))
                        .send());
    }

    /** Deploys the contract, creates the data market and registers the slots. */
    public ProtocolStateDeployment deploy(DataMarketConfig market, long firstSlotId, List<String> snapshotters) {
        PowerloomProtocolState contract = deployContract();
        BigInteger deployBlock = contract.getTransactionReceipt()
                .map(TransactionReceipt::getBlockNumber)
                .orElse(BigInteger.ZERO);
        createDataMarket(contract, market);
        Map<Long, String> slots = registerSlots(contract, firstSlotId, snapshotters);
        return new ProtocolStateDeployment(contract.getContractAddress(), contract, market, slots, deployBlock);
    }

    private static TransactionReceipt send(String what, TxCall call) {
        TransactionReceipt receipt;
        try {
            receipt = call.send();
        } catch (Exception e) {
            throw ChainTransactionException.of(what, e);
        }
        if (!receipt.isStatusOK()) {
            throw new ChainTransactionException(
                    what + " failed in tx " + receipt.getTransactionHash(), receipt.getRevertReason());
        }
        return receipt;
    }

    @FunctionalInterface
    private interface TxCall {
        TransactionReceipt send() throws Exception;
    }
}
