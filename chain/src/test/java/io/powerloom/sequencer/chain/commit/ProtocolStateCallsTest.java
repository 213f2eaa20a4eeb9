package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The calls the commit client sends, encoded by the generated wrapper, are byte for byte the calldata of the
 * production signatures (SPEC §7, §10): the selector of the exact signature, then the arguments in ABI encoding.
 */
class ProtocolStateCallsTest {
    private static final String DM = "0x00000000000000000000000000000000000000aa";
    // never contacted: the wrapper only encodes
    private static final Web3j WEB3J = Web3j.build(new HttpService("http://127.0.0.1:9"));
    private static final ProtocolStateCalls CALLS = new ProtocolStateCalls(WEB3J);

    @AfterAll
    static void close() {
        WEB3J.shutdown();
    }

    private static String expected(String signature, List<Type> args) {
        String name = signature.substring(0, signature.indexOf('('));
        String encoded = FunctionEncoder.encode(new Function(name, args, List.of()));
        assertThat(encoded.substring(0, 10))
                .isEqualTo(Hash.sha3String(signature).substring(0, 10));
        return encoded;
    }

    private static DynamicArray<Uint256> uints(long... values) {
        return new DynamicArray<>(
                Uint256.class,
                java.util.Arrays.stream(values)
                        .mapToObj(v -> new Uint256(new BigInteger(Long.toUnsignedString(v))))
                        .toList());
    }

    @Test
    void submitSubmissionBatchIsTheProductionCall() {
        byte[] root = new byte[32];
        root[0] = 7;
        BatchCommit b = new BatchCommit(DM, "bafybatch", 42, List.of("p1", "p2"), List.of("c1", "c2"), root);
        assertThat(CALLS.submitSubmissionBatch(b))
                .isEqualTo(expected(
                        "submitSubmissionBatch(address,string,uint256,string[],string[],bytes32)",
                        List.of(
                                new Address(DM),
                                new Utf8String("bafybatch"),
                                new Uint256(42),
                                new DynamicArray<>(Utf8String.class, new Utf8String("p1"), new Utf8String("p2")),
                                new DynamicArray<>(Utf8String.class, new Utf8String("c1"), new Utf8String("c2")),
                                new Bytes32(root))));
    }

    @Test
    void endBatchSubmissionsAndEligibleNodesAreTheProductionCalls() {
        assertThat(CALLS.endBatchSubmissions(DM, 9))
                .isEqualTo(expected("endBatchSubmissions(address,uint256)", List.of(new Address(DM), new Uint256(9))));
        assertThat(CALLS.updateEligibleNodesForDay(DM, 3, 17))
                .isEqualTo(expected(
                        "updateEligibleNodesForDay(address,uint256,uint256)",
                        List.of(new Address(DM), new Uint256(3), new Uint256(17))));
    }

    @Test
    void periodicAndFinalCountsGoToTheirOwnFunctionsWithSlotsAsUnsigned() {
        long[] slots = {1, -1L}; // a slot id above Long.MAX_VALUE stays unsigned
        long[] counts = {5, 6};
        assertThat(CALLS.updateCounts(new CountUpdate(DM, 2, CountUpdate.Kind.PERIODIC, slots, counts)))
                .isEqualTo(expected(
                        "updateSubmissionCounts(address,uint256[],uint256[],uint256)",
                        List.of(new Address(DM), uints(slots), uints(counts), new Uint256(2))));
        assertThat(CALLS.updateCounts(new CountUpdate(DM, 2, CountUpdate.Kind.FINAL, slots, counts)))
                .isEqualTo(expected(
                        "updateEligibleSubmissionCountsForDay(address,uint256[],uint256[],uint256)",
                        List.of(new Address(DM), uints(slots), uints(counts), new Uint256(2))));
    }

    @Test
    void viewsDecodeTheirAnswers() {
        assertThat(CALLS.maxSnapshotsCid(DM, "p1", 4).encodeFunctionCall())
                .isEqualTo(expected(
                        "maxSnapshotsCid(address,string,uint256)",
                        List.of(new Address(DM), new Utf8String("p1"), new Uint256(4))));
        String trueWord = "0x" + "0".repeat(63) + "1";
        assertThat(CALLS.batchSubmissionsCompleted(DM, 4)
                        .decodeFunctionResponse(trueWord)
                        .get(0)
                        .getValue())
                .isEqualTo(true);
        assertThat(CALLS.dailySnapshotQuota(DM)
                        .decodeFunctionResponse(trueWord)
                        .get(0)
                        .getValue())
                .isEqualTo(BigInteger.ONE);
    }

    @Test
    void inputTheContractCannotTakeIsRefusedBeforeEncoding() {
        assertThatThrownBy(() -> CALLS.endBatchSubmissions("0x1234", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20-byte address");
        assertThatThrownBy(() -> CALLS.endBatchSubmissions(DM, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CALLS.submitSubmissionBatch(
                        new BatchCommit(DM, "b", 1, List.of("p"), List.of("c"), new byte[31])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }
}
