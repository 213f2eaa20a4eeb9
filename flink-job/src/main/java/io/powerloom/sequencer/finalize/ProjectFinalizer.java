package io.powerloom.sequencer.finalize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import io.powerloom.sequencer.verify.ChainEvent;
import io.powerloom.sequencer.verify.RejectReason;
import io.powerloom.sequencer.verify.RejectedSubmission;
import io.powerloom.sequencer.verify.SignedSubmission;
import io.powerloom.sequencer.verify.VerifyMetrics;

/**
 * Finalize: keyed by (data market, project ID), connected to the broadcast epoch releases. Each epoch's window opens
 * when its release was seen and closes {@code snapshotSubmissionWindow} later, all in event time. At the close the
 * valid submissions (the last one per slot inside the window wins) are counted and {@link Consensus} picks the CID; submissions outside the
 * window are rejected as {@code LATE}/{@code EARLY}, submissions for an epoch never released as {@code UNKNOWN_EPOCH}.
 *
 * <p>Like {@code SlotRules}, every decision is taken in an event-time timer using only events stamped at or before the
 * timer, so a replay decides the same. After an epoch is decided its state and timers are gone.
 */
public class ProjectFinalizer extends KeyedBroadcastProcessFunction<String, SignedSubmission, ChainEvent, ProjectEpochResult> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<RejectedSubmission> REJECTED = new OutputTag<>("rejected-finalize") {};

    /** Broadcast: {@code market|epoch} → release. */
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

    /** {@code epoch:slot} → the slot's submissions for the epoch, in arrival order (last in-window one wins). */
    private transient MapState<String, SlotSubmissions> submissions;
    /** epoch → first submission time and the timers registered for it. */
    private transient MapState<Long, EpochTimers> epochs;

    private transient VerifyMetrics metrics;
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

    /** One slot's submissions for one project and epoch, in arrival order (Kafka order: the bridge keys by slot). */
    public record SlotSubmissions(SignedSubmission[] list) {
        SlotSubmissions plus(SignedSubmission s) {
            SignedSubmission[] more = Arrays.copyOf(list, list.length + 1);
            more[list.length] = s;
            return new SlotSubmissions(more);
        }
    }

    /** Per epoch: when the first submission arrived and which timers exist for it. */
    public record EpochTimers(long firstSeenMs, long[] timers) {
        EpochTimers minus(long timer) {
            return new EpochTimers(firstSeenMs, Arrays.stream(timers).filter(t -> t != timer).toArray());
        }

        EpochTimers plus(long timer) {
            if (contains(timers, timer)) {
                return this;
            }
            long[] more = Arrays.copyOf(timers, timers.length + 1);
            more[timers.length] = timer;
            return new EpochTimers(firstSeenMs, more);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        submissions = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("submissions", Types.STRING, Types.POJO(SlotSubmissions.class)));
        epochs = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("epochs", Types.LONG, Types.POJO(EpochTimers.class)));
        var group = getRuntimeContext().getMetricGroup();
        metrics = VerifyMetrics.finalizeStage(group);
        finalized = group.counter("finalized");
        unfinalized = group.counter("unfinalized");
        matchingWinner = group.counter("submissions_matching_winner");
        discarded = group.counter("submissions_discarded");
    }

    @Override
    public void processElement(SignedSubmission s, ReadOnlyContext ctx, Collector<ProjectEpochResult> out) throws Exception {
        String key = Long.toUnsignedString(s.epochId()) + ":" + Long.toUnsignedString(s.slotId());
        SlotSubmissions previous = submissions.get(key);
        submissions.put(key, previous == null ? new SlotSubmissions(new SignedSubmission[] {s}) : previous.plus(s));

        EpochTimers timers = epochs.get(s.epochId());
        if (timers == null) {
            timers = new EpochTimers(s.receivedAtMs(), new long[0]);
            timers = arm(ctx, timers, s.receivedAtMs() + releaseWaitMs);
        }
        EpochRelease release = ctx.getBroadcastState(RELEASES).get(EpochRelease.key(s.dataMarket(), s.epochId()));
        if (release != null && release.removedAtMs() == Long.MAX_VALUE) {
            // the release is (probably) valid: the close timer decides; if it is not yet valid then, it re-arms
            timers = arm(ctx, timers, Math.max(release.closeMs(), s.receivedAtMs()));
        } else {
            timers = arm(ctx, timers, s.receivedAtMs());
        }
        epochs.put(s.epochId(), timers);
    }

    private EpochTimers arm(ReadOnlyContext ctx, EpochTimers timers, long at) {
        ctx.timerService().registerEventTimeTimer(at);
        return timers.plus(at);
    }

    @Override
    public void processBroadcastElement(ChainEvent e, Context ctx, Collector<ProjectEpochResult> out) throws Exception {
        if (e.kind() != ChainEvent.Kind.EPOCH_RELEASED) {
            return;
        }
        BroadcastState<String, EpochRelease> releases = ctx.getBroadcastState(RELEASES);
        String key = EpochRelease.key(e.dataMarket(), e.epochId());
        EpochRelease known = releases.get(key);
        if (e.removed()) {
            if (known != null) {
                releases.put(key, new EpochRelease(known.observedAtMs(), known.windowMs(), known.batchWindowBlocks(),
                        known.releaseBlock(), e.observedAtMs()));
            }
            return;
        }
        long windowMs = e.windowMs() > 0 ? e.windowMs() : defaultWindowMs;
        releases.put(key, new EpochRelease(e.observedAtMs(), windowMs, e.batchWindowBlocks(), e.blockNumber(), Long.MAX_VALUE));
        // keep the broadcast state bounded: forget this market's releases far behind the new one
        String prefix = e.dataMarket() + "|";
        List<String> old = new ArrayList<>();
        for (Map.Entry<String, EpochRelease> entry : releases.entries()) {
            String k = entry.getKey();
            if (k.startsWith(prefix)) {
                long epoch = Long.parseUnsignedLong(k.substring(prefix.length()));
                if (Long.compareUnsigned(epoch + RELEASES_KEPT, e.epochId()) < 0) {
                    old.add(k);
                }
            }
        }
        for (String k : old) {
            releases.remove(k);
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<ProjectEpochResult> out) throws Exception {
        List<Long> done = new ArrayList<>();
        ReadOnlyBroadcastState<String, EpochRelease> releases = ctx.getBroadcastState(RELEASES);
        String[] keyParts = splitKey(ctx.getCurrentKey());
        String market = keyParts[0];
        String project = keyParts[1];
        List<Map.Entry<Long, EpochTimers>> updated = new ArrayList<>();
        for (Map.Entry<Long, EpochTimers> entry : epochs.entries()) {
            long epoch = entry.getKey();
            EpochTimers timers = entry.getValue().minus(t);
            EpochRelease release = releases.get(EpochRelease.key(market, epoch));
            if (release != null && release.validAt(t)) {
                if (t >= release.closeMs()) {
                    decide(ctx, out, market, project, epoch, release);
                    done.add(epoch);
                    updated.add(Map.entry(epoch, timers));
                    continue;
                }
                if (!contains(timers.timers(), release.closeMs())) {
                    ctx.timerService().registerEventTimeTimer(release.closeMs());
                    timers = timers.plus(release.closeMs());
                }
            } else if (t >= timers.firstSeenMs() + releaseWaitMs) {
                rejectAll(ctx, epoch, release == null ? "epoch was never released"
                        : "epoch release was retracted or seen only after " + t);
                done.add(epoch);
            } else {
                long recheck = Math.min(t + RECHECK_MS, timers.firstSeenMs() + releaseWaitMs);
                if (!contains(timers.timers(), recheck)) {
                    ctx.timerService().registerEventTimeTimer(recheck);
                    timers = timers.plus(recheck);
                }
            }
            updated.add(Map.entry(epoch, timers));
        }
        for (Map.Entry<Long, EpochTimers> entry : updated) {
            epochs.put(entry.getKey(), entry.getValue());
        }
        for (long epoch : done) {
            EpochTimers timers = epochs.get(epoch);
            for (long timer : timers.timers()) {
                if (timer != t) {
                    ctx.timerService().deleteEventTimeTimer(timer);
                }
            }
            epochs.remove(epoch);
        }
        if (epochs.isEmpty()) { // nothing open for this project: drop its state entirely
            epochs.clear();
            submissions.clear();
        }
    }

    private void decide(OnTimerContext ctx, Collector<ProjectEpochResult> out, String market, String project, long epoch,
                        EpochRelease release) throws Exception {
        long open = release.observedAtMs();
        long close = release.closeMs();
        List<SignedSubmission> valid = new ArrayList<>();
        for (SlotSubmissions slot : takeEpoch(epoch)) {
            SignedSubmission winner = null;
            for (SignedSubmission s : slot.list()) {
                if (s.receivedAtMs() > close) {
                    reject(ctx, s, RejectReason.LATE, "received " + (s.receivedAtMs() - close) + " ms after the window closed");
                } else if (s.receivedAtMs() < open - earlyGraceMs) {
                    reject(ctx, s, RejectReason.EARLY, "received " + (open - s.receivedAtMs()) + " ms before the release was seen");
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
            texts[i] = s.protoJson();
            slots[i] = s.slotId();
        }
        String[] cids = outcome.counts().keySet().toArray(new String[0]);
        int[] cidCounts = outcome.counts().values().stream().mapToInt(Integer::intValue).toArray();
        if (outcome.quorum()) {
            finalized.inc();
            matchingWinner.inc(outcome.winnerCount());
            discarded.inc(outcome.total() - outcome.winnerCount());
        } else {
            unfinalized.inc();
            discarded.inc(outcome.total());
        }
        out.collect(new ProjectEpochResult(market, epoch, project, outcome.quorum(), outcome.quorum() ? outcome.winner() : null,
                outcome.winnerCount(), outcome.total(), cids, cidCounts, ids, texts, slots, open, close,
                System.currentTimeMillis()));
    }

    private void rejectAll(OnTimerContext ctx, long epoch, String detail) throws Exception {
        for (SlotSubmissions slot : takeEpoch(epoch)) {
            for (SignedSubmission s : slot.list()) {
                reject(ctx, s, RejectReason.UNKNOWN_EPOCH, detail);
            }
        }
    }

    /** Removes and returns the epoch's submissions. */
    private List<SlotSubmissions> takeEpoch(long epoch) throws Exception {
        String prefix = Long.toUnsignedString(epoch) + ":";
        List<SlotSubmissions> taken = new ArrayList<>();
        Iterator<Map.Entry<String, SlotSubmissions>> it = submissions.iterator();
        while (it.hasNext()) {
            Map.Entry<String, SlotSubmissions> e = it.next();
            if (e.getKey().startsWith(prefix)) {
                taken.add(e.getValue());
                it.remove();
            }
        }
        return taken;
    }

    private void reject(ReadOnlyContext ctx, SignedSubmission s, RejectReason reason, String detail) {
        metrics.rejected(reason);
        ctx.output(REJECTED, RejectedSubmission.of(s, reason, detail));
    }

    private static boolean contains(long[] values, long v) {
        for (long x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** The key of this stage: {@code market|project}. */
    public static String key(String dataMarket, String projectId) {
        return dataMarket + "|" + projectId;
    }

    static String[] splitKey(String key) {
        int bar = key.indexOf('|');
        return new String[] {key.substring(0, bar), key.substring(bar + 1)};
    }
}
