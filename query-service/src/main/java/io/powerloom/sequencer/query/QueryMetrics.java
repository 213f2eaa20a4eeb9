package io.powerloom.sequencer.query;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The service's counters in the Prometheus text format: records routed by kind, undecodable input by topic, HTTP
 * requests by endpoint and status with a latency histogram, forwarded requests, and the Kafka Streams state.
 */
public final class QueryMetrics {
    private static final double[] BUCKETS_MS = {1, 2, 5, 10, 20, 50, 100, 250, 1000, 5000};

    private final Map<String, LongAdder> routed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> undecodable = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder forwardFailures = new LongAdder();
    private volatile Supplier<String> streamsState = () -> "NOT_STARTED";
    private volatile Supplier<long[]> viewCache = () -> new long[4];
    private volatile Supplier<long[]> connections = () -> new long[2];

    /** {hits, answers built, bytes kept, answers kept} of the serialized views. */
    public void viewCache(Supplier<long[]> stats) {
        this.viewCache = stats;
    }

    /** {open now, refused over the limit} of the HTTP connections. */
    public void connections(Supplier<long[]> stats) {
        this.connections = stats;
    }

    public void routed(String kind) {
        routed.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public void undecodable(String input) {
        undecodable
                .computeIfAbsent(input.toLowerCase(java.util.Locale.ROOT), k -> new LongAdder())
                .increment();
    }

    public long undecodableCount(String input) {
        LongAdder a = undecodable.get(input);
        return a == null ? 0 : a.sum();
    }

    public void request(String endpoint, int status, long nanos) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder())
                .increment();
        latency.computeIfAbsent(endpoint, k -> new Histogram()).observe(nanos / 1e6);
    }

    public void forwarded(boolean ok) {
        (ok ? forwarded : forwardFailures).increment();
    }

    void streamsState(Supplier<String> state) {
        this.streamsState = state;
    }

    /** Prometheus text exposition. */
    public String prometheus() {
        StringBuilder b = new StringBuilder(4096);
        b.append("# HELP query_records_routed_total Input facts routed to the state, by kind\n");
        b.append("# TYPE query_records_routed_total counter\n");
        routed.forEach((k, v) -> b.append("query_records_routed_total{kind=\"")
                .append(k)
                .append("\"} ")
                .append(v.sum())
                .append('\n'));
        b.append("# HELP query_records_undecodable_total Input records that could not be decoded, by input\n");
        b.append("# TYPE query_records_undecodable_total counter\n");
        undecodable.forEach((k, v) -> b.append("query_records_undecodable_total{input=\"")
                .append(k)
                .append("\"} ")
                .append(v.sum())
                .append('\n'));
        b.append("# HELP query_http_requests_total HTTP requests by endpoint and status\n");
        b.append("# TYPE query_http_requests_total counter\n");
        requests.forEach((k, v) -> {
            int z = k.indexOf('\u0000');
            b.append("query_http_requests_total{endpoint=\"")
                    .append(k, 0, z)
                    .append("\",status=\"")
                    .append(k.substring(z + 1))
                    .append("\"} ")
                    .append(v.sum())
                    .append('\n');
        });
        b.append("# HELP query_http_request_duration_ms Time to answer, by endpoint\n");
        b.append("# TYPE query_http_request_duration_ms histogram\n");
        latency.forEach((k, h) -> h.write(b, "query_http_request_duration_ms", "endpoint=\"" + k + "\""));
        b.append("# HELP query_forwarded_total Requests answered by the instance holding the key\n");
        b.append("# TYPE query_forwarded_total counter\n");
        b.append("query_forwarded_total ").append(forwarded.sum()).append('\n');
        b.append("query_forward_failures_total ").append(forwardFailures.sum()).append('\n');
        long[] v = viewCache.get();
        b.append("# HELP query_view_cache_hits_total Per-slot and per-epoch answers served from kept bytes\n");
        b.append("# TYPE query_view_cache_hits_total counter\n");
        b.append("query_view_cache_hits_total ").append(v[0]).append('\n');
        b.append(
                "# HELP query_view_cache_builds_total Per-slot and per-epoch answers built (none kept, or out of date)\n");
        b.append("# TYPE query_view_cache_builds_total counter\n");
        b.append("query_view_cache_builds_total ").append(v[1]).append('\n');
        b.append("# TYPE query_view_cache_bytes gauge\n");
        b.append("query_view_cache_bytes ").append(v[2]).append('\n');
        b.append("# TYPE query_view_cache_entries gauge\n");
        b.append("query_view_cache_entries ").append(v[3]).append('\n');
        long[] c = connections.get();
        b.append("# HELP query_http_connections Open HTTP connections\n");
        b.append("# TYPE query_http_connections gauge\n");
        b.append("query_http_connections ").append(c[0]).append('\n');
        b.append(
                "# HELP query_http_connections_refused_total Connections closed at once for being over http.max.connections\n");
        b.append("# TYPE query_http_connections_refused_total counter\n");
        b.append("query_http_connections_refused_total ").append(c[1]).append('\n');
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            b.append(
                    "# HELP process_cpu_seconds_total CPU time of this process (every thread: HTTP, Kafka Streams, GC)\n");
            b.append("# TYPE process_cpu_seconds_total counter\n");
            b.append("process_cpu_seconds_total ")
                    .append(os.getProcessCpuTime() / 1e9)
                    .append('\n');
        }
        b.append("# HELP query_streams_running 1 when Kafka Streams is RUNNING\n");
        b.append("# TYPE query_streams_running gauge\n");
        String state = streamsState.get();
        b.append("query_streams_running{state=\"")
                .append(state)
                .append("\"} ")
                .append("RUNNING".equals(state) ? 1 : 0)
                .append('\n');
        return b.toString();
    }

    private static final class Histogram {
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS_MS.length + 1);
        private final LongAdder sumMicros = new LongAdder();

        void observe(double ms) {
            int i = 0;
            while (i < BUCKETS_MS.length && ms > BUCKETS_MS[i]) {
                i++;
            }
            counts.incrementAndGet(i);
            sumMicros.add((long) (ms * 1000));
        }

        void write(StringBuilder b, String name, String labels) {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS_MS.length; i++) {
                cumulative += counts.get(i);
                b.append(name)
                        .append("_bucket{")
                        .append(labels)
                        .append(",le=\"")
                        .append(BUCKETS_MS[i])
                        .append("\"} ")
                        .append(cumulative)
                        .append('\n');
            }
            cumulative += counts.get(BUCKETS_MS.length);
            b.append(name)
                    .append("_bucket{")
                    .append(labels)
                    .append(",le=\"+Inf\"} ")
                    .append(cumulative)
                    .append('\n');
            b.append(name)
                    .append("_count{")
                    .append(labels)
                    .append("} ")
                    .append(cumulative)
                    .append('\n');
            b.append(name)
                    .append("_sum{")
                    .append(labels)
                    .append("} ")
                    .append(sumMicros.sum() / 1000.0)
                    .append('\n');
        }
    }
}
