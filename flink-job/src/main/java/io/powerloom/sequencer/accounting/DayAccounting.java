package io.powerloom.sequencer.accounting;

import io.powerloom.sequencer.finalize.ProjectTally;
import io.powerloom.sequencer.verify.ChainEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Snapshotter accounting (SPEC §10), keyed by data market: per (day, slot) the valid submissions that matched their
 * project's finalized CID, from the finalize stage's {@link ProjectTally tallies}, and the market's chain events (epoch
 * releases, day starts, quota changes).
 *
 * <p><b>Only event time decides.</b> Tallies and chain events wait in state until the watermark passes their time; an
 * event-time timer then applies, in this order, the chain events stamped up to it, the tallies stamped up to it (each
 * counted for the day of its epoch: the day whose first epoch, named by the {@code DayStarted} record, is the
 * greatest at or below it), and the close of every released epoch whose window has closed by then, in epoch order.
 * So the same log gives the same counts and the same updates, at any parallelism, after any restart.
 *
 * <p><b>At an epoch's close</b> (epoch {@code e} of day {@code d}):
 * <ul>
 *   <li>every {@code updateEvery} epochs ({@code e % updateEvery == 0}), a {@link AccountingAction.Kind#PERIODIC}
 *       action with day {@code d}'s counts that changed since the last one, sorted by slot;</li>
 *   <li>{@code finalDelay} epochs after a day started, for every earlier day still held: a periodic action with the
 *       last changes of its slots below the quota (so the chain ends the day with every slot's count), then a
 *       {@link AccountingAction.Kind#FINAL} action: its eligible-node count (slots at or above the quota) and the
 *       eligible slots' final counts.
 *       The day's state is then dropped: the action, in flight in the commit operator (and in its checkpoints), holds
 *       it until mined. A day is finalized only when this run counted it whole (it saw the close of the day's first
 *       epoch), so a replay from the middle of a day never sends that day's final counts.</li>
 * </ul>
 * Tallies for a day already finalized are late: counted in {@code accounting_late_tallies} and dropped. Discarded
 * submissions leave on {@link #DISCARDED} with their day.
 */
public class DayAccounting extends KeyedCoProcessFunction<String, ProjectTally, ChainEvent, AccountingAction> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DiscardedSubmission> DISCARDED = new OutputTag<>("discarded") {};

    /** Day starts remembered per market (the day of older epochs is no longer needed: their days are final). */
    static final int DAY_STARTS_KEPT = 16;
    /** {@code progress}: last epoch closed, last day finalized, first epoch closed by this run. */
    private static final int LAST_TICK = 0;

    private static final int LAST_FINAL_DAY = 1;
    private static final int FIRST_TICK = 2;

    private final int updateEvery;
    private final int finalDelay;
    private final long defaultQuota;
    private final long defaultWindowMs;
    private final long firstEpoch;
    private final long lastEpoch;

    private transient ListState<ProjectTally> tallies;
    private transient ListState<ChainEvent> chain;
    private transient MapState<Long, Long> closes;
    private transient ValueState<long[]> dayStarts;
    private transient ValueState<Long> quota;
    private transient MapState<Long, DayLedger> ledgers;
    private transient ValueState<long[]> progress;

    private transient Counter talliesCounted;
    private transient Counter lateTallies;
    private transient Counter discarded;
    private transient Counter periodicUpdates;
    private transient Counter finalUpdates;
    private transient Counter partialDays;
    private transient volatile long lastEligible;
    private transient volatile long currentDay;

    /**
     * @param updateEvery     periodic update every this many epochs
     * @param finalDelay      epochs after a day starts to finalize the previous one (must exceed the submission window)
     * @param defaultQuota    the daily snapshot quota until the chain announces one
     * @param defaultWindowMs submission window of a release that does not carry one
     * @param epochRange      {first, last} epochs to account (a replay over a range), or null for all
     */
    public DayAccounting(int updateEvery, int finalDelay, long defaultQuota, long defaultWindowMs, long[] epochRange) {
        if (updateEvery < 1 || finalDelay < 1) {
            throw new IllegalArgumentException("update-every-epochs and final-delay-epochs must be at least 1");
        }
        this.updateEvery = updateEvery;
        this.finalDelay = finalDelay;
        this.defaultQuota = defaultQuota;
        this.defaultWindowMs = defaultWindowMs;
        this.firstEpoch = epochRange == null ? 0 : epochRange[0];
        this.lastEpoch = epochRange == null ? Long.MAX_VALUE : epochRange[1];
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        tallies = rc.getListState(new ListStateDescriptor<>("tallies", TypeInformation.of(ProjectTally.class)));
        chain = rc.getListState(new ListStateDescriptor<>("chain-events", TypeInformation.of(ChainEvent.class)));
        closes = rc.getMapState(new MapStateDescriptor<>("epoch-closes", Types.LONG, Types.LONG));
        dayStarts = rc.getState(
                new ValueStateDescriptor<>("day-starts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        quota = rc.getState(new ValueStateDescriptor<>("quota", Types.LONG));
        ledgers = rc.getMapState(new MapStateDescriptor<>("ledgers", Types.LONG, Types.POJO(DayLedger.class)));
        progress = rc.getState(
                new ValueStateDescriptor<>("progress", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        var g = rc.getMetricGroup();
        talliesCounted = g.counter("accounting_tallies");
        lateTallies = g.counter("accounting_late_tallies");
        discarded = g.counter("accounting_discarded_submissions");
        periodicUpdates = g.counter("accounting_periodic_updates");
        finalUpdates = g.counter("accounting_final_updates");
        partialDays = g.counter("accounting_partial_days_skipped");
        lastEligible = -1;
        currentDay = -1;
        g.gauge("accounting_eligible_slots", () -> lastEligible);
        g.gauge("accounting_current_day", () -> currentDay);
    }

    @Override
    public void processElement1(ProjectTally t, Context ctx, Collector<AccountingAction> out) throws Exception {
        tallies.add(t);
        ctx.timerService().registerEventTimeTimer(time(ctx, t.windowCloseMs()));
    }

    @Override
    public void processElement2(ChainEvent e, Context ctx, Collector<AccountingAction> out) throws Exception {
        switch (e.kind()) {
            case EPOCH_RELEASED, DAY_STARTED, QUOTA -> {
                chain.add(e);
                ctx.timerService().registerEventTimeTimer(e.observedAtMs());
            }
            default -> {
                /* day-size changes show in the day starts; heads and slots are not the market's */
            }
        }
    }

    private static long time(Context ctx, long fallback) {
        Long ts = ctx.timestamp();
        return ts != null ? ts : fallback;
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<AccountingAction> out) throws Exception {
        String market = ctx.getCurrentKey();
        long[] p = progress.value();
        if (p == null) {
            p = new long[] {0, 0, -1};
        }
        applyChain(t, ctx);
        fold(t, ctx, p);
        // the closes of released epochs whose windows have closed, in epoch order
        List<Long> due = new ArrayList<>();
        for (Map.Entry<Long, Long> c : closes.entries()) {
            if (c.getValue() <= t) {
                due.add(c.getKey());
            }
        }
        due.sort(Comparator.naturalOrder());
        for (long epoch : due) {
            closes.remove(epoch);
            if (epoch > p[LAST_TICK]) {
                close(market, epoch, p, out);
                p[LAST_TICK] = epoch;
            }
        }
        progress.update(p);
    }

    /** Applies the chain events stamped up to {@code t}, in their order; keeps later ones. */
    private void applyChain(long t, OnTimerContext ctx) throws Exception {
        Iterable<ChainEvent> stored = chain.get();
        if (stored == null) {
            return;
        }
        List<ChainEvent> later = new ArrayList<>();
        boolean any = false;
        for (ChainEvent e : stored) {
            if (e.observedAtMs() > t) {
                later.add(e);
                continue;
            }
            any = true;
            switch (e.kind()) {
                case EPOCH_RELEASED -> {
                    if (e.epochId() < firstEpoch || e.epochId() > lastEpoch) {
                        break;
                    }
                    if (e.removed()) {
                        closes.remove(e.epochId());
                    } else {
                        long window = e.windowMs() > 0 ? e.windowMs() : defaultWindowMs;
                        long close = e.observedAtMs() + window;
                        closes.put(e.epochId(), close);
                        ctx.timerService().registerEventTimeTimer(close);
                    }
                }
                case DAY_STARTED -> dayStarted(e.epochId(), e.value(), e.removed());
                case QUOTA -> {
                    if (!e.removed()) {
                        quota.update(e.value());
                    }
                }
                default -> {}
            }
        }
        if (any) {
            chain.update(later);
        }
    }

    private void dayStarted(long firstEpochOfDay, long day, boolean removed) throws Exception {
        long[] starts = dayStarts.value();
        TreeMap<Long, Long> byEpoch = new TreeMap<>();
        if (starts != null) {
            for (int i = 0; i + 1 < starts.length; i += 2) {
                byEpoch.put(starts[i], starts[i + 1]);
            }
        }
        if (removed) {
            byEpoch.remove(firstEpochOfDay, day);
        } else {
            byEpoch.put(firstEpochOfDay, day);
        }
        while (byEpoch.size() > DAY_STARTS_KEPT) {
            byEpoch.pollFirstEntry();
        }
        long[] flat = new long[byEpoch.size() * 2];
        int i = 0;
        for (Map.Entry<Long, Long> e : byEpoch.entrySet()) {
            flat[i++] = e.getKey();
            flat[i++] = e.getValue();
        }
        dayStarts.update(flat);
    }

    /** The day of an epoch: that of the greatest day start at or below it; day 1 before any. */
    static long dayOf(long[] starts, long epoch) {
        if (starts == null || starts.length < 2) {
            return 1;
        }
        if (epoch < starts[0]) {
            return Math.max(1, starts[1] - 1); // before the oldest remembered start
        }
        long day = starts[1];
        for (int i = 2; i + 1 < starts.length; i += 2) {
            if (starts[i] <= epoch) {
                day = starts[i + 1];
            }
        }
        return day;
    }

    /** The first epoch of {@code day}, or -1 when no start of it is known (day 1: epoch 1). */
    static long firstEpochOf(long[] starts, long day) {
        if (day == 1) {
            return 1;
        }
        if (starts != null) {
            for (int i = 0; i + 1 < starts.length; i += 2) {
                if (starts[i + 1] == day) {
                    return starts[i];
                }
            }
        }
        return -1;
    }

    /** Counts the tallies stamped up to {@code t}; keeps later ones. */
    private void fold(long t, OnTimerContext ctx, long[] p) throws Exception {
        Iterable<ProjectTally> stored = tallies.get();
        if (stored == null) {
            return;
        }
        long[] starts = dayStarts.value();
        List<ProjectTally> later = new ArrayList<>();
        TreeMap<Long, TreeMap<Long, Long>> byDay = new TreeMap<>();
        boolean any = false;
        for (ProjectTally tally : stored) {
            if (tally.windowCloseMs() > t) {
                later.add(tally);
                continue;
            }
            any = true;
            talliesCounted.inc();
            long day = dayOf(starts, tally.epochId());
            for (int i = 0; i < tally.discardedIds().length; i++) {
                discarded.inc();
                ctx.output(
                        DISCARDED,
                        new DiscardedSubmission(
                                tally.dataMarket(),
                                tally.epochId(),
                                day,
                                tally.projectId(),
                                tally.discardedSlots()[i],
                                tally.discardedIds()[i],
                                tally.discardedCids()[i],
                                tally.winningCid(),
                                tally.discardedReceivedAtMs()[i]));
            }
            if (day <= p[LAST_FINAL_DAY]) {
                lateTallies.inc();
                continue;
            }
            TreeMap<Long, Long> inc = byDay.computeIfAbsent(day, d -> new TreeMap<>());
            for (long slot : tally.matchedSlots()) {
                inc.merge(slot, 1L, Long::sum);
            }
        }
        if (!any) {
            return;
        }
        tallies.update(later);
        for (Map.Entry<Long, TreeMap<Long, Long>> e : byDay.entrySet()) {
            DayLedger l = ledgers.get(e.getKey());
            if (l == null) {
                l = new DayLedger(e.getKey());
            }
            l.add(e.getValue());
            ledgers.put(e.getKey(), l);
        }
    }

    /** The close of epoch {@code epoch}: the day's periodic update and earlier days' final counts, when due. */
    private void close(String market, long epoch, long[] p, Collector<AccountingAction> out) throws Exception {
        if (p[FIRST_TICK] < 0) {
            p[FIRST_TICK] = epoch;
        }
        long[] starts = dayStarts.value();
        long day = dayOf(starts, epoch);
        currentDay = day;
        long q = quota.value() == null ? defaultQuota : quota.value();
        List<Long> held = new ArrayList<>();
        for (Long d : ledgers.keys()) {
            held.add(d);
        }
        held.sort(Comparator.naturalOrder());
        for (long d : held) {
            if (d >= day) {
                continue;
            }
            long next = firstEpochOf(starts, d + 1);
            if (next < 0 || epoch < next + finalDelay) {
                continue;
            }
            DayLedger l = ledgers.get(d);
            ledgers.remove(d);
            p[LAST_FINAL_DAY] = Math.max(p[LAST_FINAL_DAY], d);
            long first = firstEpochOf(starts, d);
            if (first < 0 || first < p[FIRST_TICK]) {
                partialDays.inc(); // this run did not count the whole day: its final counts are not ours to send
                continue;
            }
            // the day's last counts of the slots below the quota (changed since its last periodic update), so that
            // the chain ends the day with every slot's count, not only the eligible ones'
            periodic(market, d, epoch, l, q, c -> c < q, out);
            int n = 0;
            for (long c : l.counts) {
                if (c >= q) {
                    n++;
                }
            }
            long[] slots = new long[n];
            long[] counts = new long[n];
            int i = 0;
            for (int j = 0; j < l.slots.length; j++) {
                if (l.counts[j] >= q) {
                    slots[i] = l.slots[j];
                    counts[i++] = l.counts[j];
                }
            }
            lastEligible = n;
            finalUpdates.inc();
            out.collect(new AccountingAction(
                    AccountingAction.Kind.FINAL, market, d, epoch, slots, counts, q, n, System.currentTimeMillis()));
        }
        if (epoch % updateEvery == 0) {
            DayLedger l = ledgers.get(day);
            if (l != null && periodic(market, day, epoch, l, q, c -> true, out)) {
                ledgers.put(day, l);
            }
        }
    }

    /**
     * Emits a periodic action with the ledger's counts (of slots whose count passes {@code which}) that changed since
     * they were last sent, and marks them sent; returns whether there was any.
     */
    private boolean periodic(
            String market,
            long day,
            long epoch,
            DayLedger l,
            long q,
            java.util.function.LongPredicate which,
            Collector<AccountingAction> out) {
        int n = 0;
        for (int j = 0; j < l.slots.length; j++) {
            if (l.counts[j] != l.sent[j] && which.test(l.counts[j])) {
                n++;
            }
        }
        if (n == 0) {
            return false;
        }
        long[] slots = new long[n];
        long[] counts = new long[n];
        int i = 0;
        for (int j = 0; j < l.slots.length; j++) {
            if (l.counts[j] != l.sent[j] && which.test(l.counts[j])) {
                slots[i] = l.slots[j];
                counts[i++] = l.counts[j];
                l.sent[j] = l.counts[j];
            }
        }
        periodicUpdates.inc();
        out.collect(new AccountingAction(
                AccountingAction.Kind.PERIODIC, market, day, epoch, slots, counts, q, -1, System.currentTimeMillis()));
        return true;
    }
}
