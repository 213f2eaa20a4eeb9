package io.powerloom.sequencer.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed ABI must keep the sequencer-facing surface (SPEC sections 3 and 7) with production's exact
 * signatures, and must come from the committed Solidity source. A drifting ABI fails the build here.
 */
class ProtocolStateAbiTest {
    private static final String ABI = "/contracts/PowerloomProtocolState.abi";

    private static final List<String> FUNCTIONS = List.of(
            // admin surface
            "createDataMarket(address,uint8,uint256,uint256,address)",
            "addSequencer(address,address)",
            "removeSequencer(address,address)",
            "updateEpochManager(address,address)",
            "updateSnapshotSubmissionWindow(address,uint256)",
            "updateBatchSubmissionWindow(address,uint256)",
            "toggleDataMarket(address,bool)",
            "transferOwnership(address)",
            "registerSlot(uint256,address)",
            "setSlotSnapshotter(uint256,address)",
            "deactivateSlot(uint256)",
            // epochs
            "releaseEpoch(address,uint256,uint256)",
            "forceSkipEpoch(address,uint256,uint256)",
            // batches
            "submitSubmissionBatch(address,string,uint256,string[],string[],bytes32)",
            "endBatchSubmissions(address,uint256)",
            // reads
            "owner()",
            "dataMarketEnabled(address)",
            "getSequencers(address)",
            "getTotalSequencersCount(address)",
            "isSequencer(address,address)",
            "epochManager(address)",
            "EPOCH_SIZE(address)",
            "snapshotSubmissionWindow(address)",
            "batchSubmissionWindow(address)",
            "currentEpoch(address)",
            "epochInfo(address,uint256)",
            "slotSnapshotterMapping(uint256)",
            "nodeInfo(uint256)",
            "getTotalNodeCount()",
            "enabledNodeCount()",
            "maxSnapshotsCid(address,string,uint256)",
            "lastSequencerFinalizedSnapshot(address,string)",
            "epochIdToBatchCids(address,uint256)",
            "batchSubmissionsCompleted(address,uint256)",
            "batchCidFinalizedRoot(address,string)",
            // snapshotter accounting (SPEC section 10)
            "DAY_SIZE(address)",
            "epochsInADay(address)",
            "dayCounter(address)",
            "dailySnapshotQuota(address)",
            "updateDailySnapshotQuota(address,uint256)",
            "updateDaySize(address,uint256)",
            "updateSubmissionCounts(address,uint256[],uint256[],uint256)",
            "updateEligibleNodesForDay(address,uint256,uint256)",
            "updateEligibleSubmissionCountsForDay(address,uint256[],uint256[],uint256)",
            "slotSubmissionCount(address,uint256,uint256)",
            "eligibleNodesForDay(address,uint256)",
            "checkSlotTaskStatusForDay(address,uint256,uint256)",
            "slotRewardedForDay(address,uint256,uint256)");

    /** Events with their indexed parameters marked by '*'. */
    private static final List<String> EVENTS = List.of(
            "EpochReleased(address*,uint256*,uint256,uint256,uint256)",
            "SnapshotBatchSubmitted(address*,string,uint256*,uint256)",
            "DelayedBatchSubmitted(address*,string,uint256*,uint256)",
            "BatchSubmissionsCompleted(address*,uint256*,uint256)",
            "SlotSnapshotterUpdated(uint256*,address*,bool)",
            "SequencersUpdated(address*,address,bool)",
            "DataMarketCreated(address*,uint8,uint256,uint256,address)",
            "EpochManagerUpdated(address*,address)",
            "OwnershipTransferred(address*,address*)",
            "DayStartedEvent(address*,uint256,uint256)",
            "DailyTaskCompletedEvent(address*,address,uint256,uint256,uint256)",
            "DailySnapshotQuotaUpdated(address*,uint256)",
            "DaySizeUpdated(address*,uint256,uint256)");

    private static JsonNode abi;

    @BeforeAll
    static void readAbi() throws IOException {
        try (InputStream in = ProtocolStateAbiTest.class.getResourceAsStream(ABI)) {
            assertThat(in).as("committed ABI on the classpath").isNotNull();
            abi = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void hasEveryFunctionWithProductionSignatures() {
        assertThat(signatures("function", false)).containsAll(FUNCTIONS);
    }

    @Test
    void hasEveryEventWithItsIndexedTopics() {
        assertThat(signatures("event", true)).containsAll(EVENTS);
    }

    @Test
    void readsReturnWhatClientsDecode() {
        Map<String, JsonNode> byName = new HashMap<>();
        abi.forEach(e -> byName.put(e.path("name").asText(), e));

        JsonNode nodeInfo = byName.get("nodeInfo").path("outputs").get(0);
        assertThat(nodeInfo.path("type").asText()).isEqualTo("tuple");
        List<String> fields = StreamSupport.stream(nodeInfo.path("components").spliterator(), false)
                .map(c -> c.path("name").asText() + ":" + c.path("type").asText())
                .collect(Collectors.toList());
        assertThat(fields)
                .containsExactly(
                        "snapshotterAddress:address",
                        "nodePrice:uint256",
                        "amountSentOnL1:uint256",
                        "mintedOn:uint256",
                        "burnedOn:uint256",
                        "lastUpdated:uint256",
                        "isLegacy:bool",
                        "claimedTokens:bool",
                        "active:bool",
                        "isKyced:bool");

        assertThat(outputTypes(byName.get("getSequencers"))).containsExactly("address[]");
        assertThat(outputTypes(byName.get("EPOCH_SIZE"))).containsExactly("uint8");
        assertThat(outputTypes(byName.get("currentEpoch"))).containsExactly("uint256", "uint256", "uint256");
        assertThat(outputTypes(byName.get("epochIdToBatchCids"))).containsExactly("string[]");
        assertThat(outputTypes(byName.get("maxSnapshotsCid"))).containsExactly("string");
        assertThat(outputTypes(byName.get("batchCidFinalizedRoot"))).containsExactly("bytes32");
        assertThat(outputTypes(byName.get("batchSubmissionsCompleted"))).containsExactly("bool");
        assertThat(outputTypes(byName.get("slotSnapshotterMapping"))).containsExactly("address");
        assertThat(outputTypes(byName.get("slotSubmissionCount"))).containsExactly("uint256");
        assertThat(outputTypes(byName.get("eligibleNodesForDay"))).containsExactly("uint256");
        assertThat(outputTypes(byName.get("checkSlotTaskStatusForDay"))).containsExactly("bool");
        assertThat(outputTypes(byName.get("dayCounter"))).containsExactly("uint256");
    }

    @Test
    void abiComesFromTheCommittedSource() throws IOException, NoSuchAlgorithmException {
        Path source = Path.of("solidity", "PowerloomProtocolState.sol");
        assertThat(source).as("run from the contracts-abi module folder").isRegularFile();
        String actual =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)));
        String recorded;
        try (InputStream in = getClass().getResourceAsStream("/contracts/PowerloomProtocolState.sol.sha256")) {
            assertThat(in).isNotNull();
            recorded = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        assertThat(actual)
                .as("PowerloomProtocolState.sol changed without recompiling: run contracts-abi/solidity/compile.mjs")
                .isEqualTo(recorded);
    }

    @Test
    void sourceRevertsWithEveryDocumentedCode() throws IOException {
        String source = Files.readString(Path.of("solidity", "PowerloomProtocolState.sol"));
        for (String code : List.of(
                "E02", "E03", "E04", "E05", "E09", "E18", "E20", "E21", "E22", "E23", "E24", "E25", "E29", "E30", "E43",
                "E19", "E38", "E48")) {
            assertThat(source).contains("\"" + code + "\")");
        }
    }

    private static Set<String> signatures(String kind, boolean markIndexed) {
        Set<String> out = new HashSet<>();
        for (JsonNode entry : abi) {
            if (!kind.equals(entry.path("type").asText())) {
                continue;
            }
            String params = StreamSupport.stream(entry.path("inputs").spliterator(), false)
                    .map(i -> i.path("type").asText()
                            + (markIndexed && i.path("indexed").asBoolean() ? "*" : ""))
                    .collect(Collectors.joining(","));
            out.add(entry.path("name").asText() + "(" + params + ")");
        }
        return out;
    }

    private static List<String> outputTypes(JsonNode function) {
        return StreamSupport.stream(function.path("outputs").spliterator(), false)
                .map(o -> o.path("type").asText())
                .collect(Collectors.toList());
    }
}
