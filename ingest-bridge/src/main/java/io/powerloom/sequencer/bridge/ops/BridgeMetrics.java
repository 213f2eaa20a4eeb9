package io.powerloom.sequencer.bridge.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every number the bridge exposes on {@code /metrics}. Counters are lock-free; gauges owned by other parts
 * (the libp2p host's connections, relay reservations) are read through suppliers set at wiring time.
 *
 * <p>All names start with {@code sequencer_bridge_}; see {@link #render()} for the list.
 */
public final class BridgeMetrics {
    /** Prefix of every metric name. */
    public static final String PREFIX = "sequencer_bridge_";

    /** Frames (UUID + JSON) completed by the decoders. */
    public final LongAdder received = new LongAdder();
    /** Submissions acknowledged by Kafka. */
    public final LongAdder accepted = new LongAdder();
    /** Bytes read from {@code /collect} streams. */
    public final LongAdder bytes = new LongAdder();
    /** Sends to Kafka that failed (submissions, rejects or heartbeats). */
    public final LongAdder produceErrors = new LongAdder();
    /** Heartbeat records acknowledged by Kafka. */
    public final LongAdder heartbeatsSent = new LongAdder();
    /** Open {@code /collect} streams. */
    public final AtomicLong openStreams = new AtomicLong();
    /** Streams whose reading is paused by backpressure. */
    public final AtomicLong pausedStreams = new AtomicLong();
    /** Submissions sent to Kafka and not yet acknowledged. */
    public final AtomicLong inFlight = new AtomicLong();
    /** Send-to-acknowledgement latency of submissions. */
    public final LatencyHistogram produceLatency = new LatencyHistogram();

    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> streamsRefused = new ConcurrentHashMap<>();
    private volatile LongSupplier openConnections = () -> 0;
    private volatile Supplier<Map<String, Boolean>> relayReservations = Map::of;
    private final java.util.List<Supplier<Map<String, Long>>> extraGauges =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Counts one rejected input under {@code reason} (a stable lower-case token). */
    public void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Rejections so far under {@code reason}. */
    public long rejectedCount(String reason) {
        LongAdder a = rejected.get(reason);
        return a == null ? 0 : a.sum();
    }

    /** Rejections so far over all reasons. */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Counts one stream refused at open (limits, shutting down). */
    public void streamRefused(String reason) {
        streamsRefused.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Streams refused so far under {@code reason}. */
    public long streamsRefusedCount(String reason) {
        LongAdder a = streamsRefused.get(reason);
        return a == null ? 0 : a.sum();
    }

    /** Where the number of open libp2p connections comes from. */
    public void openConnections(LongSupplier source) {
        this.openConnections = source;
    }

    /** Where the reservation state per relay multiaddr (true = reservation held) comes from. */
    public void relayReservations(Supplier<Map<String, Boolean>> source) {
        this.relayReservations = source;
    }

    /**
     * More single-value metrics owned by another part (the chain watcher's), by name without the prefix; names
     * ending in {@code _total} are rendered as counters, others as gauges. Each call adds one source.
     */
    public void extraGauges(Supplier<Map<String, Long>> source) {
        this.extraGauges.add(source);
    }

    private volatile Supplier<Map<String, long[]>> relayLimits = Map::of;

    /** Where each relay's limit per relayed connection ({duration s, data bytes}, 0 = none) comes from. */
    public void relayLimits(Supplier<Map<String, long[]>> source) {
        this.relayLimits = source;
    }

    /** The reservation state per relay now. */
    public Map<String, Boolean> relayReservations() {
        return relayReservations.get();
    }

    /** All metrics in the Prometheus text format. */
    public String render() {
        PrometheusText t = new PrometheusText();
        t.counter(
                PREFIX + "received_total",
                "Submissions (UUID + JSON frames) read from /collect streams",
                received.sum());
        t.counter(PREFIX + "accepted_total", "Submissions acknowledged by Kafka", accepted.sum());
        t.family(PREFIX + "rejected_total", "counter", "Rejected input by reason");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(rejected).entrySet()) {
            t.sample(
                    PREFIX + "rejected_total",
                    Map.of("reason", e.getKey()),
                    e.getValue().sum());
        }
        t.family(PREFIX + "streams_refused_total", "counter", "Streams reset at open by reason");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(streamsRefused).entrySet()) {
            t.sample(
                    PREFIX + "streams_refused_total",
                    Map.of("reason", e.getKey()),
                    e.getValue().sum());
        }
        t.counter(PREFIX + "received_bytes_total", "Bytes read from /collect streams", bytes.sum());
        t.counter(PREFIX + "produce_errors_total", "Kafka sends that failed", produceErrors.sum());
        t.counter(PREFIX + "heartbeats_sent_total", "Heartbeat records acknowledged by Kafka", heartbeatsSent.sum());
        t.gauge(PREFIX + "open_connections", "Open libp2p connections", openConnections.getAsLong());
        t.gauge(PREFIX + "open_streams", "Open /collect streams", openStreams.get());
        t.gauge(PREFIX + "paused_streams", "/collect streams paused by backpressure", pausedStreams.get());
        t.gauge(PREFIX + "in_flight", "Submissions sent to Kafka and not yet acknowledged", inFlight.get());
        t.family(PREFIX + "relay_reservation", "gauge", "1 when a reservation on the relay is held, else 0");
        for (Map.Entry<String, Boolean> e : new TreeMap<>(relayReservations.get()).entrySet()) {
            t.sample(PREFIX + "relay_reservation", Map.of("relay", e.getKey()), e.getValue() ? 1 : 0);
        }
        Map<String, long[]> limits = new TreeMap<>(relayLimits.get());
        t.family(
                PREFIX + "relay_limit_duration",
                "gauge",
                "Limit.duration the relay announced per relayed connection (0: none; seconds per the spec, js-libp2p sends ms)");
        limits.forEach((relay, l) -> t.sample(PREFIX + "relay_limit_duration", Map.of("relay", relay), l[0]));
        t.family(
                PREFIX + "relay_limit_data_bytes",
                "gauge",
                "The relay's limit on the bytes of each relayed connection (0: none)");
        limits.forEach((relay, l) -> t.sample(PREFIX + "relay_limit_data_bytes", Map.of("relay", relay), l[1]));
        t.histogram(
                PREFIX + "produce_latency_seconds",
                "Kafka send-to-acknowledgement latency of submissions",
                produceLatency);
        t.family(
                PREFIX + "produce_latency_quantile_seconds",
                "gauge",
                "Quantiles of the produce latency since start (upper bound of a 4.4 % bucket)");
        for (double q : new double[] {0.5, 0.99}) {
            t.sample(
                    PREFIX + "produce_latency_quantile_seconds",
                    Map.of("quantile", PrometheusText.format(q)),
                    produceLatency.quantileMillis(q) / 1000.0);
        }
        Map<String, Long> extra = new TreeMap<>();
        extraGauges.forEach(g -> extra.putAll(g.get()));
        for (Map.Entry<String, Long> e : extra.entrySet()) {
            String name = PREFIX + e.getKey();
            if (e.getKey().endsWith("_total")) {
                t.counter(name, e.getKey().replace('_', ' '), e.getValue());
            } else {
                t.gauge(name, e.getKey().replace('_', ' '), e.getValue());
            }
        }
        return t.toString();
    }
}
