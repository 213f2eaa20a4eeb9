package io.powerloom.sequencer.finalize;

import static io.powerloom.sequencer.job.HarnessSupport.keyedStateEntries;
import static io.powerloom.sequencer.job.HarnessSupport.reasons;
import static io.powerloom.sequencer.job.HarnessSupport.rejectedIds;
import static io.powerloom.sequencer.job.HarnessSupport.watermark;
import static io.powerloom.sequencer.job.Snapshotters.MARKET;
import static io.powerloom.sequencer.job.Snapshotters.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.SignedSubmission;
import io.powerloom.sequencer.verify.ChainEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProjectFinalizerTest {
    private static final long WINDOW = 20_000;
    private static final long GRACE = 1_000;
    private static final long WAIT = 60_000;
    private KeyedBroadcastOperatorTestHarness<String, SignedSubmission, ChainEvent, ProjectEpochResult> h;

    @BeforeEach
    void open() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ProjectFinalizer(new Consensus(1, 0), GRACE, WAIT, 120_000),
                ProjectFinalizer::key,
                Types.STRING,
                ProjectFinalizer.RELEASES);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void release(long epoch, long at) throws Exception {
        h.processBroadcastElement(ChainEvent.epoch(at, MARKET, epoch, WINDOW, 10, 1, false), at);
    }

    private void submit(String id, long slot, long epoch, String project, String cid, long at) throws Exception {
        h.processElement(signed(id, slot, epoch, project, cid, at), at);
    }

    @Test
    void finalizesAtWindowCloseByMajorityAndLastWinsPerSlot() throws Exception {
        release(5, 10_000);
        submit("1", 1, 5, "p", "cid-a", 11_000);
        submit("2", 2, 5, "p", "cid-b", 11_500);
        submit("3", 3, 5, "p", "cid-b", 12_000);
        submit("1b", 1, 5, "p", "cid-b", 13_000); // slot 1 changes its mind: last wins
        watermark(h, 29_999);
        assertThat(h.extractOutputValues()).as("window still open").isEmpty();
        watermark(h, 30_000);
        List<ProjectEpochResult> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        ProjectEpochResult r = out.get(0);
        assertThat(r.finalized()).isTrue();
        assertThat(r.snapshotCid()).isEqualTo("cid-b");
        assertThat(r.winnerCount()).isEqualTo(3);
        assertThat(r.totalCount()).isEqualTo(3);
        assertThat(r.submissionIds()).containsExactly("1b", "2", "3");
        assertThat(r.windowOpenMs()).isEqualTo(10_000);
        assertThat(r.windowCloseMs()).isEqualTo(30_000);
        assertThat(rejectedIds(h, ProjectFinalizer.REJECTED)).containsExactly("1");
        assertThat(reasons(h, ProjectFinalizer.REJECTED)).containsExactly(RejectReason.REPLACED);
    }

    @Test
    void withAccountingEachDecidedProjectTalliesMatchedSlotsAndDiscardedSubmissions() throws Exception {
        h.close();
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ProjectFinalizer(new Consensus(2, 0), GRACE, WAIT, 120_000).withTallies(),
                ProjectFinalizer::key,
                Types.STRING,
                ProjectFinalizer.RELEASES);
        release(5, 10_000);
        submit("1", 1, 5, "p", "cid-a", 11_000);
        submit("2", 2, 5, "p", "cid-b", 11_500);
        submit("3", 3, 5, "p", "cid-b", 12_000);
        submit("4", 4, 5, "q", "cid-x", 12_000); // q misses the quorum of 2: its one submission is discarded
        watermark(h, 30_000);
        var tallies = h.getSideOutput(ProjectFinalizer.TALLIES).stream()
                .map(r -> r.getValue())
                .sorted(java.util.Comparator.comparing(io.powerloom.sequencer.finalize.ProjectTally::projectId))
                .toList();
        assertThat(tallies).hasSize(2);
        var p = tallies.get(0);
        assertThat(p.winningCid()).isEqualTo("cid-b");
        assertThat(p.matchedSlots()).containsExactly(2, 3);
        assertThat(p.discardedIds()).containsExactly("1");
        assertThat(p.discardedSlots()).containsExactly(1);
        assertThat(p.discardedCids()).containsExactly("cid-a");
        assertThat(p.discardedReceivedAtMs()).containsExactly(11_000);
        assertThat(p.windowCloseMs()).isEqualTo(30_000);
        var q = tallies.get(1);
        assertThat(q.winningCid()).isNull();
        assertThat(q.matchedSlots()).isEmpty();
        assertThat(q.discardedIds()).containsExactly("4");
    }

    @Test
    void withoutAccountingNoTallies() throws Exception {
        release(5, 10_000);
        submit("1", 1, 5, "p", "cid-a", 11_000);
        watermark(h, 30_000);
        assertThat(h.getSideOutput(ProjectFinalizer.TALLIES)).isNullOrEmpty();
    }

    @Test
    void theResultCarriesTheWindowCloseAsItsTimestamp() throws Exception {
        release(5, 10_000);
        submit("1", 1, 5, "p", "c", 11_000);
        watermark(h, 100_000);
        assertThat(h.extractOutputStreamRecords())
                .singleElement()
                .satisfies(rec -> assertThat(rec.getTimestamp()).isEqualTo(30_000));
    }

    @Test
    void tieBreakIsTheSmallestCid() throws Exception {
        release(5, 10_000);
        submit("1", 1, 5, "p", "zzz", 11_000);
        submit("2", 2, 5, "p", "aaa", 11_000);
        watermark(h, 30_000);
        assertThat(h.extractOutputValues())
                .singleElement()
                .extracting(ProjectEpochResult::snapshotCid)
                .isEqualTo("aaa");
    }

    @Test
    void lateAndEarlySubmissionsAreRejected() throws Exception {
        release(5, 10_000);
        submit("early", 1, 5, "p", "c", 8_000); // before release - grace
        submit("in-grace", 2, 5, "p", "c", 9_500); // within the grace
        submit("late", 3, 5, "p", "c", 30_001);
        watermark(h, 40_000);
        assertThat(h.extractOutputValues())
                .singleElement()
                .satisfies(r -> assertThat(r.submissionIds()).containsExactly("in-grace"));
        assertThat(rejectedIds(h, ProjectFinalizer.REJECTED)).containsExactlyInAnyOrder("early", "late");
        assertThat(reasons(h, ProjectFinalizer.REJECTED))
                .containsExactlyInAnyOrder(RejectReason.EARLY, RejectReason.LATE);
    }

    @Test
    void aLateResubmissionSeenBeforeTheCloseDoesNotDisplaceTheOnTimeOne() throws Exception {
        // whether the late record reaches the operator before or after the watermark passes the close must not
        // matter: the slot's on-time submission counts either way
        release(5, 10_000);
        submit("on-time", 1, 5, "p", "a", 11_000);
        submit("late", 1, 5, "p", "b", 31_000);
        watermark(h, 40_000);
        assertThat(h.extractOutputValues()).singleElement().satisfies(r -> {
            assertThat(r.snapshotCid()).isEqualTo("a");
            assertThat(r.submissionIds()).containsExactly("on-time");
        });
        assertThat(rejectedIds(h, ProjectFinalizer.REJECTED)).containsExactly("late");
        assertThat(reasons(h, ProjectFinalizer.REJECTED)).containsExactly(RejectReason.LATE);
    }

    @Test
    void aSubmissionArrivingAfterTheEpochIsDecidedIsLate() throws Exception {
        release(5, 10_000);
        submit("on-time", 1, 5, "p", "c", 11_000);
        watermark(h, 31_000);
        submit("after", 2, 5, "p", "c", 31_500);
        watermark(h, 32_000);
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(reasons(h, ProjectFinalizer.REJECTED)).containsExactly(RejectReason.LATE);
    }

    @Test
    void releaseSeenAfterTheSubmissionIsStillUsed() throws Exception {
        submit("1", 1, 5, "p", "c", 11_000);
        watermark(h, 11_000);
        release(5, 11_200); // within the early grace
        watermark(h, 31_200);
        assertThat(h.extractOutputValues())
                .singleElement()
                .extracting(ProjectEpochResult::windowCloseMs)
                .isEqualTo(31_200L);
    }

    @Test
    void unknownEpochIsRejectedAfterTheWait() throws Exception {
        submit("orphan", 1, 99, "p", "c", 1_000);
        watermark(h, 1_000 + WAIT - 1);
        assertThat(reasons(h, ProjectFinalizer.REJECTED)).isEmpty();
        watermark(h, 1_000 + WAIT);
        assertThat(reasons(h, ProjectFinalizer.REJECTED)).containsExactly(RejectReason.UNKNOWN_EPOCH);
        assertThat(h.extractOutputValues()).isEmpty();
    }

    @Test
    void aRetractedReleaseOpensNoWindow() throws Exception {
        release(5, 10_000);
        h.processBroadcastElement(ChainEvent.epoch(10_500, MARKET, 5, WINDOW, 10, 1, true), 10_500);
        submit("1", 1, 5, "p", "c", 11_000);
        watermark(h, 11_000 + WAIT);
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(reasons(h, ProjectFinalizer.REJECTED)).containsExactly(RejectReason.UNKNOWN_EPOCH);
    }

    @Test
    void noStateOrTimerOutlivesItsEpoch() throws Exception {
        release(5, 10_000);
        release(6, 20_000);
        for (int slot = 0; slot < 5; slot++) {
            submit("e5-" + slot, slot, 5, "p", "c", 11_000 + slot);
            submit("e6-" + slot, slot, 6, "p", "c", 21_000 + slot);
            submit("q5-" + slot, slot, 5, "q", "c", 11_000 + slot);
        }
        assertThat(h.numEventTimeTimers()).isPositive();
        assertThat(keyedStateEntries(h)).isPositive();
        watermark(h, 30_000);
        assertThat(h.extractOutputValues()).hasSize(2);
        watermark(h, 40_000);
        assertThat(h.extractOutputValues()).hasSize(3);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(keyedStateEntries(h)).isZero();
    }

    @Test
    void unfinalizedWhenQuorumIsMissed() throws Exception {
        h.close();
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ProjectFinalizer(new Consensus(2, 0.6), GRACE, WAIT, 120_000),
                ProjectFinalizer::key,
                Types.STRING,
                ProjectFinalizer.RELEASES);
        release(5, 10_000);
        submit("1", 1, 5, "p", "a", 11_000);
        submit("2", 2, 5, "p", "a", 11_000);
        submit("3", 3, 5, "p", "b", 11_000);
        submit("4", 4, 5, "p", "b", 11_000);
        watermark(h, 30_000);
        ProjectEpochResult r = h.extractOutputValues().get(0);
        assertThat(r.finalized()).isFalse();
        assertThat(r.snapshotCid()).isNull();
        assertThat(r.cids()).containsExactly("a", "b");
        assertThat(r.cidCounts()).containsExactly(2, 2);
    }

    @Test
    void aReleaseRetractedAfterSubmissionsArrivedRejectsThemAndLeavesNothing() throws Exception {
        release(5, 10_000);
        submit("1", 1, 5, "p", "c", 11_000);
        submit("2", 2, 5, "p", "c", 12_000);
        h.processBroadcastElement(ChainEvent.epoch(13_000, MARKET, 5, WINDOW, 10, 1, true), 13_000);
        watermark(h, 30_000);
        assertThat(reasons(h, ProjectFinalizer.REJECTED))
                .as("waits for a release until firstSeen + wait")
                .isEmpty();
        watermark(h, 11_000 + WAIT);
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(reasons(h, ProjectFinalizer.REJECTED))
                .containsExactly(RejectReason.UNKNOWN_EPOCH, RejectReason.UNKNOWN_EPOCH);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(keyedStateEntries(h)).isZero();
    }

    @Test
    void anEpochClosingLeavesTheNextOneOpen() throws Exception {
        release(5, 10_000);
        release(6, 25_000);
        submit("e5", 1, 5, "p", "a", 11_000);
        submit("e6", 1, 6, "p", "b", 26_000);
        watermark(h, 30_000);
        assertThat(h.extractOutputValues())
                .singleElement()
                .extracting(ProjectEpochResult::epochId)
                .isEqualTo(5L);
        assertThat(keyedStateEntries(h)).as("epoch 6's submission").isEqualTo(1);
        watermark(h, 45_000);
        assertThat(h.extractOutputValues())
                .extracting(ProjectEpochResult::snapshotCid)
                .containsExactly("a", "b");
        assertThat(keyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void anUnknownEpochRejectsOnlyWhatWasReceivedByThenWhateverArrivedEarly() throws Exception {
        long later = 1_000 + WAIT + 5_000;
        submit("early-orphan", 1, 99, "p", "c", 1_000);
        submit("later", 2, 99, "p", "c", later); // read before the watermark reaches its time
        watermark(h, 1_000 + WAIT);
        assertThat(rejectedIds(h, ProjectFinalizer.REJECTED)).containsExactly("early-orphan");
        release(99, later + 500); // seen within the early grace of the later submission
        watermark(h, later + 500 + WINDOW);
        assertThat(h.extractOutputValues())
                .singleElement()
                .satisfies(r -> assertThat(r.submissionIds()).containsExactly("later"));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(keyedStateEntries(h)).isZero();
    }
}
