package io.powerloom.sequencer.bridge.kafka;

import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.collect.SubmissionSink;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the bridge's records to Kafka: submissions and heartbeats to the submissions topic, rejected input to
 * the rejects topic.
 *
 * <p>Producer: idempotent, {@code acks=all}, snappy, {@code linger.ms} from configuration. Submissions are keyed by
 * their slot ID in decimal, so one slot's submissions stay in order on one partition; heartbeats go to every
 * partition explicitly with key {@code "hb"}.
 *
 * <p><b>Timestamps.</b> A record's timestamp (= {@code receivedAtMs}) is read from the {@link ReceiveClock} and
 * the record is handed to the producer under one lock shared by all record kinds. Kafka keeps the append order of
 * one producer per partition, so within a partition the records of one bridge never go back in time: a
 * heartbeat stamped T is never followed by a submission of the same bridge stamped before T.
 *
 * <p><b>Never on an event loop.</b> {@code KafkaProducer.send} can block (metadata, a full buffer) for up to
 * {@code max.block.ms}; a libp2p event loop held that long misses yamux ping deadlines and every session on it is
 * dropped. Submissions and rejects are therefore handed to one sender thread ({@code kafka-send}) through a
 * queue; the queue holds only records counted as in flight, so the collect path's backpressure marks bound it.
 */
public final class SubmissionProducer implements SubmissionSink, AutoCloseable {
    /** Key of heartbeat records. */
    public static final String HEARTBEAT_KEY = "hb";

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionProducer.class);
    private static final byte[] HEARTBEAT_KEY_BYTES = HEARTBEAT_KEY.getBytes(StandardCharsets.US_ASCII);

    private final Producer<byte[], byte[]> producer;
    private final String submissionsTopic;
    private final String rejectsTopic;
    private final String bridgeId;
    private final ReceiveClock clock;
    private final BridgeMetrics metrics;
    private final Object stampLock = new Object();
    private final AtomicLong lastAckMs = new AtomicLong();
    private final AtomicLong lastWarnMs = new AtomicLong();
    private final AtomicLong suppressedWarnings = new AtomicLong();
    private volatile List<Integer> partitions = List.of();
    private final ExecutorService sender;

    /** Wraps an existing producer (tests hand in their own). */
    public SubmissionProducer(
            Producer<byte[], byte[]> producer,
            String submissionsTopic,
            String rejectsTopic,
            String bridgeId,
            ReceiveClock clock,
            BridgeMetrics metrics) {
        this.producer = producer;
        this.submissionsTopic = submissionsTopic;
        this.rejectsTopic = rejectsTopic;
        this.bridgeId = bridgeId;
        this.clock = clock;
        this.metrics = metrics;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kafka-send-" + bridgeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates the Kafka producer from the configuration. */
    public static SubmissionProducer create(BridgeConfig config, ReceiveClock clock, BridgeMetrics metrics) {
        return new SubmissionProducer(
                new KafkaProducer<>(producerProperties(config)),
                config.submissionsTopic(),
                config.rejectsTopic(),
                config.bridgeId(),
                clock,
                metrics);
    }

    /** The producer settings: our defaults, then {@code kafka.producer.*} overrides. */
    public static Map<String, Object> producerProperties(BridgeConfig config) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-" + config.bridgeId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // snappy rather than lz4: Kafka's lz4 stream allocates two 64 KiB block buffers per batch (with linger.ms 5 a
        // batch holds a few records), snappy-java recycles its buffers; measured in docs/benchmarks.md
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy");
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) config.kafkaLinger().toMillis());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        // metadata waits (start-up, a missing topic) fail within 10 s instead of 60 s; backpressure keeps the
        // buffer far from full, so send() does not block on memory
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // send() runs on libp2p event loops and must not block. Kafka 4's default "rebootstrap" forgets the
        // cluster metadata when every broker is unreachable, after which each send() waits max.block.ms for
        // metadata. With "none" the known partitions stay cached: during an outage records wait in the producer
        // (bounded by the in-flight marks, retried until delivery.timeout.ms) and the streams pause.
        p.put("metadata.recovery.strategy", "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(config.kafkaProducerOverrides());
        return p;
    }

    /**
     * Fetches the partitions of both topics, waiting up to {@code timeout}.
     *
     * @throws IllegalStateException when the broker or a topic is not there in time
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                refreshPartitions();
                producer.partitionsFor(rejectsTopic);
                if (!partitions.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException(
                "Kafka not ready within " + timeout + " (topics " + submissionsTopic + ", " + rejectsTopic + ")"
                        + (last == null ? "" : ": " + last.getMessage()),
                last);
    }

    /** Re-reads the partition list of the submissions topic (partitions may be added while running). */
    public List<Integer> refreshPartitions() {
        List<PartitionInfo> infos = producer.partitionsFor(submissionsTopic);
        partitions = infos.stream().map(PartitionInfo::partition).sorted().toList();
        return partitions;
    }

    /** The partitions of the submissions topic as last read. */
    public List<Integer> partitions() {
        return partitions;
    }

    /**
     * Sends one submission from the sender thread; {@code receivedAtMs} is stamped there from the bridge clock.
     *
     * @param slotId         the slot ID parsed from the submission (the record key, decimal)
     * @param submissionJson the submission's JSON text exactly as received
     */
    @Override
    public void sendSubmission(
            String submissionId, String peerId, long slotId, String submissionJson, SendListener listener) {
        handOff(
                () -> {
                    byte[] key = Long.toUnsignedString(slotId).getBytes(StandardCharsets.US_ASCII);
                    synchronized (stampLock) {
                        long now = clock.now();
                        byte[] value = RecordCodec.encode(
                                new SubmissionEnvelope(submissionId, peerId, now, bridgeId, submissionJson));
                        send(new ProducerRecord<>(submissionsTopic, null, now, key, value), listener);
                    }
                },
                listener);
    }

    /** Sends one gossipsub submission from the sender thread: the same record as {@code /collect}, with origin and message id. */
    @Override
    public void sendGossipSubmission(
            String submissionId,
            String peerId,
            String messageId,
            long slotId,
            String submissionJson,
            SendListener listener) {
        handOff(
                () -> {
                    byte[] key = Long.toUnsignedString(slotId).getBytes(StandardCharsets.US_ASCII);
                    synchronized (stampLock) {
                        long now = clock.now();
                        byte[] value = RecordCodec.encode(new SubmissionEnvelope(
                                submissionId,
                                peerId,
                                now,
                                bridgeId,
                                submissionJson,
                                SubmissionEnvelope.ORIGIN_GOSSIPSUB,
                                messageId));
                        send(new ProducerRecord<>(submissionsTopic, null, now, key, value), listener);
                    }
                },
                listener);
    }

    /** Sends one reject record from the sender thread (failures are counted and logged). */
    @Override
    public void sendReject(RejectRecord reject, SendListener listener) {
        handOff(
                () -> {
                    byte[] key = reject.peerId().getBytes(StandardCharsets.UTF_8);
                    synchronized (stampLock) {
                        send(
                                new ProducerRecord<>(rejectsTopic, null, reject.receivedAtMs(), key, reject.encode()),
                                listener);
                    }
                },
                listener);
    }

    private void handOff(Runnable send, SendListener listener) {
        try {
            sender.execute(send);
        } catch (RejectedExecutionException e) { // closed
            metrics.produceErrors.increment();
            listener.onFailed(e);
        }
    }

    /** The bridge clock's time now (for reject records, stamped outside the producer). */
    @Override
    public long now() {
        return clock.now();
    }

    /**
     * Sends one heartbeat to every partition of the submissions topic, all stamped with the same clock reading.
     *
     * @return the timestamp used
     */
    public long sendHeartbeats(long sequence) {
        List<Integer> parts = partitions;
        synchronized (stampLock) {
            long now = clock.now();
            for (int p : parts) {
                byte[] value = RecordCodec.encode(new Heartbeat(now, bridgeId, p, sequence));
                send(new ProducerRecord<>(submissionsTopic, p, now, HEARTBEAT_KEY_BYTES, value), new SendListener() {
                    @Override
                    public void onAcked(long latencyNanos) {
                        metrics.heartbeatsSent.increment();
                    }

                    @Override
                    public void onFailed(Exception error) {}
                });
            }
            return now;
        }
    }

    private void send(ProducerRecord<byte[], byte[]> record, SendListener listener) {
        long start = System.nanoTime();
        try {
            producer.send(record, (meta, error) -> {
                if (error == null) {
                    lastAckMs.set(System.currentTimeMillis());
                    listener.onAcked(System.nanoTime() - start);
                } else {
                    metrics.produceErrors.increment();
                    warnRateLimited("send to " + record.topic() + " failed: " + error);
                    listener.onFailed(error);
                }
            });
        } catch (RuntimeException e) {
            // serialization, buffer exhausted (max.block.ms), producer closed: report like an async failure
            metrics.produceErrors.increment();
            warnRateLimited("send to " + record.topic() + " refused: " + e);
            listener.onFailed(e);
        }
    }

    /** Logs at most one warning a second (a broker outage fails every send), with the number suppressed. */
    private void warnRateLimited(String message) {
        long now = System.currentTimeMillis();
        long last = lastWarnMs.get();
        if (now - last >= 1000 && lastWarnMs.compareAndSet(last, now)) {
            long suppressed = suppressedWarnings.getAndSet(0);
            LOG.warn("{}{}", message, suppressed == 0 ? "" : " (" + suppressed + " more failures in the last second)");
        } else {
            suppressedWarnings.incrementAndGet();
        }
    }

    /** Wall-clock time of the last acknowledgement of any record, 0 if none yet. */
    public long lastAckMs() {
        return lastAckMs.get();
    }

    /** Blocks until every record handed over so far is acknowledged or failed. */
    public void flush() {
        flush(Duration.ofDays(1));
    }

    /**
     * Waits at most {@code timeout} for the sender thread to hand over what is queued (it may be blocked in
     * {@code send} while the broker is away), then flushes the producer.
     */
    public void flush(Duration timeout) {
        try {
            sender.submit(() -> {}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("Kafka sends still queued after {}: not flushing", timeout);
            return;
        } catch (ExecutionException | RejectedExecutionException ignored) {
            // closed: nothing more is handed over
        }
        producer.flush();
    }

    /** Hands over what is queued, then flushes and closes, waiting at most {@code timeout}. */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        sender.shutdown();
        try {
            if (!sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // a send blocked on a broker that is gone: interrupt it, drop what is still queued
                int dropped = sender.shutdownNow().size();
                LOG.warn("closing with {} Kafka sends still queued after {}", dropped, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
