package io.powerloom.sequencer.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.BatchSubmissionsCompletedEventResponse;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.DelayedBatchSubmittedEventResponse;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.EpochReleasedEventResponse;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.NodeInfo;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.SlotSnapshotterUpdatedEventResponse;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.SnapshotBatchSubmittedEventResponse;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;

/**
 * Deploys PowerloomProtocolState on a real Anvil with {@link ProtocolStateDeployer} and exercises every function,
 * event and revert code through the generated web3j wrapper. Reverting calls are checked twice: simulated with
 * {@code eth_call} (revert string decoded from the revert data) and really sent (mined with status 0, reason
 * reported).
 *
 * <p>Each test works on its own data market (the contract keys markets by address), so tests do not share epochs.
 */
class ProtocolStateITCase {
    private static final long CHAIN_ID = 11165;
    private static final int EPOCH_SIZE = 10;
    private static final long SNAPSHOT_WINDOW = 120;
    private static final long BATCH_WINDOW = 20;
    private static final byte[] ROOT = filled((byte) 0xab);

    @RegisterExtension
    static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(CHAIN_ID));

    private static final AtomicInteger MARKETS = new AtomicInteger();

    private static Web3j web3j;
    private static ProtocolStateDeployer deployer;
    private static ProtocolStateDeployment deployment;
    private static Credentials owner;
    private static Credentials epochManager;
    private static Credentials sequencer;
    private static Credentials sequencer2;
    private static Credentials stranger;
    private static List<String> snapshotters;

    private static PowerloomProtocolState asOwner;
    private static PowerloomProtocolState asEpochManager;
    private static PowerloomProtocolState asSequencer;
    private static PowerloomProtocolState asSequencer2;
    private static PowerloomProtocolState asStranger;

    @BeforeAll
    static void deploy() {
        Anvil anvil = CHAIN.anvil();
        TestChain chain = new TestChain(anvil);
        web3j = chain.web3j();
        owner = chain.owner();
        epochManager = chain.account(1);
        sequencer = chain.account(2);
        sequencer2 = chain.account(3);
        stranger = chain.account(4);
        snapshotters = List.of(anvil.address(5), anvil.address(6), anvil.address(7));

        deployer = chain.deployer();
        deployment = deployer.deploy(config(nextMarket()), 1, snapshotters);
        asOwner = deployment.contract();
        String address = deployment.contractAddress();
        asEpochManager = chain.contractAs(address, 1);
        asSequencer = chain.contractAs(address, 2);
        asSequencer2 = chain.contractAs(address, 3);
        asStranger = chain.contractAs(address, 4);
    }

    @AfterAll
    static void shutdown() {
        if (web3j != null) {
            web3j.shutdown();
        }
    }

    // ------------------------------------------------------------------ deployer and data market set-up

    @Test
    void deployerSetsUpTheMarketAndTheSlots() throws Exception {
        String dm = deployment.market().dataMarket();
        assertThat(deployment.deployBlock()).isPositive();
        assertThat(asOwner.owner().send()).isEqualToIgnoringCase(owner.getAddress());
        assertThat(asOwner.dataMarketEnabled(dm).send()).isTrue();
        assertThat(asOwner.EPOCH_SIZE(dm).send()).isEqualTo(BigInteger.valueOf(EPOCH_SIZE));
        assertThat(asOwner.snapshotSubmissionWindow(dm).send()).isEqualTo(BigInteger.valueOf(SNAPSHOT_WINDOW));
        assertThat(asOwner.batchSubmissionWindow(dm).send()).isEqualTo(BigInteger.valueOf(BATCH_WINDOW));
        assertThat(asOwner.epochManager(dm).send()).isEqualToIgnoringCase(epochManager.getAddress());
        assertThat(addresses(asOwner.getSequencers(dm).send()))
                .containsExactly(sequencer.getAddress(), sequencer2.getAddress());
        assertThat(asOwner.getTotalSequencersCount(dm).send()).isEqualTo(BigInteger.TWO);
        assertThat(asOwner.isSequencer(dm, sequencer.getAddress()).send()).isTrue();
        assertThat(asOwner.isSequencer(dm, stranger.getAddress()).send()).isFalse();
        assertThat(asOwner.currentEpoch(dm).send().component3()).isZero();

        assertThat(deployment.slots())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(1L, snapshotters.get(0), 2L, snapshotters.get(1), 3L, snapshotters.get(2)));
        for (Map.Entry<Long, String> slot : deployment.slots().entrySet()) {
            BigInteger id = BigInteger.valueOf(slot.getKey());
            assertThat(asOwner.slotSnapshotterMapping(id).send()).isEqualToIgnoringCase(slot.getValue());
            NodeInfo info = asOwner.nodeInfo(id).send();
            assertThat(info.snapshotterAddress).isEqualToIgnoringCase(slot.getValue());
            assertThat(info.active).isTrue();
            assertThat(info.mintedOn).isPositive();
        }
        assertThat(asOwner.getTotalNodeCount().send()).isEqualTo(BigInteger.valueOf(3));
        assertThat(asOwner.enabledNodeCount().send()).isEqualTo(BigInteger.valueOf(3));
        assertThat(asOwner.slotSnapshotterMapping(BigInteger.valueOf(999)).send())
                .isEqualTo("0x0000000000000000000000000000000000000000");
    }

    @Test
    void marketAdministration() throws Exception {
        String dm = nextMarket();
        TransactionReceipt created = asOwner.createDataMarket(
                        dm,
                        BigInteger.valueOf(EPOCH_SIZE),
                        BigInteger.valueOf(SNAPSHOT_WINDOW),
                        BigInteger.valueOf(BATCH_WINDOW),
                        epochManager.getAddress())
                .send();
        assertThat(PowerloomProtocolState.getDataMarketCreatedEvents(created))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.dataMarketAddress).isEqualToIgnoringCase(dm);
                    assertThat(e.epochSize).isEqualTo(BigInteger.valueOf(EPOCH_SIZE));
                    assertThat(e.snapshotSubmissionWindow).isEqualTo(BigInteger.valueOf(SNAPSHOT_WINDOW));
                    assertThat(e.batchSubmissionWindow).isEqualTo(BigInteger.valueOf(BATCH_WINDOW));
                    assertThat(e.epochManager).isEqualToIgnoringCase(epochManager.getAddress());
                });
        assertThat(asOwner.getSequencers(dm).send())
                .as("a new market has no sequencers")
                .isEmpty();
        assertReverts(
                "E09",
                owner,
                asOwner.createDataMarket(
                        dm, BigInteger.TEN, BigInteger.ONE, BigInteger.ONE, epochManager.getAddress()));
        assertReverts(
                "E21",
                owner,
                asOwner.createDataMarket(
                        nextMarket(), BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, epochManager.getAddress()));
        assertReverts(
                "E18",
                owner,
                asOwner.createDataMarket(nextMarket(), BigInteger.TEN, BigInteger.ONE, BigInteger.ONE, ZERO_ADDRESS));
        assertReverts(
                "E03",
                stranger,
                asStranger.createDataMarket(
                        nextMarket(), BigInteger.TEN, BigInteger.ONE, BigInteger.ONE, epochManager.getAddress()));

        // windows
        TransactionReceipt snapshotWindow = asOwner.updateSnapshotSubmissionWindow(dm, BigInteger.valueOf(30))
                .send();
        assertThat(PowerloomProtocolState.getSubmissionWindowsUpdatedEvents(snapshotWindow))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.snapshotSubmissionWindow).isEqualTo(BigInteger.valueOf(30));
                    assertThat(e.batchSubmissionWindow).isEqualTo(BigInteger.valueOf(BATCH_WINDOW));
                });
        TransactionReceipt batchWindow =
                asOwner.updateBatchSubmissionWindow(dm, BigInteger.valueOf(7)).send();
        assertThat(PowerloomProtocolState.getSubmissionWindowsUpdatedEvents(batchWindow))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.dataMarketAddress).isEqualToIgnoringCase(dm);
                    assertThat(e.snapshotSubmissionWindow).isEqualTo(BigInteger.valueOf(30));
                    assertThat(e.batchSubmissionWindow).isEqualTo(BigInteger.valueOf(7));
                });
        assertThat(asOwner.snapshotSubmissionWindow(dm).send()).isEqualTo(BigInteger.valueOf(30));
        assertThat(asOwner.batchSubmissionWindow(dm).send()).isEqualTo(BigInteger.valueOf(7));
        assertReverts("E03", stranger, asStranger.updateBatchSubmissionWindow(dm, BigInteger.ONE));
        assertReverts("E03", stranger, asStranger.updateSnapshotSubmissionWindow(dm, BigInteger.ONE));
        assertReverts("E02", owner, asOwner.updateSnapshotSubmissionWindow(nextMarket(), BigInteger.ONE));
        assertReverts("E03", stranger, asStranger.updateEpochManager(dm, stranger.getAddress()));
        assertReverts("E03", stranger, asStranger.toggleDataMarket(dm, false));
        assertReverts("E02", owner, asOwner.updateBatchSubmissionWindow(nextMarket(), BigInteger.ONE));

        // epoch manager
        TransactionReceipt manager =
                asOwner.updateEpochManager(dm, stranger.getAddress()).send();
        assertThat(PowerloomProtocolState.getEpochManagerUpdatedEvents(manager))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.dataMarketAddress).isEqualToIgnoringCase(dm);
                    assertThat(e.epochManager).isEqualToIgnoringCase(stranger.getAddress());
                });
        assertThat(asOwner.epochManager(dm).send()).isEqualToIgnoringCase(stranger.getAddress());
        asStranger
                .releaseEpoch(dm, BigInteger.ONE, BigInteger.valueOf(EPOCH_SIZE))
                .send();
        assertReverts(
                "E05", epochManager, asEpochManager.releaseEpoch(dm, BigInteger.valueOf(11), BigInteger.valueOf(20)));
        assertReverts("E18", owner, asOwner.updateEpochManager(dm, ZERO_ADDRESS));

        // disabling a market stops epochs and batches with E02
        TransactionReceipt disabled = asOwner.toggleDataMarket(dm, false).send();
        assertThat(PowerloomProtocolState.getDataMarketToggledEvents(disabled))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.dataMarketAddress).isEqualToIgnoringCase(dm);
                    assertThat(e.enabled).isFalse();
                });
        assertThat(asOwner.dataMarketEnabled(dm).send()).isFalse();
        assertReverts("E02", stranger, asStranger.releaseEpoch(dm, BigInteger.valueOf(11), BigInteger.valueOf(20)));
        assertReverts("E02", sequencer, batch(asSequencer, dm, "bafyDisabled", 1, List.of("p"), List.of("c")));
        asOwner.toggleDataMarket(dm, true).send();
        assertThat(asOwner.dataMarketEnabled(dm).send()).isTrue();
        assertReverts("E02", owner, asOwner.toggleDataMarket(nextMarket(), true));
    }

    @Test
    void sequencerAdministration() throws Exception {
        String dm = newMarket();
        String extra = stranger.getAddress();
        TransactionReceipt added = asOwner.addSequencer(dm, extra).send();
        var addedEvent = PowerloomProtocolState.getSequencersUpdatedEvents(added);
        assertThat(addedEvent).singleElement().satisfies(e -> {
            assertThat(e.dataMarketAddress).isEqualToIgnoringCase(dm);
            assertThat(e.sequencerAddress).isEqualToIgnoringCase(extra);
            assertThat(e.allowed).isTrue();
        });
        assertThat(addresses(asOwner.getSequencers(dm).send()))
                .containsExactly(sequencer.getAddress(), sequencer2.getAddress(), extra);
        // adding twice changes nothing and emits nothing
        assertThat(PowerloomProtocolState.getSequencersUpdatedEvents(
                        asOwner.addSequencer(dm, extra).send()))
                .isEmpty();

        TransactionReceipt removed =
                asOwner.removeSequencer(dm, sequencer.getAddress()).send();
        assertThat(PowerloomProtocolState.getSequencersUpdatedEvents(removed))
                .singleElement()
                .satisfies(e -> assertThat(e.allowed).isFalse());
        assertThat(addresses(asOwner.getSequencers(dm).send()))
                .containsExactlyInAnyOrder(sequencer2.getAddress(), extra);
        assertThat(asOwner.getTotalSequencersCount(dm).send()).isEqualTo(BigInteger.TWO);

        asEpochManager
                .releaseEpoch(dm, BigInteger.ONE, BigInteger.valueOf(EPOCH_SIZE))
                .send();
        assertReverts("E04", sequencer, batch(asSequencer, dm, "bafyRemoved", 1, List.of("p"), List.of("c")));
        assertThat(batch(asStranger, dm, "bafyAdded", 1, List.of("p"), List.of("c"))
                        .send()
                        .isStatusOK())
                .isTrue();

        assertReverts("E03", stranger, asStranger.addSequencer(dm, stranger.getAddress()));
        assertReverts("E03", stranger, asStranger.removeSequencer(dm, sequencer2.getAddress()));
        assertReverts("E18", owner, asOwner.addSequencer(dm, ZERO_ADDRESS));
        assertReverts("E02", owner, asOwner.addSequencer(nextMarket(), stranger.getAddress()));
    }

    // ------------------------------------------------------------------ slots

    @Test
    void slotRegistrationEventsAndReads() throws Exception {
        BigInteger slot = BigInteger.valueOf(500);
        String first = CHAIN.anvil().address(8);
        String second = CHAIN.anvil().address(9);
        BigInteger total = asOwner.getTotalNodeCount().send();
        BigInteger enabled = asOwner.enabledNodeCount().send();

        TransactionReceipt registered = asOwner.registerSlot(slot, first).send();
        assertSlotEvent(registered, slot, first, true);
        assertThat(asOwner.slotSnapshotterMapping(slot).send()).isEqualToIgnoringCase(first);
        NodeInfo info = asOwner.nodeInfo(slot).send();
        assertThat(info.snapshotterAddress).isEqualToIgnoringCase(first);
        assertThat(info.active).isTrue();
        assertThat(info.mintedOn).isEqualTo(blockTimestamp(registered));
        assertThat(info.lastUpdated).isEqualTo(blockTimestamp(registered));
        assertThat(asOwner.getTotalNodeCount().send()).isEqualTo(total.add(BigInteger.ONE));
        assertThat(asOwner.enabledNodeCount().send()).isEqualTo(enabled.add(BigInteger.ONE));

        TransactionReceipt moved = asOwner.setSlotSnapshotter(slot, second).send();
        assertSlotEvent(moved, slot, second, true);
        assertThat(asOwner.slotSnapshotterMapping(slot).send()).isEqualToIgnoringCase(second);

        TransactionReceipt deactivated = asOwner.deactivateSlot(slot).send();
        assertSlotEvent(deactivated, slot, second, false);
        assertThat(asOwner.nodeInfo(slot).send().active).isFalse();
        assertThat(asOwner.slotSnapshotterMapping(slot).send())
                .as("owner stays readable")
                .isEqualToIgnoringCase(second);
        assertThat(asOwner.enabledNodeCount().send()).isEqualTo(enabled);
        assertThat(asOwner.getTotalNodeCount().send()).isEqualTo(total.add(BigInteger.ONE));

        TransactionReceipt reactivated = asOwner.setSlotSnapshotter(slot, first).send();
        assertSlotEvent(reactivated, slot, first, true);
        assertThat(asOwner.nodeInfo(slot).send().active).isTrue();
        assertThat(asOwner.enabledNodeCount().send()).isEqualTo(enabled.add(BigInteger.ONE));

        assertReverts("E09", owner, asOwner.registerSlot(slot, first));
        assertReverts("E29", owner, asOwner.registerSlot(BigInteger.valueOf(501), ZERO_ADDRESS));
        assertReverts("E29", owner, asOwner.setSlotSnapshotter(BigInteger.valueOf(502), first));
        assertReverts("E29", owner, asOwner.setSlotSnapshotter(slot, ZERO_ADDRESS));
        assertReverts("E29", owner, asOwner.deactivateSlot(BigInteger.valueOf(503)));
        assertReverts("E03", stranger, asStranger.registerSlot(BigInteger.valueOf(504), first));
        assertReverts("E03", stranger, asStranger.setSlotSnapshotter(slot, second));
        assertReverts("E03", stranger, asStranger.deactivateSlot(slot));
    }

    // ------------------------------------------------------------------ epochs

    @Test
    void releaseEpochEmitsEpochReleasedAndRecordsTheReleaseBlock() throws Exception {
        String dm = newMarket();
        TransactionReceipt first = asEpochManager
                .releaseEpoch(dm, BigInteger.valueOf(101), BigInteger.valueOf(110))
                .send();
        EpochReleasedEventResponse e1 = single(PowerloomProtocolState.getEpochReleasedEvents(first));
        assertThat(e1.dataMarketAddress).isEqualToIgnoringCase(dm);
        assertThat(e1.epochId).isEqualTo(BigInteger.ONE);
        assertThat(e1.begin).isEqualTo(BigInteger.valueOf(101));
        assertThat(e1.end).isEqualTo(BigInteger.valueOf(110));
        assertThat(e1.timestamp).isEqualTo(blockTimestamp(first));

        var info = asOwner.epochInfo(dm, BigInteger.ONE).send();
        assertThat(info.component1()).isEqualTo(blockTimestamp(first));
        assertThat(info.component2()).isEqualTo(first.getBlockNumber());
        assertThat(info.component3()).isEqualTo(BigInteger.valueOf(110));

        TransactionReceipt second = asEpochManager
                .releaseEpoch(dm, BigInteger.valueOf(111), BigInteger.valueOf(120))
                .send();
        EpochReleasedEventResponse e2 = single(PowerloomProtocolState.getEpochReleasedEvents(second));
        assertThat(e2.epochId).isEqualTo(BigInteger.TWO);
        var current = asOwner.currentEpoch(dm).send();
        assertThat(current.component1()).isEqualTo(BigInteger.valueOf(111));
        assertThat(current.component2()).isEqualTo(BigInteger.valueOf(120));
        assertThat(current.component3()).isEqualTo(BigInteger.TWO);

        assertReverts("E05", stranger, asStranger.releaseEpoch(dm, BigInteger.valueOf(121), BigInteger.valueOf(130)));
        assertReverts("E05", sequencer, asSequencer.releaseEpoch(dm, BigInteger.valueOf(121), BigInteger.valueOf(130)));
        assertReverts(
                "E20", epochManager, asEpochManager.releaseEpoch(dm, BigInteger.valueOf(130), BigInteger.valueOf(121)));
        assertReverts(
                "E21", epochManager, asEpochManager.releaseEpoch(dm, BigInteger.valueOf(121), BigInteger.valueOf(131)));
        assertReverts(
                "E22", epochManager, asEpochManager.releaseEpoch(dm, BigInteger.valueOf(131), BigInteger.valueOf(140)));
        assertReverts(
                "E02",
                epochManager,
                asEpochManager.releaseEpoch(nextMarket(), BigInteger.valueOf(1), BigInteger.valueOf(10)));

        // forceSkipEpoch releases past a gap
        TransactionReceipt skipped = asEpochManager
                .forceSkipEpoch(dm, BigInteger.valueOf(201), BigInteger.valueOf(210))
                .send();
        EpochReleasedEventResponse e3 = single(PowerloomProtocolState.getEpochReleasedEvents(skipped));
        assertThat(e3.epochId).isEqualTo(BigInteger.valueOf(3));
        assertThat(e3.begin).isEqualTo(BigInteger.valueOf(201));
        assertReverts("E05", stranger, asStranger.forceSkipEpoch(dm, BigInteger.valueOf(301), BigInteger.valueOf(310)));
        assertReverts(
                "E21",
                epochManager,
                asEpochManager.forceSkipEpoch(dm, BigInteger.valueOf(301), BigInteger.valueOf(305)));
        // continuity resumes from the skipped epoch
        assertThat(asEpochManager
                        .releaseEpoch(dm, BigInteger.valueOf(211), BigInteger.valueOf(220))
                        .send()
                        .isStatusOK())
                .isTrue();
    }

    // ------------------------------------------------------------------ batches

    @Test
    void submitSubmissionBatchStoresCidsAndEmitsSnapshotBatchSubmitted() throws Exception {
        String dm = newMarket();
        release(dm, 1);
        List<String> projects =
                List.of("aggregate_pairContract_24h_trade_volume:0x8ef7:UNISWAPV2", "pairContract:0x1:U");
        List<String> cids = List.of("bafkreiaaaa", "bafkreibbbb");
        byte[] root = filled((byte) 0x11);

        TransactionReceipt receipt =
                batch(asSequencer, dm, "bafyBatch1", 1, projects, cids, root).send();
        SnapshotBatchSubmittedEventResponse e = single(PowerloomProtocolState.getSnapshotBatchSubmittedEvents(receipt));
        assertThat(e.dataMarketAddress).isEqualToIgnoringCase(dm);
        assertThat(e.batchCid).isEqualTo("bafyBatch1");
        assertThat(e.epochId).isEqualTo(BigInteger.ONE);
        assertThat(e.timestamp).isEqualTo(blockTimestamp(receipt));
        assertThat(PowerloomProtocolState.getDelayedBatchSubmittedEvents(receipt))
                .isEmpty();

        assertThat(asOwner.maxSnapshotsCid(dm, projects.get(0), BigInteger.ONE).send())
                .isEqualTo("bafkreiaaaa");
        assertThat(asOwner.maxSnapshotsCid(dm, projects.get(1), BigInteger.ONE).send())
                .isEqualTo("bafkreibbbb");
        assertThat(asOwner.maxSnapshotsCid(dm, projects.get(0), BigInteger.TWO).send())
                .isEmpty();
        assertThat(asOwner.batchCidFinalizedRoot(dm, "bafyBatch1").send()).isEqualTo(root);
        assertThat(asOwner.lastSequencerFinalizedSnapshot(dm, projects.get(0)).send())
                .isEqualTo(BigInteger.ONE);

        // a second batch of the same epoch from the other sequencer, with other projects
        batch(asSequencer2, dm, "bafyBatch2", 1, List.of("p3"), List.of("bafkreicccc"))
                .send();
        assertThat(strings(asOwner.epochIdToBatchCids(dm, BigInteger.ONE).send()))
                .containsExactly("bafyBatch1", "bafyBatch2");
        assertThat(asOwner.batchSubmissionsCompleted(dm, BigInteger.ONE).send()).isFalse();

        // the next epoch's CID for the same project
        release(dm, 2);
        batch(asSequencer, dm, "bafyBatch3", 2, List.of(projects.get(0)), List.of("bafkreidddd"))
                .send();
        assertThat(asOwner.maxSnapshotsCid(dm, projects.get(0), BigInteger.TWO).send())
                .isEqualTo("bafkreidddd");
        assertThat(asOwner.lastSequencerFinalizedSnapshot(dm, projects.get(0)).send())
                .isEqualTo(BigInteger.TWO);
        assertThat(asOwner.maxSnapshotsCid(dm, projects.get(0), BigInteger.ONE).send())
                .isEqualTo("bafkreiaaaa");
    }

    @Test
    void submitSubmissionBatchRevertCodes() throws Exception {
        String dm = newMarket();
        release(dm, 1);
        batch(asSequencer, dm, "bafyOk", 1, List.of("p1", "p2"), List.of("c1", "c2"))
                .send();

        assertReverts("E04", stranger, batch(asStranger, dm, "bafyX", 1, List.of("p9"), List.of("c9")));
        assertReverts("E04", owner, batch(asOwner, dm, "bafyX", 1, List.of("p9"), List.of("c9")));
        assertReverts("E23", sequencer, batch(asSequencer, dm, "bafyX", 1, List.of("p9", "p10"), List.of("c9")));
        assertReverts("E24", sequencer, batch(asSequencer, dm, "bafyX", 1, List.of(), List.of()));
        assertReverts("E24", sequencer, batch(asSequencer, dm, "bafyX", 1, List.of("p9"), List.of("")));
        // p2 already has a CID for epoch 1: the whole batch reverts, p9 stays unset
        assertReverts(
                "E25", sequencer2, batch(asSequencer2, dm, "bafyDup", 1, List.of("p9", "p2"), List.of("c9", "c2")));
        assertThat(asOwner.maxSnapshotsCid(dm, "p9", BigInteger.ONE).send()).isEmpty();
        assertReverts("E30", sequencer, batch(asSequencer, dm, "bafyX", 2, List.of("p9"), List.of("c9")));
        assertReverts("E30", sequencer, batch(asSequencer, dm, "bafyX", 0, List.of("p9"), List.of("c9")));
        assertReverts("E02", sequencer, batch(asSequencer, nextMarket(), "bafyX", 1, List.of("p9"), List.of("c9")));

        asSequencer.endBatchSubmissions(dm, BigInteger.ONE).send();
        assertReverts("E43", sequencer, batch(asSequencer, dm, "bafyLate", 1, List.of("p9"), List.of("c9")));
        assertThat(strings(asOwner.epochIdToBatchCids(dm, BigInteger.ONE).send()))
                .containsExactly("bafyOk");
    }

    @Test
    void batchPastTheWindowOnlyEmitsDelayedBatchSubmitted() throws Exception {
        String dm = newMarket();
        CHAIN.anvil().setAutomine(true);

        // epoch 1: the batch lands exactly on the last block of the window -> stored
        TransactionReceipt released1 = release(dm, 1);
        CHAIN.anvil().mine(BATCH_WINDOW - 1);
        TransactionReceipt onTime = batch(asSequencer, dm, "bafyOnTime", 1, List.of("p"), List.of("c1"))
                .send();
        assertThat(onTime.getBlockNumber()).isEqualTo(released1.getBlockNumber().add(BigInteger.valueOf(BATCH_WINDOW)));
        assertThat(PowerloomProtocolState.getSnapshotBatchSubmittedEvents(onTime))
                .hasSize(1);
        assertThat(PowerloomProtocolState.getDelayedBatchSubmittedEvents(onTime))
                .isEmpty();
        assertThat(asOwner.maxSnapshotsCid(dm, "p", BigInteger.ONE).send()).isEqualTo("c1");

        // epoch 2: one block later than that -> delayed, nothing stored
        TransactionReceipt released2 = release(dm, 2);
        CHAIN.anvil().mine(BATCH_WINDOW);
        byte[] root = filled((byte) 0x22);
        TransactionReceipt late = batch(asSequencer, dm, "bafyLate", 2, List.of("p"), List.of("c2"), root)
                .send();
        assertThat(late.getBlockNumber())
                .isEqualTo(released2.getBlockNumber().add(BigInteger.valueOf(BATCH_WINDOW + 1)));
        assertThat(late.isStatusOK()).isTrue();
        DelayedBatchSubmittedEventResponse delayed =
                single(PowerloomProtocolState.getDelayedBatchSubmittedEvents(late));
        assertThat(delayed.dataMarketAddress).isEqualToIgnoringCase(dm);
        assertThat(delayed.batchCid).isEqualTo("bafyLate");
        assertThat(delayed.epochId).isEqualTo(BigInteger.TWO);
        assertThat(delayed.timestamp).isEqualTo(blockTimestamp(late));
        assertThat(PowerloomProtocolState.getSnapshotBatchSubmittedEvents(late)).isEmpty();
        assertThat(asOwner.maxSnapshotsCid(dm, "p", BigInteger.TWO).send()).isEmpty();
        assertThat(asOwner.epochIdToBatchCids(dm, BigInteger.TWO).send()).isEmpty();
        assertThat(asOwner.batchCidFinalizedRoot(dm, "bafyLate").send()).isEqualTo(new byte[32]);
        assertThat(asOwner.lastSequencerFinalizedSnapshot(dm, "p").send()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void endBatchSubmissionsClosesTheEpoch() throws Exception {
        String dm = newMarket();
        release(dm, 1);
        release(dm, 2);
        batch(asSequencer, dm, "bafyE1", 1, List.of("p"), List.of("c")).send();

        assertReverts("E04", stranger, asStranger.endBatchSubmissions(dm, BigInteger.ONE));
        assertReverts("E30", sequencer, asSequencer.endBatchSubmissions(dm, BigInteger.valueOf(3)));
        assertReverts("E30", sequencer, asSequencer.endBatchSubmissions(dm, BigInteger.ZERO));
        assertReverts("E02", sequencer, asSequencer.endBatchSubmissions(nextMarket(), BigInteger.ONE));

        TransactionReceipt ended =
                asSequencer.endBatchSubmissions(dm, BigInteger.ONE).send();
        BatchSubmissionsCompletedEventResponse e =
                single(PowerloomProtocolState.getBatchSubmissionsCompletedEvents(ended));
        assertThat(e.dataMarketAddress).isEqualToIgnoringCase(dm);
        assertThat(e.epochId).isEqualTo(BigInteger.ONE);
        assertThat(e.timestamp).isEqualTo(blockTimestamp(ended));
        assertThat(asOwner.batchSubmissionsCompleted(dm, BigInteger.ONE).send()).isTrue();
        assertThat(asOwner.batchSubmissionsCompleted(dm, BigInteger.TWO).send()).isFalse();

        // closing twice, or any later batch, is E43 (a relayer treats it as already done)
        assertReverts("E43", sequencer2, asSequencer2.endBatchSubmissions(dm, BigInteger.ONE));
        assertReverts("E43", sequencer, batch(asSequencer, dm, "bafyAfter", 1, List.of("q"), List.of("c")));
        // other epochs stay open; an epoch with zero batches can be closed too
        assertThat(batch(asSequencer, dm, "bafyE2", 2, List.of("p"), List.of("c"))
                        .send()
                        .isStatusOK())
                .isTrue();
        assertThat(asSequencer2.endBatchSubmissions(dm, BigInteger.TWO).send().isStatusOK())
                .isTrue();
    }

    @Test
    void ownershipTransfer() throws Exception {
        // a second contract, so the shared one keeps its owner
        PowerloomProtocolState other = deployer.deployContract();
        TransactionReceipt moved =
                other.transferOwnership(stranger.getAddress()).send();
        assertThat(PowerloomProtocolState.getOwnershipTransferredEvents(moved))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.previousOwner).isEqualToIgnoringCase(owner.getAddress());
                    assertThat(e.newOwner).isEqualToIgnoringCase(stranger.getAddress());
                });
        assertThat(other.owner().send()).isEqualToIgnoringCase(stranger.getAddress());
        assertReverts("E03", owner, other.getContractAddress(), other.registerSlot(BigInteger.ONE, owner.getAddress()));
        PowerloomProtocolState otherAsStranger =
                ProtocolStateDeployer.load(other.getContractAddress(), web3j, stranger, CHAIN_ID);
        assertThat(otherAsStranger
                        .registerSlot(BigInteger.ONE, owner.getAddress())
                        .send()
                        .isStatusOK())
                .isTrue();
        assertReverts("E18", stranger, other.getContractAddress(), otherAsStranger.transferOwnership(ZERO_ADDRESS));
    }

    @Test
    void deployerReportsRevertsAsTypedErrors() {
        PowerloomProtocolState contract = deployer.deployContract();
        DataMarketConfig config = config(nextMarket());
        deployer.createDataMarket(contract, config);
        ChainTransactionException duplicate = catchThrowableOfType(
                ChainTransactionException.class, () -> deployer.createDataMarket(contract, config));
        assertThat(duplicate.revertReason()).contains("E09");
        assertThat(duplicate).hasMessageContaining("createDataMarket").hasMessageContaining("E09");

        assertThatThrownBy(() -> deployer.registerSlots(contract, -1, snapshotters))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataMarketConfig("0x12", 10, 1, 1, owner.getAddress(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataMarket");
        assertThatThrownBy(() -> new DataMarketConfig(nextMarket(), 256, 1, 1, owner.getAddress(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epochSize");
    }

    // ------------------------------------------------------------------ helpers

    private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

    // ------------------------------------------------------------------ snapshotter accounting (SPEC section 10)

    @Test
    void daysStartOnReleaseAndForceSkipWhenTheEpochOpensADay() throws Exception {
        String dm = newMarket();
        // production's defaults: 86,400 s days of 12 s blocks, epochs of 10 blocks = 720 epochs a day
        assertThat(asOwner.DAY_SIZE(dm).send()).isEqualTo(BigInteger.valueOf(864_000_000L));
        assertThat(asOwner.epochsInADay(dm).send()).isEqualTo(BigInteger.valueOf(720));
        assertThat(asOwner.dayCounter(dm).send()).isEqualTo(BigInteger.ONE);
        assertThat(asOwner.dailySnapshotQuota(dm).send()).isEqualTo(BigInteger.valueOf(1000));

        TransactionReceipt sized = asOwner.updateDaySize(dm, BigInteger.valueOf(3L * 120_000 * EPOCH_SIZE))
                .send();
        assertThat(single(PowerloomProtocolState.getDaySizeUpdatedEvents(sized)).epochsInADay)
                .isEqualTo(BigInteger.valueOf(3));
        assertThat(asOwner.epochsInADay(dm).send()).isEqualTo(BigInteger.valueOf(3));
        assertReverts("E21", owner, asOwner.updateDaySize(dm, BigInteger.ONE));
        assertReverts("E03", stranger, asStranger.updateDaySize(dm, BigInteger.valueOf(864_000_000L)));
        assertReverts("E03", stranger, asStranger.updateDailySnapshotQuota(dm, BigInteger.TEN));
        TransactionReceipt quota =
                asOwner.updateDailySnapshotQuota(dm, BigInteger.TWO).send();
        assertThat(single(PowerloomProtocolState.getDailySnapshotQuotaUpdatedEvents(quota)).dailySnapshotQuota)
                .isEqualTo(BigInteger.TWO);

        // epochs 1..3: day 1; epoch 4 (4 % 3 == 1) starts day 2; epoch 7 day 3 (through forceSkipEpoch)
        for (int n = 1; n <= 3; n++) {
            assertThat(PowerloomProtocolState.getDayStartedEventEvents(release(dm, n)))
                    .isEmpty();
        }
        TransactionReceipt fourth = release(dm, 4);
        PowerloomProtocolState.DayStartedEventEventResponse day2 =
                single(PowerloomProtocolState.getDayStartedEventEvents(fourth));
        assertThat(day2.dataMarketAddress).isEqualToIgnoringCase(dm);
        assertThat(day2.dayId).isEqualTo(BigInteger.TWO);
        assertThat(day2.timestamp).isEqualTo(blockTimestamp(fourth));
        // the day starts before the epoch is released, in the same transaction (production's order)
        assertThat(fourth.getLogs().get(0).getTopics().get(0))
                .isEqualTo(org.web3j.abi.EventEncoder.encode(PowerloomProtocolState.DAYSTARTEDEVENT_EVENT));
        release(dm, 5);
        release(dm, 6);
        TransactionReceipt skipped = asEpochManager
                .forceSkipEpoch(dm, BigInteger.valueOf(1001), BigInteger.valueOf(1000 + EPOCH_SIZE))
                .send();
        assertThat(single(PowerloomProtocolState.getDayStartedEventEvents(skipped)).dayId)
                .isEqualTo(BigInteger.valueOf(3));
        assertThat(asOwner.dayCounter(dm).send()).isEqualTo(BigInteger.valueOf(3));
    }

    @Test
    void countsAreAbsoluteForTheCurrentOrPreviousDayAndFinalCountsRewardOnce() throws Exception {
        String dm = newMarket();
        asOwner.updateDaySize(dm, BigInteger.valueOf(2L * 120_000 * EPOCH_SIZE)).send();
        asOwner.updateDailySnapshotQuota(dm, BigInteger.valueOf(3)).send();
        List<BigInteger> slots = List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3));
        release(dm, 1);
        asSequencer
                .updateSubmissionCounts(dm, slots, nums(1, 2, 0), BigInteger.ONE)
                .send();
        asSequencer2
                .updateSubmissionCounts(dm, slots.subList(0, 2), nums(4, 2), BigInteger.ONE)
                .send();
        assertThat(count(dm, 1, 1)).isEqualTo(4);
        assertThat(count(dm, 2, 1)).isEqualTo(2);
        assertThat(asOwner.checkSlotTaskStatusForDay(dm, BigInteger.ONE, BigInteger.ONE)
                        .send())
                .isTrue();
        assertThat(asOwner.checkSlotTaskStatusForDay(dm, BigInteger.TWO, BigInteger.ONE)
                        .send())
                .isFalse();
        assertReverts("E38", sequencer, asSequencer.updateSubmissionCounts(dm, slots, nums(1, 1, 1), BigInteger.TWO));
        assertReverts(
                "E38", sequencer, asSequencer.updateEligibleNodesForDay(dm, BigInteger.valueOf(3), BigInteger.ONE));
        assertReverts("E19", sequencer, asSequencer.updateSubmissionCounts(dm, slots, nums(1, 1), BigInteger.ONE));
        assertReverts("E04", stranger, asStranger.updateSubmissionCounts(dm, slots, nums(1, 1, 1), BigInteger.ONE));
        assertReverts("E04", owner, asOwner.updateEligibleNodesForDay(dm, BigInteger.ONE, BigInteger.ONE));
        assertReverts(
                "E04",
                stranger,
                asStranger.updateEligibleSubmissionCountsForDay(dm, slots, nums(5, 5, 5), BigInteger.ONE));

        release(dm, 2);
        release(dm, 3); // day 2 starts: day 1 is the previous day, still open for its final counts
        assertThat(asOwner.dayCounter(dm).send()).isEqualTo(BigInteger.TWO);
        asSequencer
                .updateEligibleNodesForDay(dm, BigInteger.ONE, BigInteger.ONE)
                .send();
        assertThat(asOwner.eligibleNodesForDay(dm, BigInteger.ONE).send()).isEqualTo(BigInteger.ONE);
        TransactionReceipt fin = asSequencer
                .updateEligibleSubmissionCountsForDay(dm, slots.subList(0, 1), nums(5), BigInteger.ONE)
                .send();
        PowerloomProtocolState.DailyTaskCompletedEventEventResponse done =
                single(PowerloomProtocolState.getDailyTaskCompletedEventEvents(fin));
        assertThat(done.dataMarketAddress).isEqualToIgnoringCase(dm);
        assertThat(done.snapshotterAddress).isEqualToIgnoringCase(snapshotters.get(0));
        assertThat(done.slotId).isEqualTo(BigInteger.ONE);
        assertThat(done.dayId).isEqualTo(BigInteger.ONE);
        assertThat(count(dm, 1, 1)).isEqualTo(5);
        assertThat(asOwner.slotRewardedForDay(dm, BigInteger.ONE, BigInteger.ONE)
                        .send())
                .isTrue();
        assertThat(asOwner.slotRewardedForDay(dm, BigInteger.TWO, BigInteger.ONE)
                        .send())
                .isFalse();
        // a second final count, or a periodic one, for a rewarded slot: E48 (the sequencer treats it as done)
        assertReverts(
                "E48",
                sequencer2,
                asSequencer2.updateEligibleSubmissionCountsForDay(dm, slots.subList(0, 1), nums(6), BigInteger.ONE));
        assertReverts(
                "E48", sequencer, asSequencer.updateSubmissionCounts(dm, slots.subList(0, 1), nums(7), BigInteger.ONE));
        assertReverts(
                "E19", sequencer, asSequencer.updateEligibleSubmissionCountsForDay(dm, slots, nums(5), BigInteger.ONE));
        // a final count below the quota is stored but rewards nothing
        TransactionReceipt below = asSequencer
                .updateEligibleSubmissionCountsForDay(dm, slots.subList(1, 2), nums(2), BigInteger.ONE)
                .send();
        assertThat(PowerloomProtocolState.getDailyTaskCompletedEventEvents(below))
                .isEmpty();
        assertThat(asOwner.slotRewardedForDay(dm, BigInteger.TWO, BigInteger.ONE)
                        .send())
                .isFalse();

        release(dm, 4);
        release(dm, 5); // day 3: day 1 is closed
        assertReverts(
                "E38",
                sequencer,
                asSequencer.updateEligibleSubmissionCountsForDay(dm, slots.subList(1, 2), nums(9), BigInteger.ONE));
        assertReverts("E38", sequencer, asSequencer.updateEligibleNodesForDay(dm, BigInteger.ONE, BigInteger.TWO));
        assertThat(count(dm, 1, 1)).isEqualTo(5);
    }

    private static List<BigInteger> nums(long... values) {
        return java.util.Arrays.stream(values).mapToObj(BigInteger::valueOf).toList();
    }

    private static long count(String dm, long slot, long day) throws Exception {
        return asOwner.slotSubmissionCount(dm, BigInteger.valueOf(slot), BigInteger.valueOf(day))
                .send()
                .longValueExact();
    }

    private static DataMarketConfig config(String dataMarket) {
        return new DataMarketConfig(
                dataMarket,
                EPOCH_SIZE,
                SNAPSHOT_WINDOW,
                BATCH_WINDOW,
                epochManager.getAddress(),
                List.of(sequencer.getAddress(), sequencer2.getAddress()));
    }

    /** A fresh market address (the contract does not care whether code lives there). */
    private static String nextMarket() {
        return String.format("0x%040x", 0xd47a0000L + MARKETS.incrementAndGet());
    }

    /** Creates a fresh data market with the standard sequencers and epoch manager. */
    private static String newMarket() {
        String dm = nextMarket();
        deployer.createDataMarket(asOwner, config(dm));
        return dm;
    }

    /** Releases epoch {@code n} (1-based) of a fresh market: blocks (n-1)*size+1 .. n*size. */
    private static TransactionReceipt release(String dm, int n) throws Exception {
        BigInteger begin = BigInteger.valueOf((long) (n - 1) * EPOCH_SIZE + 1);
        BigInteger end = BigInteger.valueOf((long) n * EPOCH_SIZE);
        TransactionReceipt receipt = asEpochManager.releaseEpoch(dm, begin, end).send();
        assertThat(single(PowerloomProtocolState.getEpochReleasedEvents(receipt)).epochId)
                .isEqualTo(BigInteger.valueOf(n));
        return receipt;
    }

    private static RemoteFunctionCall<TransactionReceipt> batch(
            PowerloomProtocolState as,
            String dm,
            String batchCid,
            long epochId,
            List<String> projects,
            List<String> cids) {
        return batch(as, dm, batchCid, epochId, projects, cids, ROOT);
    }

    private static RemoteFunctionCall<TransactionReceipt> batch(
            PowerloomProtocolState as,
            String dm,
            String batchCid,
            long epochId,
            List<String> projects,
            List<String> cids,
            byte[] root) {
        return as.submitSubmissionBatch(dm, batchCid, BigInteger.valueOf(epochId), projects, cids, root);
    }

    /**
     * The call reverts with exactly {@code code}: simulated with eth_call (revert data decoded), then really sent
     * (mined with status 0; the reason web3j reports is the same).
     */
    private static void assertReverts(String code, Credentials from, RemoteFunctionCall<TransactionReceipt> call) {
        assertReverts(code, from, deployment.contractAddress(), call);
    }

    private static void assertReverts(
            String code, Credentials from, String contract, RemoteFunctionCall<TransactionReceipt> call) {
        assertThat(RevertReasons.ofCall(
                        web3j,
                        from.getAddress(),
                        contract,
                        call.encodeFunctionCall(),
                        DefaultBlockParameterName.LATEST))
                .as("eth_call revert reason")
                .contains(code);
        TransactionException mined = catchThrowableOfType(TransactionException.class, call::send);
        assertThat(mined).as("sent transaction must fail").isNotNull();
        TransactionReceipt receipt = mined.getTransactionReceipt().orElseThrow();
        assertThat(receipt.isStatusOK()).isFalse();
        assertThat(RevertReasons.fromMessage(receipt.getRevertReason()))
                .as("mined revert reason")
                .isEqualTo(code);
    }

    private static void assertSlotEvent(
            TransactionReceipt receipt, BigInteger slotId, String snapshotter, boolean active) {
        SlotSnapshotterUpdatedEventResponse e = single(PowerloomProtocolState.getSlotSnapshotterUpdatedEvents(receipt));
        assertThat(e.slotId).isEqualTo(slotId);
        assertThat(e.snapshotter).isEqualToIgnoringCase(snapshotter);
        assertThat(e.active).isEqualTo(active);
    }

    private static BigInteger blockTimestamp(TransactionReceipt receipt) throws Exception {
        EthBlock block = web3j.ethGetBlockByHash(receipt.getBlockHash(), false).send();
        return block.getBlock().getTimestamp();
    }

    private static <T> T single(List<T> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    @SuppressWarnings("rawtypes")
    private static List<String> addresses(List raw) {
        return strings(raw).stream()
                .map(a -> a.toLowerCase(java.util.Locale.ROOT))
                .toList();
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static List<String> strings(List raw) {
        return ((List<Object>) raw).stream().map(Object::toString).toList();
    }

    private static byte[] filled(byte value) {
        byte[] out = new byte[32];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
