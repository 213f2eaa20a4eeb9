package io.powerloom.sequencer.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.finalize.ProjectTally;
import io.powerloom.sequencer.job.HarnessSupport;
import io.powerloom.sequencer.verify.ChainEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The accounting stage on its own: counts per day and slot from tallies, the day of each epoch from the day starts,
 * periodic updates of the changed counts every N epochs, the previous day's final counts M epochs into a new day, and
 * the same actions whatever order the two inputs arrive in.
 */
class DayAccountingTest {
    private static final String M = "0x00000000000000000000000000000000000000a1";
    private static final long WINDOW = 10_000;

    /** Epoch e is released at e x 20 s and closes 10 s later. */
    private static long released(long epoch) {
        return epoch * 20_000;
    }

    private static long closed(long epoch) {
        return released(epoch) + WINDOW;
    }

    private static ProjectTally tally(long epoch, String project, long[] matched, long discardedSlot) {
        String[] ids = discardedSlot < 0 ? new String[0] : new String[] {"sub-" + epoch + "-" + discardedSlot};
        long[] slots = discardedSlot < 0 ? new long[0] : new long[] {discardedSlot};
        String[] cids = discardedSlot < 0 ? new String[0] : new String[] {"bafkother"};
        long[] at = discardedSlot < 0 ? new long[0] : new long[] {released(epoch) + 5};
        return new ProjectTally(M, epoch, project, "bafkwinner", matched, ids, slots, cids, at, closed(epoch));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ProjectTally, ChainEvent, AccountingAction> harness(
            long[] range) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new DayAccounting(2, 2, 1000, WINDOW, range)),
                ProjectTally::dataMarket,
                ChainEvent::dataMarket,
                Types.STRING);
        h.open();
        return h;
    }

    /** The planted days: epochs 1-3 are day 1, epoch 4 starts day 2 (3 epochs a day), quota 2. */
    private static List<Object[]> input() {
        List<Object[]> in = new ArrayList<>();
        in.add(new Object[] {ChainEvent.quota(1, M, 2, 1, false), 1L});
        for (long e = 1; e <= 8; e++) {
            if (e == 4 || e == 7) {
                in.add(new Object[] {ChainEvent.dayStarted(released(e), M, e == 4 ? 2 : 3, e, e, false), released(e)});
            }
            in.add(new Object[] {ChainEvent.epoch(released(e), M, e, WINDOW, 100, e, false), released(e)});
        }
        in.add(new Object[] {tally(1, "a", new long[] {1, 2}, 3), closed(1)});
        in.add(new Object[] {tally(1, "b", new long[] {1}, -1), closed(1)});
        in.add(new Object[] {tally(2, "a", new long[] {1}, 2), closed(2)});
        in.add(new Object[] {tally(3, "a", new long[] {2, 3}, -1), closed(3)});
        in.add(new Object[] {tally(4, "a", new long[] {1, 3}, -1), closed(4)});
        in.add(new Object[] {tally(5, "a", new long[] {3}, -1), closed(5)});
        return in;
    }

    private static List<String> run(boolean chainFirst, long[] range) throws Exception {
        var h = harness(range);
        List<Object[]> in = input();
        for (int pass = 0; pass < 2; pass++) {
            for (Object[] r : in) {
                boolean isChain = r[0] instanceof ChainEvent;
                if (isChain == (pass == 0) == chainFirst) {
                    if (isChain) {
                        h.processElement2(new StreamRecord<>((ChainEvent) r[0], (Long) r[1]));
                    } else {
                        h.processElement1(new StreamRecord<>((ProjectTally) r[0], (Long) r[1]));
                    }
                }
            }
        }
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(closed(8)));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(closed(8)));
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> sr && sr.getValue() instanceof AccountingAction a) {
                out.add(a.kind() + " day " + a.day() + " @" + a.epochId() + " slots " + Arrays.toString(a.slotIds())
                        + " counts " + Arrays.toString(a.counts())
                        + (a.kind() == AccountingAction.Kind.FINAL ? " eligible " + a.eligibleNodes() : ""));
            }
        }
        var discarded = h.getSideOutput(DayAccounting.DISCARDED);
        out.add("discarded " + (discarded == null ? 0 : discarded.size()));
        if (range == null) {
            // day 1 is final and gone; day 2's ledger, the pending closes and chain history remain
            assertThat(HarnessSupport.keyedStateEntries(h)).isLessThan(10);
        }
        h.close();
        return out;
    }

    @Test
    void countsPerDayPeriodicUpdatesAndTheFinalCountsOfThePreviousDay() throws Exception {
        List<String> actions = run(true, null);
        assertThat(actions)
                .containsExactly(
                        // epoch 2 closes: day 1 so far, slot 1: 2 (epochs 1 a, 1 b... and 2), slot 2: 1
                        "PERIODIC day 1 @2 slots [1, 2] counts [3, 1]",
                        // epoch 4 (day 2): day 2's counts
                        "PERIODIC day 2 @4 slots [1, 3] counts [1, 1]",
                        // epoch 6 = 4 + 2: day 1 ends: first the last changes below the quota (slot 3 has 1), then the
                        // eligible-node count and the final counts (quota 2: slots 1 and 2), then day 2's changes
                        "PERIODIC day 1 @6 slots [3] counts [1]",
                        "FINAL day 1 @6 slots [1, 2] counts [3, 2] eligible 2",
                        "PERIODIC day 2 @6 slots [3] counts [2]",
                        "discarded 2");
    }

    @Test
    void theSameActionsWhateverOrderTheInputsArriveIn() throws Exception {
        assertThat(run(false, null)).isEqualTo(run(true, null));
    }

    @Test
    void aRunThatStartsInTheMiddleOfADayNeverSendsItsFinalCounts() throws Exception {
        List<String> actions = run(true, new long[] {2, 8});
        assertThat(actions).noneMatch(a -> a.startsWith("FINAL day 1"));
        assertThat(actions).contains("PERIODIC day 2 @4 slots [1, 3] counts [1, 1]");
    }

    @Test
    void aTallyForADayAlreadyFinalIsLateAndChangesNothing() throws Exception {
        var h = harness(null);
        for (Object[] r : input()) {
            if (r[0] instanceof ChainEvent e) {
                h.processElement2(new StreamRecord<>(e, (Long) r[1]));
            } else {
                h.processElement1(new StreamRecord<>((ProjectTally) r[0], (Long) r[1]));
            }
        }
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(closed(7)));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(closed(7)));
        int before = h.getOutput().size();
        // a project of epoch 3 (day 1) decided only now, after day 1's final counts went out at epoch 6
        h.processElement1(new StreamRecord<>(tally(3, "late", new long[] {1, 2, 3}, -1), closed(7) + 1));
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(closed(8)));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(closed(8)));
        assertThat(h.getOutput().stream().filter(o -> o instanceof StreamRecord<?>))
                .hasSizeLessThanOrEqualTo(before);
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> sr && sr.getValue() instanceof AccountingAction a) {
                assertThat(a.day() != 1 || a.epochId() <= 6)
                        .as("no update of day 1 after its end: " + a)
                        .isTrue();
            }
        }
        h.close();
    }

    @Test
    void aRetractedDayStartIsForgotten() throws Exception {
        var h = harness(null);
        h.processElement2(new StreamRecord<>(ChainEvent.dayStarted(released(4), M, 2, 4, 4, false), released(4)));
        h.processElement2(
                new StreamRecord<>(ChainEvent.dayStarted(released(4) + 5, M, 2, 4, 4, true), released(4) + 5));
        for (long e = 1; e <= 4; e++) {
            h.processElement2(
                    new StreamRecord<>(ChainEvent.epoch(released(e), M, e, WINDOW, 100, e, false), released(e)));
            h.processElement1(new StreamRecord<>(tally(e, "a", new long[] {1}, -1), closed(e)));
        }
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(closed(4)));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(closed(4)));
        List<AccountingAction> actions = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> sr && sr.getValue() instanceof AccountingAction a) {
                actions.add(a);
            }
        }
        // the reorg took day 2's start away: epoch 4 still counts for day 1
        assertThat(actions).extracting(AccountingAction::day).containsOnly(1L);
        assertThat(actions.get(actions.size() - 1).counts()).containsExactly(4);
        h.close();
    }

    @Test
    void recordsInStateAndOnTheWireArePojosNotKryo() {
        for (Class<?> c : List.of(
                ProjectTally.class,
                ChainEvent.class,
                AccountingAction.class,
                SlotCount.class,
                DiscardedSubmission.class,
                DayLedger.class)) {
            assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(c))
                    .as(c.getSimpleName())
                    .isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
        }
    }

    @Test
    void theDayOfAnEpochFollowsTheDayStarts() {
        long[] starts = {4, 2, 7, 3};
        assertThat(DayAccounting.dayOf(null, 9)).isEqualTo(1);
        assertThat(DayAccounting.dayOf(starts, 3)).isEqualTo(1);
        assertThat(DayAccounting.dayOf(starts, 4)).isEqualTo(2);
        assertThat(DayAccounting.dayOf(starts, 6)).isEqualTo(2);
        assertThat(DayAccounting.dayOf(starts, 7)).isEqualTo(3);
        assertThat(DayAccounting.firstEpochOf(starts, 3)).isEqualTo(7);
        assertThat(DayAccounting.firstEpochOf(starts, 1)).isEqualTo(1);
        assertThat(DayAccounting.firstEpochOf(starts, 5)).isEqualTo(-1);
    }
}
