package io.powerloom.sequencer.verify;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Verify, part 2, keyed by slot ID and connected to the broadcast protocol-chain stream: the signer must be the
 * snapshotter registered for the slot (and the slot active) when the submission was received, its deadline must not
 * have passed (beyond a tolerance) by the protocol-chain head seen then, and the slot gets at most
 * {@code perSlotEpochLimit} submissions per epoch across projects unless its snapshotter is a full node. Simulation
 * submissions (epoch 0) are recorded as the slot's last simulation and go no further.
 *
 * <p><b>Determinism.</b> Submissions and chain events interleave differently on every run, so nothing is decided when
 * a submission arrives: it waits in keyed state until the watermark passes its receive time (an event-time timer).
 * By then every chain event stamped at or before that time has been seen, so the decision depends only on the log.
 * Within a slot, submissions are judged in arrival order, which is Kafka order because the bridge keys by slot.
 */
public class SlotRules extends KeyedBroadcastProcessFunction<Long, SignedSubmission, ChainEvent, SignedSubmission> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<RejectedSubmission> REJECTED = new OutputTag<>("rejected-slot") {};

    /** Broadcast: slot ID → registrations over time. */
    public static final MapStateDescriptor<Long, SlotHistory> SLOTS =
            new MapStateDescriptor<>("slot-registry", Types.LONG, Types.POJO(SlotHistory.class));
    /** Broadcast: the single entry {@code "head"} → protocol-chain heads over time. */
    public static final MapStateDescriptor<String, BlockHistory> BLOCKS =
            new MapStateDescriptor<>("block-heads", Types.STRING, Types.POJO(BlockHistory.class));

    /** Timers are rounded up to this granularity, so a busy slot does not get one timer per millisecond. */
    static final long TIMER_GRANULARITY_MS = 100;
    /** Submissions of one slot that can wait for one timer (a hard bound far above any real rate). */
    static final int MAX_PER_TIMER = 1_000_000;

    private final int perSlotEpochLimit;
    private final Set<String> fullNodes;
    private final boolean deadlineCheck;
    private final long deadlineToleranceBlocks;
    private final long quotaRetentionMs;

    /**
     * Submissions waiting for the watermark, one entry each under {@link #pendingKey(long, int)} (the timer that will
     * judge them and their arrival position), so a full node sending thousands per epoch costs O(1) per submission.
     */
    private transient MapState<Long, SignedSubmission> pending;
    /** Timer → how many submissions wait for it. */
    private transient MapState<Long, Integer> pendingCounts;
    private transient MapState<Long, EpochCount> epochCounts;
    private transient ValueState<SignedSubmission> lastSimulation;
    private transient VerifyMetrics metrics;
    private transient Counter simulations;

    public SlotRules(int perSlotEpochLimit, Set<String> fullNodes, boolean deadlineCheck, long deadlineToleranceBlocks,
                     long quotaRetentionMs) {
        this.perSlotEpochLimit = perSlotEpochLimit;
        this.fullNodes = Set.copyOf(fullNodes);
        this.deadlineCheck = deadlineCheck;
        this.deadlineToleranceBlocks = deadlineToleranceBlocks;
        this.quotaRetentionMs = quotaRetentionMs;
    }

    /** Per-slot count for one epoch, dropped at {@code expiresAt} (event time). */
    public record EpochCount(int count, long expiresAt) {}

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("pending", Types.LONG, TypeInformation.of(SignedSubmission.class)));
        pendingCounts = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-counts", Types.LONG, Types.INT));
        epochCounts = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("epoch-counts", Types.LONG, Types.POJO(EpochCount.class)));
        lastSimulation = getRuntimeContext().getState(
                new ValueStateDescriptor<>("last-simulation", TypeInformation.of(SignedSubmission.class)));
        metrics = VerifyMetrics.slotRules(getRuntimeContext().getMetricGroup());
        simulations = getRuntimeContext().getMetricGroup().counter("simulations");
    }

    @Override
    public void processElement(SignedSubmission s, ReadOnlyContext ctx, Collector<SignedSubmission> out) throws Exception {
        long timer = roundUp(s.receivedAtMs());
        Integer waiting = pendingCounts.get(timer);
        int position = waiting == null ? 0 : waiting;
        pending.put(pendingKey(timer, position), s);
        pendingCounts.put(timer, position + 1);
        ctx.timerService().registerEventTimeTimer(timer);
    }

    @Override
    public void processBroadcastElement(ChainEvent e, Context ctx, Collector<SignedSubmission> out) throws Exception {
        switch (e.kind()) {
            case SLOT -> {
                var registry = ctx.getBroadcastState(SLOTS);
                SlotHistory h = registry.get(e.slotId());
                registry.put(e.slotId(), (h == null ? SlotHistory.empty() : h).with(e.observedAtMs(), e.snapshotter(), e.active()));
            }
            case BLOCK -> {
                var heads = ctx.getBroadcastState(BLOCKS);
                BlockHistory h = heads.get("head");
                heads.put("head", (h == null ? BlockHistory.empty() : h).with(e.observedAtMs(), e.blockNumber()));
            }
            case EPOCH_RELEASED -> { /* the finalize stage uses releases */ }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SignedSubmission> out) throws Exception {
        Integer waiting = pendingCounts.get(timestamp);
        if (waiting != null) {
            for (int i = 0; i < waiting; i++) { // in arrival order
                long key = pendingKey(timestamp, i);
                judge(pending.get(key), ctx, out);
                pending.remove(key);
            }
            pendingCounts.remove(timestamp);
            if (pendingCounts.isEmpty()) {
                pendingCounts.clear();
                pending.clear();
            }
        }
        Iterator<Map.Entry<Long, EpochCount>> it = epochCounts.iterator();
        while (it.hasNext()) {
            if (it.next().getValue().expiresAt() <= timestamp) {
                it.remove();
            }
        }
        if (epochCounts.isEmpty()) {
            epochCounts.clear(); // drop the key's (empty) map, not just its entries
        }
    }

    private void judge(SignedSubmission s, OnTimerContext ctx, Collector<SignedSubmission> out) throws Exception {
        ReadOnlyBroadcastState<Long, SlotHistory> registry = ctx.getBroadcastState(SLOTS);
        SlotHistory history = registry.get(s.slotId());
        int idx = history == null ? -1 : history.indexAt(s.receivedAtMs());
        if (idx < 0) {
            reject(ctx, s, RejectReason.SLOT_NOT_REGISTERED, "slot " + Long.toUnsignedString(s.slotId()) + " has no snapshotter");
            return;
        }
        if (!history.active()[idx]) {
            reject(ctx, s, RejectReason.SLOT_INACTIVE, "slot " + Long.toUnsignedString(s.slotId()) + " is not active");
            return;
        }
        String owner = history.snapshotters()[idx];
        if (!owner.equals(s.signer())) {
            reject(ctx, s, RejectReason.SIGNER_NOT_SLOT_OWNER,
                    "signer " + s.signer() + " is not slot " + Long.toUnsignedString(s.slotId()) + "'s snapshotter " + owner);
            return;
        }
        if (deadlineCheck) {
            BlockHistory heads = ctx.getBroadcastState(BLOCKS).get("head");
            long head = heads == null ? -1 : heads.headAt(s.receivedAtMs());
            if (head >= 0 && Long.compareUnsigned(s.deadline() + deadlineToleranceBlocks, head) < 0) {
                reject(ctx, s, RejectReason.DEADLINE_PASSED,
                        "deadline " + Long.toUnsignedString(s.deadline()) + " < head " + head + " - " + deadlineToleranceBlocks);
                return;
            }
        }
        if (s.isSimulation()) {
            lastSimulation.update(s);
            simulations.inc();
            return;
        }
        EpochCount c = epochCounts.get(s.epochId());
        int count = c == null ? 0 : c.count();
        if (count >= perSlotEpochLimit && !fullNodes.contains(s.signer())) {
            reject(ctx, s, RejectReason.SLOT_EPOCH_LIMIT,
                    "slot already sent " + count + " submissions in epoch " + Long.toUnsignedString(s.epochId()));
            return;
        }
        long expiresAt = c == null ? roundUp(s.receivedAtMs() + quotaRetentionMs) : c.expiresAt();
        epochCounts.put(s.epochId(), new EpochCount(count + 1, expiresAt));
        if (c == null) {
            ctx.timerService().registerEventTimeTimer(expiresAt);
        }
        metrics.accepted();
        out.collect(s);
    }

    private void reject(OnTimerContext ctx, SignedSubmission s, RejectReason reason, String detail) {
        metrics.rejected(reason);
        ctx.output(REJECTED, RejectedSubmission.of(s, reason, detail));
    }

    /** The state key of the {@code position}-th submission waiting for {@code timer} (a multiple of the granularity). */
    static long pendingKey(long timer, int position) {
        if (position >= MAX_PER_TIMER) {
            throw new IllegalStateException("more than " + MAX_PER_TIMER + " submissions of one slot within "
                    + TIMER_GRANULARITY_MS + " ms");
        }
        return (timer / TIMER_GRANULARITY_MS) * MAX_PER_TIMER + position;
    }

    static long roundUp(long t) {
        long r = Math.floorMod(t, TIMER_GRANULARITY_MS);
        return r == 0 ? t : t + (TIMER_GRANULARITY_MS - r);
    }
}
