package io.powerloom.sequencer.chain.commit;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * ABI encodings of the protocol-state calls the commit client makes (SPEC §7). Written against the ABI, not the
 * generated wrapper, so that the client can build raw EIP-1559 transactions and batch its reads.
 */
final class ProtocolStateAbi {
    private ProtocolStateAbi() {}

    /** {@code DelayedBatchSubmitted(address indexed, string, uint256 indexed, uint256)}: mined but stored nothing. */
    static final String DELAYED_BATCH_TOPIC = EventEncoder.encode(new Event("DelayedBatchSubmitted", List.of(
            new TypeReference<Address>(true) {}, new TypeReference<Utf8String>() {},
            new TypeReference<Uint256>(true) {}, new TypeReference<Uint256>() {})));

    static String submitSubmissionBatch(BatchCommit b) {
        byte[] root = b.finalizedCidsRootHash();
        if (root.length != 32) {
            throw new IllegalArgumentException("finalizedCidsRootHash must be 32 bytes, got " + root.length);
        }
        if (b.epochId() < 0) {
            throw new IllegalArgumentException("epochId must be >= 0, got " + b.epochId());
        }
        return FunctionEncoder.encode(new Function("submitSubmissionBatch", List.of(
                address(b.dataMarket()),
                new Utf8String(b.batchCid()),
                new Uint256(BigInteger.valueOf(b.epochId())),
                new DynamicArray<>(Utf8String.class, b.projectIds().stream().map(Utf8String::new).toList()),
                new DynamicArray<>(Utf8String.class, b.snapshotCids().stream().map(Utf8String::new).toList()),
                new Bytes32(root)), List.of()));
    }

    static String endBatchSubmissions(String dataMarket, long epochId) {
        if (epochId < 0) {
            throw new IllegalArgumentException("epochId must be >= 0, got " + epochId);
        }
        return FunctionEncoder.encode(new Function("endBatchSubmissions", List.of(
                address(dataMarket), new Uint256(BigInteger.valueOf(epochId))), List.of()));
    }

    static Function maxSnapshotsCid(String dataMarket, String projectId, long epochId) {
        return new Function("maxSnapshotsCid", List.of(
                address(dataMarket), new Utf8String(projectId), new Uint256(BigInteger.valueOf(epochId))),
                List.of(new TypeReference<Utf8String>() {}));
    }

    static Function batchSubmissionsCompleted(String dataMarket, long epochId) {
        return new Function("batchSubmissionsCompleted", List.of(
                address(dataMarket), new Uint256(BigInteger.valueOf(epochId))),
                List.of(new TypeReference<Bool>() {}));
    }

    static String updateCounts(CountUpdate u) {
        if (u.day() < 0) {
            throw new IllegalArgumentException("day must be >= 0, got " + u.day());
        }
        return FunctionEncoder.encode(new Function(
                u.kind() == CountUpdate.Kind.FINAL ? "updateEligibleSubmissionCountsForDay" : "updateSubmissionCounts",
                List.of(address(u.dataMarket()), uints(u.slotIds()), uints(u.counts()),
                        new Uint256(BigInteger.valueOf(u.day()))), List.of()));
    }

    static String updateEligibleNodesForDay(String dataMarket, long day, long eligibleNodes) {
        if (day < 0 || eligibleNodes < 0) {
            throw new IllegalArgumentException("day and eligibleNodes must be >= 0");
        }
        return FunctionEncoder.encode(new Function("updateEligibleNodesForDay", List.of(address(dataMarket),
                new Uint256(BigInteger.valueOf(day)), new Uint256(BigInteger.valueOf(eligibleNodes))), List.of()));
    }

    static Function slotSubmissionCount(String dataMarket, long slotId, long day) {
        return new Function("slotSubmissionCount", List.of(address(dataMarket), new Uint256(unsigned(slotId)),
                new Uint256(BigInteger.valueOf(day))), List.of(new TypeReference<Uint256>() {}));
    }

    static Function slotRewardedForDay(String dataMarket, long slotId, long day) {
        return new Function("slotRewardedForDay", List.of(address(dataMarket), new Uint256(unsigned(slotId)),
                new Uint256(BigInteger.valueOf(day))), List.of(new TypeReference<Bool>() {}));
    }

    static Function eligibleNodesForDay(String dataMarket, long day) {
        return new Function("eligibleNodesForDay", List.of(address(dataMarket), new Uint256(BigInteger.valueOf(day))),
                List.of(new TypeReference<Uint256>() {}));
    }

    static Function dailySnapshotQuota(String dataMarket) {
        return new Function("dailySnapshotQuota", List.of(address(dataMarket)), List.of(new TypeReference<Uint256>() {}));
    }

    static Function dayCounter(String dataMarket) {
        return new Function("dayCounter", List.of(address(dataMarket)), List.of(new TypeReference<Uint256>() {}));
    }

    private static DynamicArray<Uint256> uints(long[] values) {
        List<Uint256> list = new java.util.ArrayList<>(values.length);
        for (long v : values) {
            list.add(new Uint256(unsigned(v)));
        }
        return new DynamicArray<>(Uint256.class, list);
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    private static Address address(String hex) {
        if (hex == null || !hex.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("not a 0x-prefixed 20-byte address: " + hex);
        }
        return new Address(hex);
    }
}
