package io.powerloom.sequencer.verify;

import io.powerloom.sequencer.model.ProjectEpochKey;
import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.RejectedSubmission;
import io.powerloom.sequencer.model.SignedSubmission;
import io.powerloom.sequencer.model.SubmissionMetrics;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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
 * {@code perSlotEpochLimit} submissions per epoch across projects unless its snapshotter is a full node (full nodes
 * are not counted). Simulation submissions (epoch 0) are recorded as the slot's last simulation and go no further.
 *
 * <p><b>One submission, whatever the path.</b> The same signed submission (same request — epoch, project, CID,
 * deadline — and the same signer, in the same market) can arrive more than once: over {@code /collect} and gossipsub,
 * or twice by gossip. The first accepted copy counts toward the limit and goes on to consensus; later copies are
 * dropped here (counted as {@code submissions_duplicate}), before any other check, so they neither count nor get
 * rejected. A different submission of the slot for the same project is not a copy and still replaces the earlier one
 * in finalize. The accepted requests are kept per slot until the epoch's quota expires.
 *
 * <p><b>Determinism.</b> A slot's submissions are judged one by one in arrival order, which is Kafka order because the
 * bridge keys by slot, and each only once every protocol-chain event stamped at or before its receive time has been
 * seen, so the decision depends only on the log, not on how the two inputs interleave. The chain topic is one
 * totally ordered partition, so that is known as soon as a chain event stamped later has arrived (the
 * {@link #FRONTIER}), or once the watermark passes the receive time. While the chain is ahead, as in any replay or
 * backlog, a submission is judged on arrival; otherwise it waits in a per-slot queue for a timer at its receive time,
 * and everything behind it in the queue waits too, so the order never changes.
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
    /**
     * Broadcast: the single entry {@code "seen"} → the latest protocol-chain event time seen. Every chain event stamped
     * before it has been seen too.
     */
    public static final MapStateDescriptor<String, Long> FRONTIER =
            new MapStateDescriptor<>("chain-frontier", Types.STRING, Types.LONG);

    /** Timers are rounded up to this granularity, so a busy slot does not get one timer per millisecond. */
    static final long TIMER_GRANULARITY_MS = 100;

    private final int perSlotEpochLimit;
    private final Set<String> fullNodes;
    private final boolean deadlineCheck;
    private final long deadlineToleranceBlocks;
    private final long quotaRetentionMs;

    /** Submissions waiting for the chain, by queue position (see {@link #queue}). */
    private transient MapState<Long, SignedSubmission> pending;
    /** The slot's wait queue: {@code [head, tail)} positions in {@link #pending}; absent when nothing waits. */
    private transient ValueState<long[]> queue;

    private transient MapState<Long, EpochCount> epochCounts;
    private transient ValueState<SignedSubmission> lastSimulation;
    /**
     * Accepted submissions' identities ({@link #identity}) → when they are forgotten (event time). An entry counts
     * only until then ({@link #seenBefore}); it is deleted by a sweep, not at its own timer, so that a busy slot does
     * not walk the whole map at every timer.
     */
    private transient MapState<String, Long> accepted;
    /**
     * {@code [next sweep of accepted, latest expiry in accepted]}; absent when nothing is remembered, or for state
     * restored from a savepoint taken before this field existed (the next timer then sweeps).
     */
    private transient ValueState<long[]> acceptedSweep;

    /**
     * Heap copies of the per-slot values read for every submission ({@link #queue}, {@link #epochCounts},
     * {@link #acceptedSweep}), written through to state, which stays the truth: they save three RocksDB reads per
     * submission and the walk of the epoch counts at every timer.
     */
    private transient StateMirror.OfValue<Long, long[]> queueCopy;

    private transient StateMirror<Long, Map<Long, EpochCount>> countsCopy;
    private transient StateMirror.OfValue<Long, long[]> sweepCopy;
    private final int mirroredSlots;

    private transient Counter duplicates;
    private transient SubmissionMetrics metrics;
    private transient Counter simulations;
    private transient Counter waited;

    public SlotRules(
            int perSlotEpochLimit,
            Set<String> fullNodes,
            boolean deadlineCheck,
            long deadlineToleranceBlocks,
            long quotaRetentionMs) {
        this(perSlotEpochLimit, fullNodes, deadlineCheck, deadlineToleranceBlocks, quotaRetentionMs, MIRRORED_SLOTS);
    }

    /** How many slots' values a subtask keeps on the heap (see {@link StateMirror}). */
    static final int MIRRORED_SLOTS = 65_536;

    SlotRules(
            int perSlotEpochLimit,
            Set<String> fullNodes,
            boolean deadlineCheck,
            long deadlineToleranceBlocks,
            long quotaRetentionMs,
            int mirroredSlots) {
        this.mirroredSlots = mirroredSlots;
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
        pending = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("pending", Types.LONG, TypeInformation.of(SignedSubmission.class)));
        queue = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("queue", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        epochCounts = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("epoch-counts", Types.LONG, Types.POJO(EpochCount.class)));
        lastSimulation = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("last-simulation", TypeInformation.of(SignedSubmission.class)));
        accepted = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("accepted-submissions", Types.STRING, Types.LONG));
        acceptedSweep = getRuntimeContext()
                .getState(new ValueStateDescriptor<>(
                        "accepted-sweep", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        queueCopy = new StateMirror.OfValue<>(queue, mirroredSlots);
        countsCopy = new StateMirror<>(mirroredSlots);
        sweepCopy = new StateMirror.OfValue<>(acceptedSweep, mirroredSlots);
        duplicates = getRuntimeContext().getMetricGroup().counter("submissions_duplicate");
        metrics = SubmissionMetrics.slotRules(getRuntimeContext().getMetricGroup());
        simulations = getRuntimeContext().getMetricGroup().counter("simulations");
        waited = getRuntimeContext().getMetricGroup().counter("submissions_waited_for_chain");
    }

    @Override
    public void processElement(SignedSubmission s, ReadOnlyContext ctx, Collector<SignedSubmission> out)
            throws Exception {
        long[] q = queueCopy.value(s.slotId());
        if (q == null && s.receivedAtMs() < frontier(ctx)) {
            judge(s, ctx.timerService().currentWatermark(), ctx, out);
            return;
        }
        if (q == null) {
            q = new long[2];
        }
        pending.put(q[1], s);
        q[1]++;
        queueCopy.update(s.slotId(), q);
        waited.inc();
        ctx.timerService().registerEventTimeTimer(roundUp(s.receivedAtMs()));
    }

    private static long frontier(ReadOnlyContext ctx) throws Exception {
        Long seen = ctx.getBroadcastState(FRONTIER).get("seen");
        return seen == null ? Long.MIN_VALUE : seen;
    }

    @Override
    public void processBroadcastElement(ChainEvent e, Context ctx, Collector<SignedSubmission> out) throws Exception {
        var frontier = ctx.getBroadcastState(FRONTIER);
        Long seen = frontier.get("seen");
        if (seen == null || e.observedAtMs() > seen) {
            frontier.put("seen", e.observedAtMs());
        }
        switch (e.kind()) {
            case SLOT -> {
                var registry = ctx.getBroadcastState(SLOTS);
                SlotHistory h = registry.get(e.slotId());
                registry.put(
                        e.slotId(),
                        (h == null ? SlotHistory.empty() : h).with(e.observedAtMs(), e.snapshotter(), e.active()));
            }
            case BLOCK -> {
                var heads = ctx.getBroadcastState(BLOCKS);
                BlockHistory h = heads.get("head");
                heads.put("head", (h == null ? BlockHistory.empty() : h).with(e.observedAtMs(), e.blockNumber()));
            }
            case EPOCH_RELEASED -> {
                /* the finalize stage uses releases */
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SignedSubmission> out) throws Exception {
        long slot = ctx.getCurrentKey();
        long[] q = queueCopy.value(slot);
        if (q != null) {
            // in arrival order, up to the first submission the chain has not caught up with yet (its own timer is
            // later)
            long frontier = frontier(ctx);
            while (q[0] < q[1]) {
                SignedSubmission s = pending.get(q[0]);
                if (roundUp(s.receivedAtMs()) > timestamp && s.receivedAtMs() >= frontier) {
                    break;
                }
                judge(s, timestamp - 1, ctx, out);
                pending.remove(q[0]);
                q[0]++;
            }
            if (q[0] == q[1]) {
                queueCopy.update(slot, null);
                pending.clear();
            } else {
                queueCopy.update(slot, q);
            }
        }
        Map<Long, EpochCount> counts = countsOf(slot);
        Iterator<Map.Entry<Long, EpochCount>> it = counts.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, EpochCount> c = it.next();
            if (c.getValue().expiresAt() <= timestamp) {
                epochCounts.remove(c.getKey());
                it.remove();
            }
        }
        if (counts.isEmpty()) {
            epochCounts.clear(); // drop the key's (empty) map, not just its entries
        }
        sweepAccepted(slot, timestamp);
    }

    /**
     * Deletes forgotten identities: all of them at once when the latest has expired (its timer is the last one the
     * slot needs), else by walking the map at most once per quota retention. Whether an identity still counts never
     * depends on this ({@link #seenBefore}), so the sweep's pace changes no output.
     */
    private void sweepAccepted(long slot, long timestamp) throws Exception {
        long[] sweep = sweepCopy.value(slot);
        if (sweep != null && timestamp >= sweep[1]) {
            accepted.clear();
            sweepCopy.update(slot, null);
            return;
        }
        if (sweep != null && timestamp < sweep[0]) {
            return;
        }
        long latest = Long.MIN_VALUE;
        Iterator<Map.Entry<String, Long>> seen = accepted.iterator();
        while (seen.hasNext()) {
            long expiresAt = seen.next().getValue();
            if (expiresAt <= timestamp) {
                seen.remove();
            } else {
                latest = Math.max(latest, expiresAt);
            }
        }
        if (latest == Long.MIN_VALUE) {
            accepted.clear();
            sweepCopy.update(slot, null);
        } else {
            sweepCopy.update(slot, new long[] {timestamp + Math.max(quotaRetentionMs, TIMER_GRANULARITY_MS), latest});
        }
    }

    /** The slot's counts per epoch: the heap copy, read from state in full the first time. */
    private Map<Long, EpochCount> countsOf(long slot) throws Exception {
        return countsCopy.get(slot, () -> {
            Map<Long, EpochCount> read = new HashMap<>();
            for (Map.Entry<Long, EpochCount> e : epochCounts.entries()) {
                read.put(e.getKey(), e.getValue());
            }
            return read;
        });
    }

    /**
     * Whether this signed submission was accepted before and is not yet forgotten: its entry expires at its timer,
     * so it counts while its expiry is after {@code horizon} (the watermark for an element; for a timer at T, T - 1,
     * since that timer's own expiries fall due after the submissions it releases).
     */
    private boolean seenBefore(String identity, long horizon) throws Exception {
        Long expiresAt = accepted.get(identity);
        return expiresAt != null && expiresAt > horizon;
    }

    /** What makes two copies the same signed submission (the slot is the key). */
    static String identity(SignedSubmission s) {
        return ProjectEpochKey.of(s).encode()
                + '|'
                + s.snapshotCid()
                + '|'
                + Long.toUnsignedString(s.deadline())
                + '|'
                + s.signer();
    }

    private void judge(SignedSubmission s, long horizon, ReadOnlyContext ctx, Collector<SignedSubmission> out)
            throws Exception {
        String identity = s.isSimulation() ? null : identity(s);
        if (identity != null && seenBefore(identity, horizon)) {
            duplicates.inc();
            return;
        }
        ReadOnlyBroadcastState<Long, SlotHistory> registry = ctx.getBroadcastState(SLOTS);
        SlotHistory history = registry.get(s.slotId());
        int idx = history == null ? -1 : history.indexAt(s.receivedAtMs());
        if (idx < 0) {
            reject(
                    ctx,
                    s,
                    RejectReason.SLOT_NOT_REGISTERED,
                    "slot " + Long.toUnsignedString(s.slotId()) + " has no snapshotter");
            return;
        }
        if (!history.active()[idx]) {
            reject(ctx, s, RejectReason.SLOT_INACTIVE, "slot " + Long.toUnsignedString(s.slotId()) + " is not active");
            return;
        }
        String owner = history.snapshotters()[idx];
        if (!owner.equals(s.signer())) {
            reject(
                    ctx,
                    s,
                    RejectReason.SIGNER_NOT_SLOT_OWNER,
                    "signer " + s.signer() + " is not slot " + Long.toUnsignedString(s.slotId()) + "'s snapshotter "
                            + owner);
            return;
        }
        if (deadlineCheck) {
            BlockHistory heads = ctx.getBroadcastState(BLOCKS).get("head");
            long head = heads == null ? -1 : heads.headAt(s.receivedAtMs());
            if (head >= 0 && Long.compareUnsigned(s.deadline() + deadlineToleranceBlocks, head) < 0) {
                reject(
                        ctx,
                        s,
                        RejectReason.DEADLINE_PASSED,
                        "deadline " + Long.toUnsignedString(s.deadline()) + " < head " + head + " - "
                                + deadlineToleranceBlocks);
                return;
            }
        }
        if (s.isSimulation()) {
            lastSimulation.update(s);
            simulations.inc();
            return;
        }
        if (fullNodes.contains(s.signer())) { // exempt from the limit, so not counted
            remember(s.slotId(), identity, roundUp(s.receivedAtMs() + quotaRetentionMs), ctx);
            metrics.accepted();
            out.collect(s);
            return;
        }
        Map<Long, EpochCount> counts = countsOf(s.slotId());
        EpochCount c = counts.get(s.epochId());
        int count = c == null ? 0 : c.count();
        if (count >= perSlotEpochLimit) {
            reject(
                    ctx,
                    s,
                    RejectReason.SLOT_EPOCH_LIMIT,
                    "slot already sent " + count + " submissions in epoch " + Long.toUnsignedString(s.epochId()));
            return;
        }
        long expiresAt = c == null ? roundUp(s.receivedAtMs() + quotaRetentionMs) : c.expiresAt();
        EpochCount counted = new EpochCount(count + 1, expiresAt);
        epochCounts.put(s.epochId(), counted);
        counts.put(s.epochId(), counted);
        if (c == null) {
            ctx.timerService().registerEventTimeTimer(expiresAt);
        }
        remember(s.slotId(), identity, expiresAt, ctx);
        metrics.accepted();
        out.collect(s);
    }

    private void remember(long slot, String identity, long expiresAt, ReadOnlyContext ctx) throws Exception {
        accepted.put(identity, expiresAt);
        ctx.timerService().registerEventTimeTimer(expiresAt); // the same timestamp twice is one timer
        long[] sweep = sweepCopy.value(slot);
        if (sweep == null) {
            // the next timer walks the map and learns the latest expiry (the map may hold entries restored from a
            // savepoint taken before this state existed)
            sweepCopy.update(slot, new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
        } else if (expiresAt > sweep[1]) {
            sweep[1] = expiresAt;
            sweepCopy.update(slot, sweep);
        }
    }

    private void reject(ReadOnlyContext ctx, SignedSubmission s, RejectReason reason, String detail) {
        metrics.rejected(reason);
        ctx.output(REJECTED, RejectedSubmission.of(s, reason, detail));
    }

    static long roundUp(long t) {
        long r = Math.floorMod(t, TIMER_GRANULARITY_MS);
        return r == 0 ? t : t + (TIMER_GRANULARITY_MS - r);
    }
}
