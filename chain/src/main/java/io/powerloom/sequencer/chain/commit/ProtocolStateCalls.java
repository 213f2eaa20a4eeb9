package io.powerloom.sequencer.chain.commit;

import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteFunctionCall;

/**
 * The protocol-state calls the commit client makes (SPEC §7 and §10), checked for what the contract cannot take and
 * encoded by the generated wrapper, whose definitions come from the committed ABI. The client signs the encoded
 * calls itself (raw EIP-1559 transactions) and batches the views' {@code eth_call}s, so it takes the wrapper's
 * {@link RemoteFunctionCall}s for their encoding and decoding only and never lets the wrapper send.
 */
final class ProtocolStateCalls {
    /** {@code DelayedBatchSubmitted}: the batch mined but stored nothing (late). */
    static final String DELAYED_BATCH_TOPIC = EventEncoder.encode(PowerloomProtocolState.DELAYEDBATCHSUBMITTED_EVENT);

    /**
     * The wrapper is bound to this address, not to the configured contract: it only encodes and decodes (the client
     * sends to {@link CommitClientConfig#protocolStateAddress()} itself), and binding it to a configured address that is
     * not a hex address would make web3j try to resolve it as an ENS name over the network.
     */
    private static final String ENCODING_ONLY = "0x0000000000000000000000000000000000000000";

    private final PowerloomProtocolState contract;

    /** {@code web3j}: any client; the wrapper never sends through it. */
    ProtocolStateCalls(Web3j web3j) {
        this.contract = ProtocolStateDeployer.loadReadOnly(ENCODING_ONLY, web3j);
    }

    String submitSubmissionBatch(BatchCommit b) {
        byte[] root = b.finalizedCidsRootHash();
        if (root.length != 32) {
            throw new IllegalArgumentException("finalizedCidsRootHash must be 32 bytes, got " + root.length);
        }
        if (b.epochId() < 0) {
            throw new IllegalArgumentException("epochId must be >= 0, got " + b.epochId());
        }
        return contract.submitSubmissionBatch(
                        address(b.dataMarket()),
                        b.batchCid(),
                        BigInteger.valueOf(b.epochId()),
                        b.projectIds(),
                        b.snapshotCids(),
                        root)
                .encodeFunctionCall();
    }

    String endBatchSubmissions(String dataMarket, long epochId) {
        if (epochId < 0) {
            throw new IllegalArgumentException("epochId must be >= 0, got " + epochId);
        }
        return contract.endBatchSubmissions(address(dataMarket), BigInteger.valueOf(epochId))
                .encodeFunctionCall();
    }

    String updateCounts(CountUpdate u) {
        if (u.day() < 0) {
            throw new IllegalArgumentException("day must be >= 0, got " + u.day());
        }
        String dm = address(u.dataMarket());
        List<BigInteger> slots = uints(u.slotIds());
        List<BigInteger> counts = uints(u.counts());
        BigInteger day = BigInteger.valueOf(u.day());
        return (u.kind() == CountUpdate.Kind.FINAL
                        ? contract.updateEligibleSubmissionCountsForDay(dm, slots, counts, day)
                        : contract.updateSubmissionCounts(dm, slots, counts, day))
                .encodeFunctionCall();
    }

    String updateEligibleNodesForDay(String dataMarket, long day, long eligibleNodes) {
        if (day < 0 || eligibleNodes < 0) {
            throw new IllegalArgumentException("day and eligibleNodes must be >= 0");
        }
        return contract.updateEligibleNodesForDay(
                        address(dataMarket), BigInteger.valueOf(day), BigInteger.valueOf(eligibleNodes))
                .encodeFunctionCall();
    }

    RemoteFunctionCall<String> maxSnapshotsCid(String dataMarket, String projectId, long epochId) {
        return contract.maxSnapshotsCid(address(dataMarket), projectId, BigInteger.valueOf(epochId));
    }

    RemoteFunctionCall<Boolean> batchSubmissionsCompleted(String dataMarket, long epochId) {
        return contract.batchSubmissionsCompleted(address(dataMarket), BigInteger.valueOf(epochId));
    }

    RemoteFunctionCall<BigInteger> slotSubmissionCount(String dataMarket, long slotId, long day) {
        return contract.slotSubmissionCount(address(dataMarket), unsigned(slotId), BigInteger.valueOf(day));
    }

    RemoteFunctionCall<Boolean> slotRewardedForDay(String dataMarket, long slotId, long day) {
        return contract.slotRewardedForDay(address(dataMarket), unsigned(slotId), BigInteger.valueOf(day));
    }

    RemoteFunctionCall<BigInteger> eligibleNodesForDay(String dataMarket, long day) {
        return contract.eligibleNodesForDay(address(dataMarket), BigInteger.valueOf(day));
    }

    RemoteFunctionCall<BigInteger> dailySnapshotQuota(String dataMarket) {
        return contract.dailySnapshotQuota(address(dataMarket));
    }

    private static List<BigInteger> uints(long[] values) {
        List<BigInteger> list = new ArrayList<>(values.length);
        for (long v : values) {
            list.add(unsigned(v));
        }
        return list;
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    private static String address(String hex) {
        if (hex == null || !hex.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("not a 0x-prefixed 20-byte address: " + hex);
        }
        return hex;
    }
}
