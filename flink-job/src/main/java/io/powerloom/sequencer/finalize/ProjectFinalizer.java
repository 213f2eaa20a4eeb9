package io.powerloom.sequencer.finalize;

import io.powerloom.sequencer.model.ProjectEpochKey;
import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.RejectedSubmission;
import io.powerloom.sequencer.model.SignedSubmission;
import io.powerloom.sequencer.model.SubmissionMetrics;
import io.powerloom.sequencer.verify.ChainEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
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
 * Finalize: keyed by (data market, epoch, project ID), that is by project with one key per epoch window, and connected
 * to the broadcast epoch releases. Each epoch's window opens
 * when its release was seen and closes {@code snapshotSubmissionWindow} later, all in event time. At the close the
 * valid submissions (the last one per slot inside the window wins) are counted and {@link Consensus} picks the CID; submissions outside the
 * window are rejected as {@code LATE}/{@code EARLY}, submissions for an epoch never released as {@code UNKNOWN_EPOCH}.
 *
 * <p>Every decision is taken in an event-time timer using only events stamped at or before the timer, so a replay
 * decides the same. A submission costs one append to the project's list (a RocksDB merge, no read) and, usually, the
 * re-arming of its window's close timer; the list is read once, when the window closes. After an epoch is decided its
 * state and timers are gone.
 */
public class ProjectFinalizer
        extends KeyedBroadcastProcessFunction<String, SignedSubmission, ChainEvent, ProjectEpochResult> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<RejectedSubmission> REJECTED = new OutputTag<>("rejected-finalize") {};
    /** Per decided project: matched and discarded submissions, for the accounting stage (when {@link #withTallies()}). */
    public static final OutputTag<ProjectTally> TALLIES = new OutputTag<>("accounting-tallies") {};

    /** Broadcast: the epoch's {@link ProjectEpochKey#ofEpoch key} ({@code market|epoch}) → release. */
    public static final MapStateDescriptor<String, EpochRelease> RELEASES =
            new MapStateDescriptor<>("epoch-releases", Types.STRING, Types.POJO(EpochRelease.class));

    /** Releases kept per market (older ones are dropped; their late submissions become UNKNOWN_EPOCH). */
    static final long RELEASES_KEPT = 2000;

    /**
     * While an epoch's release has not been seen, look again this often (event time): the broadcast side cannot set
     * keyed timers, so the keyed side polls until it can arm the close timer.
     */
    static final long RECHECK_MS = 1000;

    private final Consensus consensus;
    private final long earlyGraceMs;
    private final long releaseWaitMs;
    private final long defaultWindowMs;
    private boolean tallies;

    /**
     * This window's submissions, in arrival order. Appending is a RocksDB merge (no read); the list is read once, when
     * the window closes.
     */
    private transient ListState<SignedSubmission> submissions;
    /**
     * Timers armed while the release was not known (or after the window had closed), so that deciding can delete
     * them. The usual case, a submission inside a known window, arms only the close timer, which is consumed by
     * firing, and writes nothing here.
     */
    private transient ValueState<long[]> extraTimers;

    private transient SubmissionMetrics metrics;
    private transient Counter finalized;
    private transient Counter unfinalized;
    private transient Counter matchingWinner;
    private transient Counter discarded;

    public ProjectFinalizer(Consensus consensus, long earlyGraceMs, long releaseWaitMs, long defaultWindowMs) {
        this.consensus = consensus;
        this.earlyGraceMs = earlyGraceMs;
        this.releaseWaitMs = releaseWaitMs;
        this.defaultWindowMs = defaultWindowMs;
    }

    /** Also emit a {@link ProjectTally} per decided project on {@link #TALLIES} (snapshotter accounting on). */
    public ProjectFinalizer withTallies() {
        this.tallies = true;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        submissions = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("submissions", TypeInformation.of(SignedSubmission.class)));
        extraTimers = getRuntimeContext()
                .getState(new ValueStateDescriptor<>(
                        "extra-timers", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        var group = getRuntimeContext().getMetricGroup();
        metrics = SubmissionMetrics.finalizeStage(group);
        finalized = group.counter("finalized");
        unfinalized = group.counter("unfinalized");
        matchingWinner = group.counter("submissions_matching_winner");
        discarded = group.counter("submissions_discarded");
    }

    @Override
    public void processElement(SignedSubmission s, ReadOnlyContext ctx, Collector<ProjectEpochResult> out)
            throws Exception {
        submissions.add(s);
        EpochRelease release = ctx.getBroadcastState(RELEASES)
                .get(ProjectEpochKey.ofEpoch(s.dataMarket(), s.epochId()).encode());
        if (release != null && release.removedAtMs() == Long.MAX_VALUE && s.receivedAtMs() <= release.closeMs()) {
            // the usual case: the close timer decides (if the release is not valid by then, it re-arms)
            ctx.timerService().registerEventTimeTimer(release.closeMs());
        } else {
            // unknown or retracted release, or a late submission: look again once the watermark passes its receive time
            armExtra(ctx, s.receivedAtMs());
        }
    }

    /** Arms a timer outside the usual path and remembers it. */
    private void armExtra(ReadOnlyContext ctx, long at) throws Exception {
        long[] known = extraTimers.value();
        if (known == null) {
            extraTimers.update(new long[] {at});
        } else if (!contains(known, at)) {
            long[] more = Arrays.copyOf(known, known.length + 1);
            more[known.length] = at;
            extraTimers.update(more);
        }
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void processBroadcastElement(ChainEvent e, Context ctx, Collector<ProjectEpochResult> out) throws Exception {
        if (e.kind() != ChainEvent.Kind.EPOCH_RELEASED) {
            return;
        }
        BroadcastState<String, EpochRelease> releases = ctx.getBroadcastState(RELEASES);
        String key = ProjectEpochKey.ofEpoch(e.dataMarket(), e.epochId()).encode();
        EpochRelease known = releases.get(key);
        if (e.removed()) {
            if (known != null) {
                releases.put(
                        key,
                        new EpochRelease(
                                known.observedAtMs(),
                                known.windowMs(),
                                known.batchWindowBlocks(),
                                known.releaseBlock(),
                                e.observedAtMs()));
            }
            return;
        }
        long windowMs = e.windowMs() > 0 ? e.windowMs() : defaultWindowMs;
        releases.put(
                key,
                new EpochRelease(e.observedAtMs(), windowMs, e.batchWindowBlocks(), e.blockNumber(), Long.MAX_VALUE));
        // keep the broadcast state bounded: forget this market's releases far behind the new one
        List<String> old = new ArrayList<>();
        for (Map.Entry<String, EpochRelease> entry : releases.entries()) {
            ProjectEpochKey k = ProjectEpochKey.parse(entry.getKey());
            if (k.dataMarket().equals(e.dataMarket())
                    && Long.compareUnsigned(k.epochId() + RELEASES_KEPT, e.epochId()) < 0) {
                old.add(entry.getKey());
            }
        }
        for (String k : old) {
            releases.remove(k);
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<ProjectEpochResult> out) throws Exception {
        Iterable<SignedSubmission> stored = submissions.get();
        List<SignedSubmission> arrived = new ArrayList<>();
        if (stored != null) {
            stored.forEach(arrived::add);
        }
        ProjectEpochKey key = ProjectEpochKey.parse(ctx.getCurrentKey());
        String market = key.dataMarket();
        long epoch = key.epochId();
        String project = key.projectId();
        if (!arrived.isEmpty()) {
            EpochRelease release =
                    ctx.getBroadcastState(RELEASES).get(key.epoch().encode());
            if (release != null && release.validAt(t)) {
                if (t < release.closeMs()) {
                    ctx.timerService().registerEventTimeTimer(release.closeMs());
                    return;
                }
                decide(ctx, out, market, project, epoch, release, arrived);
            } else {
                // no valid release at t (none seen, one stamped later, or retracted): wait for one, up to a limit
                long firstSeen = earliestReceived(arrived);
                if (t < firstSeen + releaseWaitMs) {
                    armExtra(ctx, Math.min(t + RECHECK_MS, firstSeen + releaseWaitMs));
                    return;
                }
                String detail = release == null
                        ? "epoch was never released"
                        : "epoch release was retracted or seen only after " + t;
                List<SignedSubmission> notYet = new ArrayList<>();
                for (SignedSubmission s : arrived) {
                    if (s.receivedAtMs() <= t) {
                        reject(ctx, s, RejectReason.UNKNOWN_EPOCH, detail);
                    } else {
                        notYet.add(s); // stamped after t: judged at its own time, whenever it happened to arrive
                    }
                }
                if (!notYet.isEmpty()) {
                    submissions.update(notYet);
                    armExtra(ctx, earliestReceived(notYet));
                    return;
                }
            }
        }
        // decided (or nothing left): drop the window's state and any other timer armed for it
        long[] extra = extraTimers.value();
        if (extra != null) {
            for (long timer : extra) {
                if (timer != t) {
                    ctx.timerService().deleteEventTimeTimer(timer);
                }
            }
            extraTimers.clear();
        }
        submissions.clear();
    }

    private void decide(
            OnTimerContext ctx,
            Collector<ProjectEpochResult> out,
            String market,
            String project,
            long epoch,
            EpochRelease release,
            List<SignedSubmission> arrived)
            throws Exception {
        long open = release.observedAtMs();
        long close = release.closeMs();
        // per slot, in arrival order (Kafka order: the bridge keys by slot); slots in ID order
        Map<Long, List<SignedSubmission>> bySlot = new TreeMap<>(Long::compareUnsigned);
        for (SignedSubmission s : arrived) {
            bySlot.computeIfAbsent(s.slotId(), k -> new ArrayList<>(2)).add(s);
        }
        List<SignedSubmission> valid = new ArrayList<>(bySlot.size());
        for (List<SignedSubmission> slot : bySlot.values()) {
            SignedSubmission winner = null;
            for (SignedSubmission s : slot) {
                if (s.receivedAtMs() > close) {
                    reject(
                            ctx,
                            s,
                            RejectReason.LATE,
                            "received " + (s.receivedAtMs() - close) + " ms after the window closed");
                } else if (s.receivedAtMs() < open - earlyGraceMs) {
                    reject(
                            ctx,
                            s,
                            RejectReason.EARLY,
                            "received " + (open - s.receivedAtMs()) + " ms before the release was seen");
                } else {
                    if (winner != null) {
                        reject(ctx, winner, RejectReason.REPLACED, "replaced by " + s.submissionId());
                    }
                    winner = s; // last one in the window wins
                }
            }
            if (winner != null) {
                valid.add(winner);
            }
        }
        if (valid.isEmpty()) {
            return; // a project with no valid submissions is left out of the epoch
        }
        valid.sort(Comparator.comparingLong(SignedSubmission::slotId).thenComparing(SignedSubmission::submissionId));
        Map<String, Integer> counts = new HashMap<>();
        for (SignedSubmission s : valid) {
            counts.merge(s.snapshotCid(), 1, Integer::sum);
        }
        Consensus.Outcome outcome = consensus.decide(counts);
        int n = valid.size();
        String[] ids = new String[n];
        byte[][] texts = new byte[n][];
        long[] slots = new long[n];
        for (int i = 0; i < n; i++) {
            SignedSubmission s = valid.get(i);
            ids[i] = s.submissionId();
            texts[i] = s.quotedProtoJson();
            slots[i] = s.slotId();
        }
        String[] cids = outcome.counts().keySet().toArray(new String[0]);
        int[] cidCounts =
                outcome.counts().values().stream().mapToInt(Integer::intValue).toArray();
        if (outcome.quorum()) {
            finalized.inc();
            matchingWinner.inc(outcome.winnerCount());
            discarded.inc(outcome.total() - outcome.winnerCount());
        } else {
            unfinalized.inc();
            discarded.inc(outcome.total());
        }
        if (tallies) {
            ctx.output(
                    TALLIES, tally(market, epoch, project, outcome.quorum() ? outcome.winner() : null, valid, close));
        }
        ProjectEpochResult.Builder result = ProjectEpochResult.builder(ProjectEpochKey.of(market, epoch, project));
        if (outcome.quorum()) {
            result.finalized(outcome.winner());
        } else {
            result.unfinalized();
        }
        out.collect(result.counts(outcome.winnerCount(), outcome.total())
                .cidCounts(cids, cidCounts)
                .submissions(ids, texts, slots)
                .window(open, close)
                .closedAtWallMs(System.currentTimeMillis())
                .build());
    }

    /** The accounting view of a decided project: {@code valid} is sorted by (slot, ID). */
    static ProjectTally tally(
            String market, long epoch, String project, String winner, List<SignedSubmission> valid, long closeMs) {
        int matched = 0;
        for (SignedSubmission s : valid) {
            if (s.snapshotCid().equals(winner)) {
                matched++;
            }
        }
        long[] slots = new long[matched];
        int other = valid.size() - matched;
        String[] ids = new String[other];
        long[] otherSlots = new long[other];
        String[] cids = new String[other];
        long[] received = new long[other];
        int m = 0;
        int d = 0;
        for (SignedSubmission s : valid) {
            if (s.snapshotCid().equals(winner)) {
                slots[m++] = s.slotId();
            } else {
                ids[d] = s.submissionId();
                otherSlots[d] = s.slotId();
                cids[d] = s.snapshotCid();
                received[d++] = s.receivedAtMs();
            }
        }
        return new ProjectTally(market, epoch, project, winner, slots, ids, otherSlots, cids, received, closeMs);
    }

    private void reject(ReadOnlyContext ctx, SignedSubmission s, RejectReason reason, String detail) {
        metrics.rejected(reason);
        ctx.output(REJECTED, RejectedSubmission.of(s, reason, detail));
    }

    private static long earliestReceived(List<SignedSubmission> list) {
        long earliest = Long.MAX_VALUE;
        for (SignedSubmission s : list) {
            earliest = Math.min(earliest, s.receivedAtMs());
        }
        return earliest;
    }

    private static boolean contains(long[] values, long v) {
        for (long x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** The key of this stage, one project's window: {@link ProjectEpochKey#of(SignedSubmission)}, encoded. */
    public static String key(SignedSubmission s) {
        return ProjectEpochKey.of(s).encode();
    }
}
