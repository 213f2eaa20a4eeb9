package io.powerloom.sequencer.finalize;

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
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
 * <p>Every decision is taken in an event-time timer using only events stamped at or before the timer, so a replay
 * decides the same. A submission costs one append to the project's list (a RocksDB merge, no read) and, usually, the
 * re-arming of its window's close timer; the list is read once, when the window closes. After an epoch is decided its
 * state and timers are gone.
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

    /**
     * The project's submissions of every open epoch, in arrival order. Appending is a RocksDB merge (no read), and
     * an epoch's submissions are read once, at its close.
     */
    private transient ListState<SignedSubmission> submissions;
    /**
     * Epochs whose release was not known (or whose window had closed) when a submission arrived: the timers armed for
     * them, so that deciding the epoch can delete them. The usual case, a submission inside a known window, arms only
     * the window's close timer, which is consumed by firing, and writes nothing here.
     */
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

    /** Timers armed for one epoch outside the usual path (see {@link #epochs}). */
    public record EpochTimers(long[] timers) {
        EpochTimers plus(long timer) {
            if (contains(timers, timer)) {
                return this;
            }
            long[] more = Arrays.copyOf(timers, timers.length + 1);
            more[timers.length] = timer;
            return new EpochTimers(more);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        submissions = getRuntimeContext().getListState(
                new ListStateDescriptor<>("submissions", TypeInformation.of(SignedSubmission.class)));
        epochs = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("epoch-timers", Types.LONG, Types.POJO(EpochTimers.class)));
        var group = getRuntimeContext().getMetricGroup();
        metrics = VerifyMetrics.finalizeStage(group);
        finalized = group.counter("finalized");
        unfinalized = group.counter("unfinalized");
        matchingWinner = group.counter("submissions_matching_winner");
        discarded = group.counter("submissions_discarded");
    }

    @Override
    public void processElement(SignedSubmission s, ReadOnlyContext ctx, Collector<ProjectEpochResult> out) throws Exception {
        submissions.add(s);
        EpochRelease release = ctx.getBroadcastState(RELEASES).get(EpochRelease.key(s.dataMarket(), s.epochId()));
        if (release != null && release.removedAtMs() == Long.MAX_VALUE && s.receivedAtMs() <= release.closeMs()) {
            // the usual case: the close timer decides (if the release is not valid by then, it re-arms)
            ctx.timerService().registerEventTimeTimer(release.closeMs());
        } else {
            // unknown or retracted release, or a late submission: look again once the watermark passes its receive time
            arm(ctx, s.epochId(), s.receivedAtMs());
        }
    }

    /** Arms a timer for {@code epoch} outside the usual path and remembers it. */
    private void arm(ReadOnlyContext ctx, long epoch, long at) throws Exception {
        ctx.timerService().registerEventTimeTimer(at);
        EpochTimers known = epochs.get(epoch);
        epochs.put(epoch, known == null ? new EpochTimers(new long[] {at}) : known.plus(at));
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
        // the open epochs' submissions, each epoch's in arrival order
        Map<Long, List<SignedSubmission>> byEpoch = new TreeMap<>(Long::compareUnsigned);
        Iterable<SignedSubmission> all = submissions.get();
        if (all != null) {
            for (SignedSubmission s : all) {
                byEpoch.computeIfAbsent(s.epochId(), k -> new ArrayList<>()).add(s);
            }
        }
        ReadOnlyBroadcastState<String, EpochRelease> releases = ctx.getBroadcastState(RELEASES);
        String[] keyParts = splitKey(ctx.getCurrentKey());
        String market = keyParts[0];
        String project = keyParts[1];
        List<SignedSubmission> open = new ArrayList<>();
        boolean changed = false;
        for (Map.Entry<Long, List<SignedSubmission>> entry : byEpoch.entrySet()) {
            long epoch = entry.getKey();
            List<SignedSubmission> list = entry.getValue();
            EpochRelease release = releases.get(EpochRelease.key(market, epoch));
            if (release != null && release.validAt(t)) {
                if (t >= release.closeMs()) {
                    decide(ctx, out, market, project, epoch, release, list);
                    done(ctx, epoch, t);
                    changed = true;
                    continue;
                }
                ctx.timerService().registerEventTimeTimer(release.closeMs()); // fires once, however often it is armed
            } else {
                long firstSeen = Long.MAX_VALUE;
                for (SignedSubmission s : list) {
                    firstSeen = Math.min(firstSeen, s.receivedAtMs());
                }
                if (t >= firstSeen + releaseWaitMs) {
                    for (SignedSubmission s : list) {
                        reject(ctx, s, RejectReason.UNKNOWN_EPOCH, release == null ? "epoch was never released"
                                : "epoch release was retracted or seen only after " + t);
                    }
                    done(ctx, epoch, t);
                    changed = true;
                    continue;
                }
                arm(ctx, epoch, Math.min(t + RECHECK_MS, firstSeen + releaseWaitMs));
            }
            open.addAll(list);
        }
        if (open.isEmpty()) { // nothing open for this project: drop its state entirely
            submissions.clear();
            epochs.clear();
        } else if (changed) {
            submissions.update(open);
        }
    }

    /** The epoch is decided: delete the timers armed for it outside the usual path. */
    private void done(OnTimerContext ctx, long epoch, long firing) throws Exception {
        EpochTimers timers = epochs.get(epoch);
        if (timers == null) {
            return;
        }
        for (long timer : timers.timers()) {
            if (timer != firing) {
                ctx.timerService().deleteEventTimeTimer(timer);
            }
        }
        epochs.remove(epoch);
    }

    private void decide(OnTimerContext ctx, Collector<ProjectEpochResult> out, String market, String project, long epoch,
                        EpochRelease release, List<SignedSubmission> arrived) throws Exception {
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
