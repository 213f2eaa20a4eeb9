package io.powerloom.sequencer.bridge.chain;

import io.powerloom.sequencer.chain.read.ChainReader;
import io.powerloom.sequencer.chain.read.ChainReader.BlockHeader;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.EpochLog;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.SlotLog;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.UndecodableLogException;
import io.powerloom.sequencer.protocol.records.AccountingParameterUpdated;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SlotAssignment;
import io.powerloom.sequencer.protocol.records.Topics;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Follows the protocol-state contract and writes what the Flink job needs to Kafka, exactly once across restarts and
 * corrected after reorgs. See {@code docs/chain.md}.
 *
 * <p>Every poll cycle reads the next confirmed blocks ({@code head - confirmations}, at most {@code maxBlockRange}),
 * their headers and the contract's {@code EpochReleased} / {@code SlotSnapshotterUpdated} logs (and the accounting events
 * {@code DayStartedEvent}, {@code DailySnapshotQuotaUpdated}, {@code DaySizeUpdated}), and writes, in one Kafka
 * transaction, per block in order: its {@link EpochReleased} records (with the market's windows read at that block) to
 * the protocol-chain topic, its {@link DayStarted} and {@link AccountingParameterUpdated} records there too, its {@link SlotAssignment} records to the slots topic, and one {@link ChainBlock} marker.
 * The last committed {@link ChainBlock} is the progress marker a restart resumes after.
 *
 * <p>A reorg (the hash of the last processed block changed) is found by comparing the remembered hashes with the
 * chain; for blocks after the fork the watcher writes retractions ({@code removed=true}) of their epoch releases,
 * re-reads the slots they changed as of the fork block, and then goes on with the new canonical blocks, all in one
 * transaction.
 *
 * <p>Use: {@code var w = new ChainWatcher(config); w.start(); ... w.metrics(); ... w.stop();}
 */
public final class ChainWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChainWatcher.class);

    private final ChainWatcherConfig config;
    private final Clock clock;
    private final ChainWatcherMetrics metrics = new ChainWatcherMetrics();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private ChainReader reader;
    private KafkaProducer<String, byte[]> producer;
    private WatcherState state;
    private Thread thread;
    private volatile boolean running;
    private volatile Throwable failure;

    public ChainWatcher(ChainWatcherConfig config) {
        this(config, Clock.systemUTC());
    }

    /** With the clock that stamps {@code observedAtMs} (the bridge's wall clock, same as submissions'). */
    public ChainWatcher(ChainWatcherConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Creates missing topics, checks the protocol-chain topic has one partition, opens the transactional producer
     * (fencing any older instance with the same transactional.id and aborting its open transaction), reads the
     * committed progress from the topics and starts following the chain on a thread of its own.
     *
     * @throws ChainWatcherException when Kafka is unreachable or a topic has the wrong shape
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        prepareTopics();
        producer = newProducer();
        state = ChainTopicRecovery.recover(consumerProperties(), config);
        Long last = state.lastProcessed();
        metrics.processedBlock.set(last == null ? -1 : last);
        reader = new ChainReader(config.rpcUrl(), config.protocolStateAddress(), config.rpcTimeout());
        running = true;
        thread = new Thread(this::loop, "chain-watcher");
        thread.setDaemon(true);
        thread.start();
        LOG.info(
                "chain watcher started: contract {}, confirmations {}, resuming after block {}",
                config.protocolStateAddress(),
                config.confirmations(),
                last);
    }

    /** Stops after the current cycle (an open transaction is aborted) and closes the producer. */
    public synchronized void stop() {
        running = false;
        stopSignal.countDown();
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(10));
            producer = null;
        }
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Whether the watcher thread is following the chain. */
    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    /** The error that stopped the watcher (a fatal one: fencing, a reorg deeper than remembered), or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Why the watcher is not ready, or null when it is: it stopped (a fatal error), two cycles in a row failed (an RPC
     * endpoint that refuses connections or answers errors: within about two poll intervals), or no cycle has completed
     * for {@link #staleAfter()} (an endpoint that hangs until the RPC timeout).
     */
    public String unreadyReason(long nowMs) {
        if (failure != null) {
            return "failed: " + failure.getMessage();
        }
        if (!isRunning()) {
            return "not running";
        }
        long since = nowMs - metrics.lastSuccessMs();
        if (metrics.failureStreak() >= 2 || since > staleAfter().toMillis()) {
            return metrics.failureStreak() + " cycles failed in a row, none completed for " + since + " ms (limit "
                    + staleAfter().toMillis() + " ms); last error: " + metrics.lastError() + " (RPC "
                    + redactedRpcUrl() + ")";
        }
        return null;
    }

    /** How long without a completed cycle makes the watcher unready: RPC timeout + 3 poll intervals. */
    public java.time.Duration staleAfter() {
        return config.rpcTimeout().plus(config.pollInterval().multipliedBy(3));
    }

    private String redactedRpcUrl() {
        try {
            java.net.URI u = java.net.URI.create(config.rpcUrl());
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
        } catch (RuntimeException e) {
            return "(unparseable URL)";
        }
    }

    public ChainWatcherMetrics metrics() {
        return metrics;
    }

    // ------------------------------------------------------------------------------------------ loop

    private void loop() {
        long backoffMs = config.pollInterval().toMillis();
        boolean needsReopen = false;
        while (running) {
            boolean more = false;
            try {
                if (needsReopen) {
                    reopen();
                    needsReopen = false;
                }
                more = cycle();
                metrics.cycleSucceeded(System.currentTimeMillis());
                backoffMs = config.pollInterval().toMillis();
            } catch (ChainWatcherException
                    | ProducerFencedException
                    | OutOfOrderSequenceException
                    | AuthorizationException fatal) {
                LOG.error("chain watcher stops: {}", fatal.toString(), fatal);
                failure = fatal;
                running = false;
                return;
            } catch (KafkaException e) {
                metrics.cycleFailed(e);
                LOG.warn(
                        "Kafka failure, reopening the producer and re-reading progress in {} ms: {}",
                        backoffMs,
                        e.toString());
                needsReopen = true;
                backoffMs = Math.min(backoffMs * 2, 30_000);
            } catch (IOException | RuntimeException e) {
                metrics.cycleFailed(e);
                LOG.warn("chain read failed, retrying in {} ms: {}", backoffMs, e.toString());
                LOG.debug("cycle failure", e);
                backoffMs = Math.min(backoffMs * 2, 30_000);
            }
            if (!more) {
                try {
                    if (stopSignal.await(backoffMs, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** A new producer (aborting what the old one left open) and the state re-read from what is committed. */
    private void reopen() {
        try {
            producer.close(java.time.Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
            // closing a broken producer
        }
        try {
            producer = newProducer();
            state = ChainTopicRecovery.recover(consumerProperties(), config);
        } catch (ChainWatcherException e) {
            throw new KafkaException(e.getMessage(), e); // not fatal here: Kafka may come back
        }
    }

    /**
     * One poll cycle.
     *
     * @return true when more confirmed blocks are waiting (go on at once)
     */
    boolean cycle() throws IOException {
        long head = reader.head();
        metrics.head.set(head);
        long confirmed = head - config.confirmations();
        long now = clock.millis();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        Long last = state.lastProcessed();
        long base;
        Long fork = null;
        if (last == null) {
            base = config.startBlock() - 1;
        } else {
            BlockHeader canonical = reader.blocksOrNull(List.of(last)).get(0);
            if (canonical != null && canonical.hash().equals(state.hash(last))) {
                base = last;
            } else {
                fork = findFork();
                base = fork;
                out.addAll(orphanCorrections(fork, now));
            }
        }
        long from = base + 1;
        long to = Math.min(confirmed, base + config.maxBlockRange());
        List<BlockHeader> blocks = from <= to ? reader.blocks(from, to) : List.of();
        String prev = state.hash(base);
        for (BlockHeader b : blocks) {
            if (prev != null && !b.parentHash().equals(prev)) {
                throw new IOException("block " + b.number() + " does not extend " + prev + ": chain moved, retrying");
            }
            prev = b.hash();
        }
        Map<Long, List<Log>> logsByBlock = new TreeMap<>();
        if (!blocks.isEmpty()) {
            for (Log log : reader.logs(from, to)) {
                logsByBlock
                        .computeIfAbsent(log.getBlockNumber().longValueExact(), n -> new ArrayList<>())
                        .add(log);
            }
        }
        List<Runnable> stateUpdates = new ArrayList<>();
        int epochs = 0;
        int slots = 0;
        int days = 0;
        int parameters = 0;
        for (BlockHeader b : blocks) {
            List<Log> logs = new ArrayList<>(logsByBlock.getOrDefault(b.number(), List.of()));
            logs.sort(Comparator.comparing(Log::getLogIndex));
            for (int li = 0; li < logs.size(); li++) {
                Log log = logs.get(li);
                if (!b.hash().equalsIgnoreCase(log.getBlockHash())) {
                    throw new IOException("log of block " + b.number() + " has hash " + log.getBlockHash()
                            + ", header has " + b.hash() + ": chain moved, retrying");
                }
                try {
                    if (ProtocolStateEvents.isEpochReleased(log)) {
                        EpochReleased e = toRecord(ProtocolStateEvents.decodeEpoch(log), now);
                        out.add(new ProducerRecord<>(
                                config.chainTopic(), null, now, e.dataMarket(), RecordCodec.encode(e)));
                        stateUpdates.add(() -> state.apply(e));
                        epochs++;
                    } else if (ProtocolStateEvents.isSlotUpdated(log)) {
                        SlotLog s = ProtocolStateEvents.decodeSlot(log);
                        SlotAssignment a =
                                new SlotAssignment(s.slotId(), s.snapshotter(), s.active(), s.blockNumber(), now);
                        out.add(new ProducerRecord<>(
                                config.slotsTopic(), null, now, Topics.slotKey(s.slotId()), RecordCodec.encode(a)));
                        // and on the protocol-chain topic, in one order with releases and heads (the job reads it
                        // there)
                        out.add(new ProducerRecord<>(
                                config.chainTopic(), null, now, Topics.slotKey(s.slotId()), RecordCodec.encode(a)));
                        stateUpdates.add(() -> state.slotChanged(s.blockNumber(), s.slotId()));
                        slots++;
                    } else if (ProtocolStateEvents.isDayStarted(log)) {
                        DayStarted d = toRecord(ProtocolStateEvents.decodeDay(log), logs, li, now);
                        out.add(new ProducerRecord<>(
                                config.chainTopic(), null, now, d.dataMarket(), RecordCodec.encode(d)));
                        stateUpdates.add(() -> state.apply(d));
                        days++;
                    } else if (ProtocolStateEvents.isParameterUpdated(log)) {
                        ProtocolStateEvents.ParameterLog p = ProtocolStateEvents.decodeParameter(log);
                        AccountingParameterUpdated a = new AccountingParameterUpdated(
                                p.dataMarket(),
                                p.quota()
                                        ? AccountingParameterUpdated.Parameter.DAILY_SNAPSHOT_QUOTA
                                        : AccountingParameterUpdated.Parameter.DAY_SIZE,
                                p.value(),
                                p.epochsInADay(),
                                p.blockNumber(),
                                p.blockHash(),
                                p.txHash(),
                                p.logIndex(),
                                now,
                                false);
                        out.add(new ProducerRecord<>(
                                config.chainTopic(), null, now, a.dataMarket(), RecordCodec.encode(a)));
                        stateUpdates.add(() -> state.apply(a));
                        parameters++;
                    }
                } catch (UndecodableLogException e) {
                    LOG.error("skipping an undecodable log in block {}: {}", b.number(), e.getMessage());
                }
            }
            ChainBlock cb = new ChainBlock(b.number(), b.hash(), b.timestamp(), now);
            out.add(new ProducerRecord<>(config.chainTopic(), null, now, Topics.BLOCK_KEY, RecordCodec.encode(cb)));
            stateUpdates.add(() -> state.apply(cb));
        }
        if (blocks.isEmpty() && fork != null) {
            // the new branch has no confirmed block after the fork yet: mark the fork block as the progress
            BlockHeader f = reader.blocks(fork, fork).get(0);
            ChainBlock cb = new ChainBlock(f.number(), f.hash(), f.timestamp(), now);
            out.add(new ProducerRecord<>(config.chainTopic(), null, now, Topics.BLOCK_KEY, RecordCodec.encode(cb)));
            stateUpdates.add(() -> state.apply(cb));
        }
        if (out.isEmpty()) {
            return false;
        }
        writeTransaction(out);
        if (fork != null) {
            state.truncateAfter(fork);
            metrics.reorgs.incrementAndGet();
        }
        stateUpdates.forEach(Runnable::run);
        metrics.recordsWritten.addAndGet(out.size());
        metrics.epochsWritten.addAndGet(epochs);
        metrics.slotsWritten.addAndGet(slots);
        metrics.daysWritten.addAndGet(days);
        metrics.parametersWritten.addAndGet(parameters);
        metrics.blocksWritten.addAndGet(blocks.size());
        Long done = state.lastProcessed();
        metrics.processedBlock.set(done == null ? -1 : done);
        return to < confirmed;
    }

    private EpochReleased toRecord(EpochLog e, long now) throws IOException {
        long fallbacksBefore = reader.windowFallbacks();
        long[] windows = reader.windows(e.dataMarket(), e.blockNumber());
        if (reader.windowFallbacks() > fallbacksBefore) {
            if (metrics.windowFallbacks.incrementAndGet() % 100 == 1) {
                LOG.warn(
                        "the node has no state for block {} (not an archive node): windows of {} epoch {} read at the"
                                + " latest block ({} such reads so far)",
                        e.blockNumber(),
                        e.dataMarket(),
                        e.epochId(),
                        metrics.windowFallbacks.get());
            }
        }
        return new EpochReleased(
                e.dataMarket(),
                e.epochId(),
                e.begin(),
                e.end(),
                e.timestamp(),
                e.blockNumber(),
                e.blockHash(),
                e.txHash(),
                e.logIndex(),
                windows[0],
                windows[1],
                now,
                false);
    }

    /**
     * A day start, with the epoch whose release started it: the contract emits {@code DayStartedEvent} in that release's
     * transaction, just before its {@code EpochReleased}.
     */
    private static DayStarted toRecord(ProtocolStateEvents.DayLog d, List<Log> logs, int index, long now)
            throws UndecodableLogException {
        for (int i = index + 1; i < logs.size(); i++) {
            Log next = logs.get(i);
            if (next.getTransactionHash() != null
                    && next.getTransactionHash().equalsIgnoreCase(d.txHash())
                    && ProtocolStateEvents.isEpochReleased(next)) {
                EpochLog e = ProtocolStateEvents.decodeEpoch(next);
                if (e.dataMarket().equals(d.dataMarket())) {
                    return new DayStarted(
                            d.dataMarket(),
                            d.dayId(),
                            e.epochId(),
                            d.timestamp(),
                            d.blockNumber(),
                            d.blockHash(),
                            d.txHash(),
                            d.logIndex(),
                            now,
                            false);
                }
            }
        }
        throw new UndecodableLogException(
                "DayStartedEvent in tx " + d.txHash() + " without the EpochReleased of its" + " transaction");
    }

    /** The highest remembered block still on the canonical chain. */
    private long findFork() throws IOException {
        List<Long> remembered = state.rememberedNewestFirst();
        List<BlockHeader> canonical = reader.blocksOrNull(remembered);
        for (int i = 0; i < remembered.size(); i++) {
            BlockHeader c = canonical.get(i);
            if (c != null && c.hash().equals(state.hash(remembered.get(i)))) {
                LOG.warn(
                        "reorg: blocks after {} were replaced ({} remembered blocks checked)",
                        remembered.get(i),
                        i + 1);
                return remembered.get(i);
            }
        }
        throw new ChainWatcherException("reorg deeper than the " + remembered.size()
                + " remembered blocks (raise reorgDepth or confirmations); records after block "
                + state.oldest() + " may be orphaned");
    }

    /** Retractions of the epoch releases after the fork, and the slots they changed as they are at the fork block. */
    private List<ProducerRecord<String, byte[]>> orphanCorrections(long fork, long now) throws IOException {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (EpochReleased e : state.epochsAfter(fork)) {
            EpochReleased retraction = new EpochReleased(
                    e.dataMarket(),
                    e.epochId(),
                    e.begin(),
                    e.end(),
                    e.chainTimestamp(),
                    e.blockNumber(),
                    e.blockHash(),
                    e.txHash(),
                    e.logIndex(),
                    e.snapshotSubmissionWindow(),
                    e.batchSubmissionWindow(),
                    now,
                    true);
            out.add(new ProducerRecord<>(
                    config.chainTopic(), null, now, e.dataMarket(), RecordCodec.encode(retraction)));
            metrics.retractions.incrementAndGet();
        }
        for (ChainTopicRecord r : state.accountingAfter(fork)) {
            ChainTopicRecord retraction =
                    r instanceof DayStarted d ? d.retracted(now) : ((AccountingParameterUpdated) r).retracted(now);
            String key = r instanceof DayStarted d ? d.dataMarket() : ((AccountingParameterUpdated) r).dataMarket();
            out.add(new ProducerRecord<>(config.chainTopic(), null, now, key, RecordCodec.encode(retraction)));
            metrics.retractions.incrementAndGet();
        }
        Set<Long> slots = new TreeSet<>(state.slotsAfter(fork));
        for (long slotId : slots) {
            ChainReader.SlotState s = reader.slot(slotId, fork);
            SlotAssignment a = new SlotAssignment(slotId, s.snapshotter(), s.active(), fork, now);
            out.add(new ProducerRecord<>(
                    config.slotsTopic(), null, now, Topics.slotKey(slotId), RecordCodec.encode(a)));
            out.add(new ProducerRecord<>(
                    config.chainTopic(), null, now, Topics.slotKey(slotId), RecordCodec.encode(a)));
        }
        return out;
    }

    private void writeTransaction(List<ProducerRecord<String, byte[]>> records) {
        producer.beginTransaction();
        try {
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r);
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
            throw fatal;
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the producer is reopened by the loop
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------ Kafka setup

    private KafkaProducer<String, byte[]> newProducer() {
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        KafkaProducer<String, byte[]> kp = new KafkaProducer<>(p);
        try {
            kp.initTransactions();
        } catch (KafkaException e) {
            kp.close(java.time.Duration.ZERO);
            throw new ChainWatcherException(
                    "cannot initialise the transactional producer " + config.transactionalId() + " on "
                            + config.bootstrapServers() + ": " + e.getMessage(),
                    e);
        }
        return kp;
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return p;
    }

    private void prepareTopics() {
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put("bootstrap.servers", config.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            if (config.createTopics()) {
                create(
                        admin,
                        new NewTopic(config.chainTopic(), 1, config.topicReplication())
                                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
                create(
                        admin,
                        new NewTopic(
                                        config.slotsTopic(),
                                        java.util.Optional.empty(),
                                        java.util.Optional.of(config.topicReplication()))
                                .configs(
                                        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            Map<String, TopicDescription> d = describe(admin);
            int partitions = d.get(config.chainTopic()).partitions().size();
            if (partitions != 1) {
                throw new ChainWatcherException("topic " + config.chainTopic() + " has " + partitions
                        + " partitions; the protocol-chain topic needs exactly 1 (total order)");
            }
        } catch (ExecutionException e) {
            throw new ChainWatcherException(
                    "cannot prepare topics " + config.chainTopic() + ", " + config.slotsTopic() + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ChainWatcherException("Kafka at " + config.bootstrapServers() + " did not answer in 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainWatcherException("interrupted while preparing topics", e);
        }
    }

    /** Describes both topics, waiting out the moment after creation when the broker does not know them yet. */
    private Map<String, TopicDescription> describe(Admin admin)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return admin.describeTopics(List.of(config.chainTopic(), config.slotsTopic()))
                        .allTopicNames()
                        .get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void create(Admin admin, NewTopic topic)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        try {
            admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
