package io.powerloom.sequencer.job;

import io.powerloom.sequencer.accounting.Accounting;
import io.powerloom.sequencer.accounting.AccountingAction;
import io.powerloom.sequencer.accounting.DayAccounting;
import io.powerloom.sequencer.accounting.DiscardedSubmission;
import io.powerloom.sequencer.accounting.SlotCount;
import io.powerloom.sequencer.anchor.AnchorOutcome;
import io.powerloom.sequencer.anchor.Anchoring;
import io.powerloom.sequencer.batch.Batcher;
import io.powerloom.sequencer.batch.EpochBatcher;
import io.powerloom.sequencer.batch.SubmissionBatch;
import io.powerloom.sequencer.finalize.Consensus;
import io.powerloom.sequencer.finalize.ProjectFinalizer;
import io.powerloom.sequencer.finalize.ProjectTally;
import io.powerloom.sequencer.model.ProjectEpochKey;
import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.model.RejectedSubmission;
import io.powerloom.sequencer.model.SignedSubmission;
import io.powerloom.sequencer.model.serde.KeyStringSerializer;
import io.powerloom.sequencer.verify.ChainEvent;
import io.powerloom.sequencer.verify.CollectedRecord;
import io.powerloom.sequencer.verify.ParseAndRecover;
import io.powerloom.sequencer.verify.SlotRules;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The sequencer's data path, in one place (each stage is a package; the records that cross stages and their keys are
 * in {@code model}):
 *
 * <pre>
 *  submissions (Kafka) ──► verify: decode + recover signer ──► keyBy slot ──► verify: slot rules ──┐
 *                                                                  ▲                               │
 *  protocol-chain (Kafka) ─── broadcast: slots, block heads ───────┘                               ▼
 *                          └── broadcast: epoch releases ──► finalize: keyBy (market, epoch, project),
 *                                                            event-time timer at the epoch's window close
 *                                                                   │            │
 *                                                  finalized (Kafka) ◄┘            ▼
 *                                                           batch: keyBy (market, epoch), at window close
 *                                                                                │
 *   anchor (Anchoring: commit, audit or none): IPFS upload (async) ──► commit on chain (async)
 *                                  ──► keyBy (market, epoch): all batches mined ──► endBatchSubmissions (async)
 *                                                                                │
 *                                                                   batches (Kafka); rejected (Kafka) from every stage
 *  finalize ──tallies──► accounting: keyBy market, per (day, slot) counts ──► commit counts on chain (async)
 *  protocol-chain ─ releases, day starts, quota ─┘          │                           │
 *                                             discarded (Kafka)            slot-counts (Kafka)
 * </pre>
 *
 * The (market, epoch[, project]) keys are {@link ProjectEpochKey}s, keyed by their string form. Sources and sinks come
 * from outside (Kafka in production, bounded ones in tests), and so do what the anchor and accounting stages do with
 * their output ({@link Anchoring}, {@link Accounting}); {@link SequencerJob#main} only reads the configuration and
 * hands in Kafka.
 */
public final class SequencerPipeline {

    /** The job's inputs. */
    public record Inputs(Source<CollectedRecord, ?, ?> submissions, Source<ChainEvent, ?, ?> chain) {}

    /**
     * The job's outputs; {@code slotCounts} and {@code discarded} (the accounting stage's) may be null: those records
     * are then not written.
     */
    public record Outputs(
            Sink<ProjectEpochResult> finalized,
            Sink<AnchorOutcome> batches,
            Sink<RejectedSubmission> rejected,
            Sink<SlotCount> slotCounts,
            Sink<DiscardedSubmission> discarded) {

        /** Outputs without the accounting topics. */
        public Outputs(
                Sink<ProjectEpochResult> finalized, Sink<AnchorOutcome> batches, Sink<RejectedSubmission> rejected) {
            this(finalized, batches, rejected, null, null);
        }
    }

    private SequencerPipeline() {}

    /** Wires the whole job into {@code env}, without snapshotter accounting. */
    public static void build(
            StreamExecutionEnvironment env, SequencerConfig cfg, Inputs in, Outputs out, Anchoring anchoring) {
        build(env, cfg, in, out, anchoring, null);
    }

    /** Wires the whole job into {@code env}; {@code accounting} null leaves the accounting stage out. */
    public static void build(
            StreamExecutionEnvironment env,
            SequencerConfig cfg,
            Inputs in,
            Outputs out,
            Anchoring anchoring,
            Accounting accounting) {
        // from finalize on, records come in bursts at each close and then stop: flush part-filled buffers quickly
        long closeBufferMs = cfg.get(SequencerConfig.CLOSE_BUFFER_TIMEOUT).toMillis();
        // ---- sources, with event time from the log ----
        DataStream<CollectedRecord> submissions = env.fromSource(
                        in.submissions(),
                        submissionWatermarks(cfg.get(SequencerConfig.OUT_OF_ORDERNESS), alignmentDrift(cfg)),
                        "source: submissions")
                .uid("source-submissions");
        DataStream<ChainEvent> chain = env.fromSource(in.chain(), chainWatermarks(), "source: protocol-chain")
                .uid("source-protocol-chain")
                .setParallelism(1);

        // ---- 1. collect → verify ----
        SingleOutputStreamOperator<SignedSubmission> signed = submissions
                .process(new ParseAndRecover(
                        cfg.get(SequencerConfig.CHAIN_ID),
                        cfg.protocolState(),
                        cfg.dataMarkets(),
                        cfg.flaggedSigners()))
                .name("verify: decode and recover signer")
                .uid("verify-recover");

        BroadcastStream<ChainEvent> registry = chain.broadcast(SlotRules.SLOTS, SlotRules.BLOCKS, SlotRules.FRONTIER);
        SingleOutputStreamOperator<SignedSubmission> verified = signed.keyBy(SignedSubmission::slotId, Types.LONG)
                .connect(registry)
                .process(new SlotRules(
                        cfg.get(SequencerConfig.PER_SLOT_EPOCH_LIMIT),
                        cfg.fullNodes(),
                        cfg.get(SequencerConfig.DEADLINE_CHECK),
                        cfg.get(SequencerConfig.DEADLINE_TOLERANCE),
                        cfg.get(SequencerConfig.QUOTA_RETENTION).toMillis()))
                .name("verify: slot owner, deadline, epoch limit")
                .uid("verify-slot-rules");

        // ---- 2. finalize ----
        BroadcastStream<ChainEvent> releases = chain.broadcast(ProjectFinalizer.RELEASES);
        ProjectFinalizer finalizer = new ProjectFinalizer(
                new Consensus(cfg.get(SequencerConfig.MIN_COUNT), cfg.get(SequencerConfig.MIN_SHARE)),
                cfg.get(SequencerConfig.EARLY_GRACE).toMillis(),
                cfg.get(SequencerConfig.RELEASE_WAIT).toMillis(),
                cfg.get(SequencerConfig.DEFAULT_WINDOW_SECONDS) * 1000L);
        if (accounting != null) {
            finalizer.withTallies();
        }
        SingleOutputStreamOperator<ProjectEpochResult> results = verified.keyBy(
                        ProjectFinalizer::key, KeyStringSerializer.TYPE_INFO)
                .connect(releases)
                .process(finalizer)
                .name("finalize: consensus per project and epoch")
                .uid("finalize")
                .setBufferTimeout(closeBufferMs);
        DataStream<ProjectEpochResult> decided = results;
        long[] range = cfg.replayEpochs();
        if (range != null) { // a replay over an epoch range: epochs cut by the range's edges are left alone
            long first = range[0];
            long last = range[1];
            decided = results.filter(r -> Long.compareUnsigned(r.epochId(), first) >= 0
                            && Long.compareUnsigned(r.epochId(), last) <= 0)
                    .name("replay: epochs " + Long.toUnsignedString(first) + "-" + Long.toUnsignedString(last))
                    .uid("replay-epoch-filter")
                    .setBufferTimeout(closeBufferMs);
        }
        decided.sinkTo(out.finalized()).name("sink: finalized").uid("sink-finalized");

        // ---- 3. batch ----
        DataStream<SubmissionBatch> batches = decided.filter(ProjectEpochResult::finalized)
                .name("finalized only")
                .uid("batch-filter-finalized")
                .setBufferTimeout(closeBufferMs)
                .keyBy(EpochBatcher::key, KeyStringSerializer.TYPE_INFO)
                .process(new EpochBatcher(
                        new Batcher(cfg.get(SequencerConfig.BATCH_SIZE), cfg.get(SequencerConfig.BATCH_MAX_BYTES))))
                .name("batch: epoch into sorted batches")
                .uid("batch")
                .setBufferTimeout(closeBufferMs);

        // ---- 4. anchor ----
        anchoring.apply(batches).sinkTo(out.batches()).name("sink: batches").uid("sink-batches");

        // ---- 5. accounting (SPEC §10): counts per day and slot, committed on chain ----
        if (accounting != null) {
            DataStream<ProjectTally> tallies = results.getSideOutput(ProjectFinalizer.TALLIES);
            if (range != null) {
                long first = range[0];
                long last = range[1];
                tallies = tallies.filter(t -> Long.compareUnsigned(t.epochId(), first) >= 0
                                && Long.compareUnsigned(t.epochId(), last) <= 0)
                        .name("replay: accounting epochs " + Long.toUnsignedString(first) + "-"
                                + Long.toUnsignedString(last))
                        .uid("replay-accounting-filter");
            }
            DataStream<ChainEvent> marketEvents = chain.filter(e -> e.kind() == ChainEvent.Kind.EPOCH_RELEASED
                            || e.kind() == ChainEvent.Kind.DAY_STARTED
                            || e.kind() == ChainEvent.Kind.QUOTA)
                    .name("accounting: releases, day starts, quota")
                    .uid("accounting-chain-events")
                    .setParallelism(1);
            SingleOutputStreamOperator<AccountingAction> actions = tallies.keyBy(
                            ProjectTally::dataMarket, KeyStringSerializer.TYPE_INFO)
                    .connect(marketEvents.keyBy(ChainEvent::dataMarket, KeyStringSerializer.TYPE_INFO))
                    .process(new DayAccounting(
                            cfg.get(SequencerConfig.ACCOUNTING_UPDATE_EVERY),
                            cfg.get(SequencerConfig.ACCOUNTING_FINAL_DELAY),
                            cfg.get(SequencerConfig.ACCOUNTING_DEFAULT_QUOTA),
                            cfg.get(SequencerConfig.DEFAULT_WINDOW_SECONDS) * 1000L,
                            range))
                    .name("accounting: counts per day and slot")
                    .uid("accounting-counts");
            DataStream<SlotCount> counts = accounting.apply(actions);
            if (out.slotCounts() != null) {
                counts.sinkTo(out.slotCounts()).name("sink: slot-counts").uid("sink-slot-counts");
            }
            if (out.discarded() != null) {
                actions.getSideOutput(DayAccounting.DISCARDED)
                        .sinkTo(out.discarded())
                        .name("sink: discarded")
                        .uid("sink-discarded");
            }
        }

        // ---- rejected, with reasons, from every stage ----
        signed.getSideOutput(ParseAndRecover.REJECTED)
                .union(verified.getSideOutput(SlotRules.REJECTED), results.getSideOutput(ProjectFinalizer.REJECTED))
                .sinkTo(out.rejected())
                .name("sink: rejected")
                .uid("sink-rejected");
    }

    /**
     * How often the source readers compare watermarks. A replay reads event time far faster than it passes, so this
     * must be short next to the drift, or the pauses, not the CPU, set the replay's pace.
     */
    static final Duration ALIGNMENT_UPDATE = Duration.ofMillis(200);

    /**
     * The watermark alignment drift, or zero (off) for a bounded replay ({@code sequencer.kafka.stop-at}): the Kafka
     * connector (5.0.0-2.2) can try to pause a partition that has just reached its stop offset and fail the task
     * ("No current assignment for partition", FLINK-39728, fixed upstream after that release). An unbounded run never
     * finishes a partition.
     */
    static Duration alignmentDrift(SequencerConfig cfg) {
        return cfg.get(SequencerConfig.STOP_AT).isNone() ? cfg.get(SequencerConfig.MAX_DRIFT) : Duration.ZERO;
    }

    static WatermarkStrategy<CollectedRecord> submissionWatermarks(Duration outOfOrderness, Duration maxDrift) {
        // heartbeats from the bridge reach every partition, so per-partition watermarks advance from the log alone
        WatermarkStrategy<CollectedRecord> strategy = WatermarkStrategy.<CollectedRecord>forBoundedOutOfOrderness(
                        outOfOrderness)
                .withTimestampAssigner((r, kafkaTs) -> r.receivedAtMs());
        // a replay reads partitions as fast as it can; without alignment the busiest (slot-keyed) partition sets the
        // watermark while the others run ahead, and every window in between stays open in state
        return maxDrift.isZero()
                ? strategy
                : strategy.withWatermarkAlignment("submissions", maxDrift, ALIGNMENT_UPDATE);
    }

    static WatermarkStrategy<ChainEvent> chainWatermarks() {
        return WatermarkStrategy.<ChainEvent>forMonotonousTimestamps()
                .withTimestampAssigner((e, kafkaTs) -> e.observedAtMs());
    }
}
