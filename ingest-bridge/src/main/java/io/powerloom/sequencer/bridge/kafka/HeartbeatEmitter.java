package io.powerloom.sequencer.bridge.kafka;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps event time moving when no submissions arrive: every {@code heartbeat.interval} it sends one
 * {@code Heartbeat} record to every partition of the submissions topic, stamped with the bridge clock
 * (see {@code docs/event-time.md}).
 *
 * <p>The partition list is re-read every {@value #PARTITION_REFRESH_TICKS} ticks, so partitions added to the
 * topic start receiving heartbeats without a restart. The sequence number counts ticks from 0 per bridge run.
 */
public final class HeartbeatEmitter implements AutoCloseable {
    static final int PARTITION_REFRESH_TICKS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatEmitter.class);

    private final SubmissionProducer producer;
    private final Duration interval;
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat-emitter");
        t.setDaemon(true);
        return t;
    });

    public HeartbeatEmitter(SubmissionProducer producer, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval must be positive: " + interval);
        }
        this.producer = producer;
        this.interval = interval;
    }

    /** Sends the first round now, then one every interval. */
    public void start() {
        timer.scheduleAtFixedRate(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: a heartbeat to every partition. Public so a caller can force one (e.g. at shutdown). */
    public void tick() {
        try {
            long seq = sequence.getAndIncrement();
            if (seq % PARTITION_REFRESH_TICKS == 0 && seq > 0) {
                producer.refreshPartitions();
            }
            producer.sendHeartbeats(seq);
        } catch (RuntimeException e) {
            // never let an exception cancel the schedule
            LOG.warn("heartbeat round failed: {}", e.toString());
        }
    }

    /** Rounds sent so far. */
    public long rounds() {
        return sequence.get();
    }

    /** Stops the schedule (records already handed to the producer are still flushed by it). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
