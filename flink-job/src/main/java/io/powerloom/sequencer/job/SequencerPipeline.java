package io.powerloom.sequencer.job;

import io.powerloom.sequencer.accounting.AccountingAction;
import io.powerloom.sequencer.accounting.AccountingCommit;
import io.powerloom.sequencer.accounting.CountAudit;
import io.powerloom.sequencer.accounting.DayAccounting;
import io.powerloom.sequencer.accounting.DiscardedSubmission;
import io.powerloom.sequencer.accounting.SlotCount;
import io.powerloom.sequencer.anchor.AnchorOutcome;
import io.powerloom.sequencer.anchor.AuditBatch;
import io.powerloom.sequencer.anchor.ChainCommit;
import io.powerloom.sequencer.anchor.EndEpoch;
import io.powerloom.sequencer.anchor.EpochCompletion;
import io.powerloom.sequencer.anchor.IpfsUpload;
import io.powerloom.sequencer.anchor.ipfs.IpfsException;
import io.powerloom.sequencer.batch.Batcher;
import io.powerloom.sequencer.batch.EpochBatcher;
import io.powerloom.sequencer.batch.SubmissionBatch;
import io.powerloom.sequencer.chain.commit.CommitClientConfig;
import io.powerloom.sequencer.collect.CollectedRecord;
import io.powerloom.sequencer.finalize.Consensus;
import io.powerloom.sequencer.finalize.ProjectEpochResult;
import io.powerloom.sequencer.finalize.ProjectFinalizer;
import io.powerloom.sequencer.finalize.ProjectTally;
import io.powerloom.sequencer.job.serde.KeyStringSerializer;
import io.powerloom.sequencer.verify.ChainEvent;
import io.powerloom.sequencer.verify.ParseAndRecover;
import io.powerloom.sequencer.verify.RejectedSubmission;
import io.powerloom.sequencer.verify.SignedSubmission;
import io.powerloom.sequencer.verify.SlotRules;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;

/**
 * The sequencer's data path, in one place:
 *
 * <pre>
 *  submissions (Kafka) ──► verify: parse + recover signer ──► keyBy slot ──► verify: slot rules ──┐
 *                                                                  ▲                              │
 *  protocol-chain (Kafka) ─── broadcast: slots, block heads ───────┘                              ▼
 *                          └── broadcast: epoch releases ──► finalize: keyBy (market, epoch, project),
 *                                                            event-time timer at the epoch's window close
 *                                                                   │            │
 *                                                  finalized (Kafka) ◄┘            ▼
 *                                                           batch: keyBy (market, epoch), at window close
 *                                                                                │
 *          anchor: IPFS upload (async) ──► commit on chain (async) ──► keyBy (market, epoch): all batches mined
 *                                                                                │
 *                                                            endBatchSubmissions (async)
 *                                                                                │
 *                                                                   batches (Kafka); rejected (Kafka) from every stage
 *  finalize ──tallies──► accounting: keyBy market, per (day, slot) counts ──► commit counts on chain (async)
 *  protocol-chain ─ releases, day starts, quota ─┘          │                           │
 *                                             discarded (Kafka)            slot-counts (Kafka)
 * </pre>
 *
 * Sources and sinks come from outside (Kafka in production, bounded ones in tests); {@link SequencerJob#main} only
 * reads the configuration and hands in Kafka.
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

    /** What the accounting stage does with its updates: commit them on chain, audit them, or nothing. */
    public interface Accounting extends Serializable {
        DataStream<SlotCount> apply(DataStream<AccountingAction> actions);
    }

    /** What the anchor stage does with each batch: commit it, audit it, or nothing. */
    public interface Anchoring extends Serializable {
        DataStream<AnchorOutcome> apply(DataStream<SubmissionBatch> batches);
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
                .keyBy(r -> EpochBatcher.key(r.dataMarket(), r.epochId()), KeyStringSerializer.TYPE_INFO)
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

    /** Upload every batch to IPFS, commit it on chain, and end each epoch once all its batches are mined. */
    public static Anchoring commitOnChain(SequencerConfig cfg, CommitClientConfig chain) {
        String ipfs = cfg.get(SequencerConfig.IPFS_API);
        Duration ipfsTimeout = cfg.get(SequencerConfig.IPFS_TIMEOUT);
        long timeout = cfg.get(SequencerConfig.ANCHOR_TIMEOUT).toMillis();
        int capacity = cfg.get(SequencerConfig.ANCHOR_CAPACITY);
        long closeBufferMs = cfg.get(SequencerConfig.CLOSE_BUFFER_TIMEOUT).toMillis();
        return batches -> {
            AsyncRetryStrategy<SubmissionBatch> retry =
                    new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<SubmissionBatch>(
                                    20, 200L, 10_000L, 2.0d)
                            // node down or busy: retry; a wrong CID: fail loudly (the predicate ships with the job
                            // graph)
                            .ifException((java.util.function.Predicate<Throwable> & java.io.Serializable)
                                    IpfsException::retryableCause)
                            .build();
            DataStream<SubmissionBatch> uploaded = AsyncDataStream.unorderedWaitWithRetry(
                            batches, new IpfsUpload(ipfs, ipfsTimeout), timeout, TimeUnit.MILLISECONDS, capacity, retry)
                    .name("anchor: upload to IPFS")
                    .uid("anchor-ipfs");
            SingleOutputStreamOperator<AnchorOutcome> committed = AsyncDataStream.unorderedWait(
                            uploaded, new ChainCommit(chain), timeout, TimeUnit.MILLISECONDS, capacity)
                    .name("anchor: commit batch on chain")
                    .uid("anchor-commit")
                    .setBufferTimeout(closeBufferMs);
            DataStream<EpochCompletion.EpochReady> complete = committed
                    .keyBy(o -> EpochBatcher.key(o.dataMarket(), o.epochId()), KeyStringSerializer.TYPE_INFO)
                    .process(new EpochCompletion())
                    .name("anchor: wait for all batches of the epoch")
                    .uid("anchor-epoch-complete")
                    .setBufferTimeout(closeBufferMs);
            DataStream<AnchorOutcome> ended = AsyncDataStream.unorderedWait(
                            complete, new EndEpoch(chain), timeout, TimeUnit.MILLISECONDS, capacity)
                    .name("anchor: endBatchSubmissions")
                    .uid("anchor-end-epoch");
            return committed.union(ended);
        };
    }

    /**
     * Audit: recompute the batches and compare each with what the contract holds (batch CID, finalized-CIDs root,
     * every project's CID); commits nothing.
     */
    public static Anchoring auditOnChain(SequencerConfig cfg) {
        String rpc = cfg.get(SequencerConfig.RPC_URL);
        String contract = cfg.protocolState();
        long timeout = cfg.get(SequencerConfig.ANCHOR_TIMEOUT).toMillis();
        int capacity = cfg.get(SequencerConfig.ANCHOR_CAPACITY);
        return batches -> AsyncDataStream.unorderedWait(
                        batches, new AuditBatch(rpc, contract), timeout, TimeUnit.MILLISECONDS, capacity)
                .name("anchor: audit against the chain")
                .uid("anchor-audit");
    }

    /**
     * Accounting updates committed on chain through the TaskManager's commit client, one update at a time: updates of
     * one day sent concurrently by different signers could be mined out of order and move a count back (they are
     * few: one per {@code update-every-epochs} epochs and one per day).
     */
    public static Accounting commitCounts(SequencerConfig cfg, CommitClientConfig chain) {
        long timeout = cfg.get(SequencerConfig.ANCHOR_TIMEOUT).toMillis();
        int chunk = cfg.get(SequencerConfig.ACCOUNTING_CHUNK);
        return actions -> AsyncDataStream.orderedWait(
                        actions, new AccountingCommit(chain, chunk), timeout, TimeUnit.MILLISECONDS, 1)
                .name("accounting: commit counts on chain")
                .uid("accounting-commit");
    }

    /** Accounting updates compared with what the chain holds; commits nothing. */
    public static Accounting auditCounts(SequencerConfig cfg) {
        long timeout = cfg.get(SequencerConfig.ANCHOR_TIMEOUT).toMillis();
        String rpc = cfg.get(SequencerConfig.RPC_URL);
        String contract = cfg.protocolState();
        return actions -> AsyncDataStream.orderedWait(
                        actions, new CountAudit(rpc, contract), timeout, TimeUnit.MILLISECONDS, 16)
                .name("accounting: audit counts against the chain")
                .uid("accounting-audit");
    }

    /** Count only (metrics); nothing goes to the chain or to the slot-counts topic. */
    public static Accounting countOnly() {
        return actions -> actions.flatMap((AccountingAction a, org.apache.flink.util.Collector<SlotCount> c) -> {})
                .returns(SlotCount.class)
                .name("accounting: not committed")
                .uid("accounting-none");
    }

    /** Finalize and batch only: every batch is reported {@code NOT_ANCHORED}. */
    public static Anchoring noAnchoring() {
        return batches -> batches.map(
                        b -> AnchorOutcome.forBatch(b, AnchorOutcome.Status.NOT_ANCHORED, null, -1, null, -1))
                .returns(AnchorOutcome.class)
                .name("anchor: disabled")
                .uid("anchor-none");
    }
}
