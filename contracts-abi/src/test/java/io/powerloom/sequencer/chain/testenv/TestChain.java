package io.powerloom.sequencer.chain.testenv;

import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * The protocol-state contract on a test's Anvil ({@code AnvilExtension}), set up in one place for the tests of every
 * module that need it (a test-jar of {@code contracts-abi}): a web3j client of the chain; Anvil's account 0 deploys
 * the contract and owns the data markets (so that on a fresh chain the contract and the first market land at the same
 * addresses every time, the ones the job's fixtures sign for); the other funded accounts act as epoch managers and
 * sequencers, through the contract loaded for them or through key files as the job's
 * {@code sequencer.chain.signer-key-files} takes them; epochs are released {@code epochSize} source blocks at a time.
 */
public final class TestChain implements AutoCloseable {
    /** Blocks of the protocol chain after an epoch's release in which its batches count: never short in a test. */
    public static final long BATCH_SUBMISSION_WINDOW = 1_000_000;

    private final Anvil anvil;
    private final Web3j web3j;
    private final Credentials owner;
    private final ProtocolStateDeployer deployer;

    public TestChain(Anvil anvil) {
        this.anvil = anvil;
        this.web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
        this.owner = Credentials.create(anvil.privateKey(0));
        this.deployer = new ProtocolStateDeployer(web3j, owner, anvil.chainId());
    }

    public Anvil anvil() {
        return anvil;
    }

    public Web3j web3j() {
        return web3j;
    }

    /** Anvil's account 0: deploys the contract and owns the data markets. */
    public Credentials owner() {
        return owner;
    }

    /** The deployer, sending as {@link #owner()}. */
    public ProtocolStateDeployer deployer() {
        return deployer;
    }

    /** Anvil's funded account {@code i} ({@code i >= 1} for epoch managers, sequencers, ...). */
    public Credentials account(int i) {
        return Credentials.create(anvil.privateKey(i));
    }

    /** The contract at {@code address}, sending as account {@code i}. */
    public PowerloomProtocolState contractAs(String address, int i) {
        return ProtocolStateDeployer.load(address, web3j, account(i), anvil.chainId());
    }

    /** Writes account {@code i}'s private key to {@code dir/signer-<i>.key}, as a signer key file of the job. */
    public Path keyFile(Path dir, int i) throws IOException {
        Path f = dir.resolve("signer-" + i + ".key");
        Files.writeString(f, anvil.privateKey(i));
        return f;
    }

    /**
     * A data market whose epochs {@link #owner()} releases and whose batches {@code sequencers} may submit, with
     * {@link #BATCH_SUBMISSION_WINDOW}.
     */
    public DataMarketConfig market(String address, int epochSize, long windowSeconds, List<String> sequencers) {
        return new DataMarketConfig(
                address, epochSize, windowSeconds, BATCH_SUBMISSION_WINDOW, owner.getAddress(), sequencers);
    }

    /** Deploys the contract, creates {@code market} and registers {@code snapshotters} in slots 1, 2, .... */
    public ProtocolStateDeployment deploy(DataMarketConfig market, List<String> snapshotters) {
        return deployer.deploy(market, 1, snapshotters);
    }

    /** Releases epoch {@code epoch} of {@code market}: source blocks {@code (epoch-1)*size+1 .. epoch*size}. */
    public static TransactionReceipt releaseEpoch(
            PowerloomProtocolState epochManager, String market, long epoch, long epochSize) throws Exception {
        return epochManager
                .releaseEpoch(
                        market, BigInteger.valueOf((epoch - 1) * epochSize + 1), BigInteger.valueOf(epoch * epochSize))
                .send();
    }

    /** Releases epoch {@code epoch} of {@code market} as the owner (the epoch manager of {@link #market}). */
    public static TransactionReceipt releaseEpoch(
            ProtocolStateDeployment deployment, String market, long epoch, long epochSize) throws Exception {
        return releaseEpoch(deployment.contract(), market, epoch, epochSize);
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
