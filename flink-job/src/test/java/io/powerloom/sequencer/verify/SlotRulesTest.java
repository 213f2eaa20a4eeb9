package io.powerloom.sequencer.verify;

import static io.powerloom.sequencer.job.HarnessSupport.keyedStateEntries;
import static io.powerloom.sequencer.job.HarnessSupport.reasons;
import static io.powerloom.sequencer.job.HarnessSupport.rejectedIds;
import static io.powerloom.sequencer.job.HarnessSupport.watermark;
import static io.powerloom.sequencer.job.Snapshotters.address;
import static io.powerloom.sequencer.job.Snapshotters.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.SignedSubmission;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlotRulesTest {
    private static final long RETENTION = 60_000;
    private KeyedBroadcastOperatorTestHarness<Long, SignedSubmission, ChainEvent, SignedSubmission> h;

    private void open(Set<String> fullNodes) throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new SlotRules(2, fullNodes, true, 5, RETENTION),
                SignedSubmission::slotId,
                Types.LONG,
                SlotRules.SLOTS,
                SlotRules.BLOCKS,
                SlotRules.FRONTIER);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void register(long slot, String owner, boolean active, long at) throws Exception {
        h.processBroadcastElement(ChainEvent.slot(at, slot, owner, active, 1), at);
    }

    private void submit(SignedSubmission s) throws Exception {
        h.processElement(s, s.receivedAtMs());
    }

    private List<String> acceptedIds() {
        return h.extractOutputValues().stream()
                .map(SignedSubmission::submissionId)
                .collect(Collectors.toList());
    }

    @Test
    void acceptsTheRegisteredSnapshotterOnlyOnceTheWatermarkPasses() throws Exception {
        open(Set.of());
        register(7, address(7), true, 100);
        submit(signed("a", 7, 1, "p", "c", 1000));
        assertThat(acceptedIds()).as("nothing is decided before the watermark").isEmpty();
        watermark(h, 1000);
        assertThat(acceptedIds()).containsExactly("a");
    }

    @Test
    void judgesAgainstTheRegistrationInForceWhenReceivedWhateverArrivesFirst() throws Exception {
        open(Set.of());
        // the slot changes hands at t=2000; the submission received at 1500 by the old owner is valid even though
        // the change is processed before the submission
        register(7, address(7), true, 100);
        register(7, address(8), true, 2000);
        submit(signed("old-owner", 7, 1, "p", "c", 1500));
        SignedSubmission byOldAfterChange = new SignedSubmission(
                "old-owner-late",
                "peer",
                2500,
                signed("x", 7, 1, "p", "c", 0).dataMarket(),
                7,
                1,
                "p2",
                "c",
                1_000_000,
                address(7),
                new byte[0]);
        submit(byOldAfterChange);
        watermark(h, 3000);
        assertThat(acceptedIds()).containsExactly("old-owner");
        assertThat(reasons(h, SlotRules.REJECTED)).containsExactly(RejectReason.SIGNER_NOT_SLOT_OWNER);
    }

    @Test
    void rejectsUnregisteredInactiveAndForged() throws Exception {
        open(Set.of());
        register(7, address(7), true, 100);
        register(9, address(9), false, 100);
        submit(signed("unregistered", 5, 1, "p", "c", 1000));
        submit(signed("inactive", 9, 1, "p", "c", 1000));
        SignedSubmission forged = new SignedSubmission(
                "forged",
                "peer",
                1000,
                signed("x", 7, 1, "p", "c", 0).dataMarket(),
                7,
                1,
                "p",
                "c",
                1_000_000,
                address(8),
                new byte[0]);
        submit(forged);
        // registered only after the submission was received
        register(11, address(11), true, 5000);
        submit(signed("too-early-for-registry", 11, 1, "p", "c", 1000));
        watermark(h, 6000);
        assertThat(acceptedIds()).isEmpty();
        assertThat(rejectedIds(h, SlotRules.REJECTED))
                .containsExactlyInAnyOrder("unregistered", "inactive", "forged", "too-early-for-registry");
        assertThat(reasons(h, SlotRules.REJECTED))
                .containsExactlyInAnyOrder(
                        RejectReason.SLOT_NOT_REGISTERED,
                        RejectReason.SLOT_INACTIVE,
                        RejectReason.SIGNER_NOT_SLOT_OWNER,
                        RejectReason.SLOT_NOT_REGISTERED);
    }

    @Test
    void limitsEachSlotToTwoPerEpochAcrossProjectsUnlessFullNode() throws Exception {
        open(Set.of(address(8)));
        register(7, address(7), true, 0);
        register(8, address(8), true, 0);
        for (int i = 0; i < 4; i++) {
            submit(signed("s7-" + i, 7, 1, "p" + i, "c", 1000 + i));
            submit(signed("s8-" + i, 8, 1, "p" + i, "c", 1000 + i));
        }
        submit(signed("s7-next-epoch", 7, 2, "p0", "c", 1010));
        watermark(h, 2000);
        assertThat(acceptedIds())
                .containsExactlyInAnyOrder("s7-0", "s7-1", "s8-0", "s8-1", "s8-2", "s8-3", "s7-next-epoch");
        assertThat(rejectedIds(h, SlotRules.REJECTED)).containsExactly("s7-2", "s7-3");
        assertThat(reasons(h, SlotRules.REJECTED)).containsOnly(RejectReason.SLOT_EPOCH_LIMIT);
    }

    /** The per-slot values kept on the heap are copies: a subtask restored from a checkpoint reads them from state. */
    @Test
    void theEpochLimitAndTheDuplicateCheckHoldAcrossARestore() throws Exception {
        open(Set.of());
        register(7, address(7), true, 0);
        submit(signed("first", 7, 1, "p0", "c", 1000));
        watermark(h, 1000);
        assertThat(acceptedIds()).containsExactly("first");
        OperatorSubtaskState snapshot = h.snapshot(1, 1000);
        h.close();

        h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new SlotRules(2, Set.of(), true, 5, RETENTION),
                        List.of(SlotRules.SLOTS, SlotRules.BLOCKS, SlotRules.FRONTIER)),
                SignedSubmission::slotId,
                Types.LONG,
                1,
                1,
                0);
        h.initializeState(snapshot);
        h.open();
        submit(signed("first-again", 7, 1, "p0", "c", 1100)); // a copy of "first"
        submit(signed("second", 7, 1, "p1", "c", 1200));
        submit(signed("third", 7, 1, "p2", "c", 1300));
        watermark(h, 2000);

        assertThat(acceptedIds()).containsExactly("second");
        assertThat(rejectedIds(h, SlotRules.REJECTED)).containsExactly("third");
    }

    /** A slot dropped from the heap copies (more slots than they keep) is read back from state when it returns. */
    @Test
    void aSlotDroppedFromTheHeapCopiesIsReadBackFromState() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new SlotRules(2, Set.of(), true, 5, RETENTION, 1),
                SignedSubmission::slotId,
                Types.LONG,
                SlotRules.SLOTS,
                SlotRules.BLOCKS,
                SlotRules.FRONTIER);
        register(7, address(7), true, 0);
        register(8, address(8), true, 0);
        for (int i = 0; i < 3; i++) { // 7, 8, 7, 8, ...: each slot evicts the other from a copy of one
            submit(signed("s7-" + i, 7, 1, "p" + i, "c", 1000 + 10 * i));
            submit(signed("s8-" + i, 8, 1, "p" + i, "c", 1005 + 10 * i));
            watermark(h, 1005 + 10 * i);
        }
        submit(signed("s7-0-copy", 7, 1, "p0", "c", 1100));
        watermark(h, 2000);

        assertThat(acceptedIds()).containsExactlyInAnyOrder("s7-0", "s8-0", "s7-1", "s8-1");
        assertThat(rejectedIds(h, SlotRules.REJECTED)).containsExactlyInAnyOrder("s7-2", "s8-2");
        watermark(h, 1000 + RETENTION + 200);
        assertThat(keyedStateEntries(h)).as("every count and identity expired").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void theSameSignedSubmissionHeardTwiceCountsOnceAndADifferentOneStillCounts() throws Exception {
        open(Set.of(address(8)));
        register(7, address(7), true, 0);
        register(8, address(8), true, 0);
        SignedSubmission a = signed("a-collect", 7, 1, "p1", "c1", 1000);
        submit(a);
        // the same request and signature again, by gossipsub (another id, another delivering peer), twice
        submit(new SignedSubmission(
                "a-gossip",
                "peer-x",
                1001,
                a.dataMarket(),
                7,
                1,
                "p1",
                "c1",
                a.deadline(),
                a.signer(),
                a.quotedProtoJson()));
        submit(new SignedSubmission(
                "a-gossip-again",
                "peer-y",
                1002,
                a.dataMarket(),
                7,
                1,
                "p1",
                "c1",
                a.deadline(),
                a.signer(),
                a.quotedProtoJson()));
        submit(signed("b-other-cid", 7, 1, "p1", "c2", 1003));
        submit(signed("c-third", 7, 1, "p2", "c1", 1004));
        // a full node is not counted, but its duplicates still reach consensus only once
        SignedSubmission f = signed("f", 8, 1, "p1", "c1", 1000);
        submit(f);
        submit(new SignedSubmission(
                "f-gossip",
                "peer-z",
                1001,
                f.dataMarket(),
                8,
                1,
                "p1",
                "c1",
                f.deadline(),
                f.signer(),
                f.quotedProtoJson()));
        watermark(h, 2000);
        assertThat(acceptedIds()).containsExactlyInAnyOrder("a-collect", "b-other-cid", "f");
        assertThat(rejectedIds(h, SlotRules.REJECTED)).containsExactly("c-third");
        assertThat(reasons(h, SlotRules.REJECTED)).containsOnly(RejectReason.SLOT_EPOCH_LIMIT);
        watermark(h, 2000 + RETENTION + 100);
        assertThat(keyedStateEntries(h))
                .as("no per-epoch state outlives the retention")
                .isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void deadlineMustNotHavePassedWhenReceived() throws Exception {
        open(Set.of());
        register(7, address(7), true, 0);
        h.processBroadcastElement(ChainEvent.block(500, 100), 500);
        h.processBroadcastElement(ChainEvent.block(1500, 120), 1500);
        SignedSubmission base = signed("x", 7, 1, "p", "c", 0);
        submit(new SignedSubmission(
                "fresh", "peer", 1000, base.dataMarket(), 7, 1, "p", "c", 96, address(7), new byte[0]));
        submit(new SignedSubmission(
                "stale", "peer", 1000, base.dataMarket(), 7, 1, "p2", "c", 94, address(7), new byte[0]));
        submit(new SignedSubmission(
                "stale-later", "peer", 1600, base.dataMarket(), 7, 2, "p", "c", 110, address(7), new byte[0]));
        watermark(h, 2000);
        assertThat(acceptedIds()).containsExactly("fresh");
        assertThat(rejectedIds(h, SlotRules.REJECTED)).containsExactly("stale", "stale-later");
        assertThat(reasons(h, SlotRules.REJECTED)).containsOnly(RejectReason.DEADLINE_PASSED);
    }

    @Test
    void simulationsAreKeptAsideAndEpochStateExpires() throws Exception {
        open(Set.of());
        register(7, address(7), true, 0);
        submit(signed("sim", 7, 0, "p", "c", 1000));
        submit(signed("real", 7, 3, "p", "c", 1000));
        watermark(h, 1000);
        assertThat(acceptedIds()).containsExactly("real");
        assertThat(keyedStateEntries(h))
                .as("last simulation + epoch counter + accepted requests + their sweep")
                .isEqualTo(4);
        assertThat(h.numEventTimeTimers())
                .as("the counter's (and accepted requests') expiry")
                .isEqualTo(1);
        watermark(h, 1000 + RETENTION + 100);
        assertThat(keyedStateEntries(h)).as("only the last simulation is left").isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void judgesOnArrivalWhenTheChainIsAlreadyPastTheReceiveTime() throws Exception {
        open(Set.of());
        register(7, address(7), true, 100);
        h.processBroadcastElement(ChainEvent.block(5000, 100), 5000);
        submit(signed("a", 7, 1, "p", "c", 1000));
        assertThat(acceptedIds())
                .as("every chain event up to 1000 is known: no wait")
                .containsExactly("a");
        assertThat(keyedStateEntries(h))
                .as("only the epoch counter, accepted requests and their sweep")
                .isEqualTo(3);
    }

    /** The same slot's submissions, with the chain ahead of them all or behind them, give the same decisions. */
    @Test
    void theEpochLimitFollowsArrivalOrderWhetherTheChainIsAheadOrBehind() throws Exception {
        List<String> ahead = limitRun(true);
        List<String> behind = limitRun(false);
        assertThat(behind).isEqualTo(ahead);
        assertThat(ahead).containsExactly("accepted:late-stamp", "accepted:early-stamp-1", "rejected:early-stamp-2");
    }

    private List<String> limitRun(boolean chainAhead) throws Exception {
        open(Set.of());
        register(7, address(7), true, 0);
        h.processBroadcastElement(ChainEvent.block(chainAhead ? 10_000 : 1500, 100), chainAhead ? 10_000 : 1500);
        // stamped out of order: the first to arrive waits (behind the chain) and the two after it must wait behind it
        submit(signed("late-stamp", 7, 1, "p1", "c", 2000));
        submit(signed("early-stamp-1", 7, 1, "p2", "c", 1000));
        submit(signed("early-stamp-2", 7, 1, "p3", "c", 1100));
        if (!chainAhead) {
            watermark(h, 1100);
            assertThat(acceptedIds()).as("waiting behind the first arrival").isEmpty();
        }
        watermark(h, 2000);
        List<String> decisions = new java.util.ArrayList<>();
        acceptedIds().forEach(id -> decisions.add("accepted:" + id));
        rejectedIds(h, SlotRules.REJECTED).forEach(id -> decisions.add("rejected:" + id));
        assertThat(keyedStateEntries(h))
                .as("the queue is gone; the epoch counter, accepted requests and their sweep stay")
                .isEqualTo(3);
        h.close();
        return decisions;
    }

    /**
     * An accepted identity stops counting at its expiry even while it is still stored (the map is swept at most once
     * per retention, not at every timer); a copy arriving after that is judged afresh, as when entries were deleted
     * at their own timer. The slot's state is gone once its last expiry has passed.
     */
    @Test
    void anIdentityStopsCountingAtItsExpiryThoughTheSweepHasNotDeletedIt() throws Exception {
        open(Set.of());
        register(7, address(7), true, 0);
        h.processBroadcastElement(ChainEvent.block(10 * RETENTION, 100), 10 * RETENTION); // judged on arrival
        submit(signed("a", 7, 1, "p1", "c1", 1000)); // forgotten at 61,000
        submit(signed("b", 7, 2, "p1", "c1", 31_000)); // forgotten at 91,000
        watermark(h, 61_000); // sweeps: a deleted; the next sweep is due at 121,000
        submit(signed("c", 7, 3, "p1", "c1", 61_000)); // forgotten at 121,000
        watermark(h, 91_000); // b's expiry: no sweep is due, b stays stored
        submit(signed("b-again", 7, 2, "p1", "c1", 95_000));
        assertThat(acceptedIds())
                .as("b-again comes after b's expiry (and its epoch counter's): judged afresh, not a duplicate")
                .containsExactly("a", "b", "c", "b-again");
        watermark(h, 10 * RETENTION);
        assertThat(keyedStateEntries(h)).as("every expiry has passed").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aCopyBeforeItsOriginalsExpiryIsADuplicate() throws Exception {
        open(Set.of());
        register(7, address(7), true, 0);
        h.processBroadcastElement(ChainEvent.block(10 * RETENTION, 100), 10 * RETENTION);
        submit(signed("a", 7, 1, "p1", "c1", 1000)); // forgotten at 61,000
        watermark(h, 60_900);
        submit(signed("a-again", 7, 1, "p1", "c1", 60_900));
        watermark(h, 61_000);
        submit(signed("a-later", 7, 1, "p1", "c1", 61_000));
        assertThat(acceptedIds()).containsExactly("a", "a-later");
    }

    @Test
    void fullNodesAreNotCounted() throws Exception {
        open(Set.of(address(8)));
        register(8, address(8), true, 0);
        h.processBroadcastElement(ChainEvent.block(10_000, 100), 10_000);
        for (int i = 0; i < 5; i++) {
            submit(signed("s8-" + i, 8, 1, "p" + i, "c", 1000 + i));
        }
        assertThat(acceptedIds()).hasSize(5);
        assertThat(keyedStateEntries(h))
                .as("no counter, only the accepted requests (for de-duplication) and their sweep")
                .isEqualTo(2);
        assertThat(h.numEventTimeTimers())
                .as("their expiry (61,000 and, rounded up, 61,100)")
                .isEqualTo(2);
        watermark(h, 1004 + RETENTION + 100);
        assertThat(keyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }
}
