package io.powerloom.sequencer.query;

import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.KafkaBroker;
import io.powerloom.sequencer.protocol.records.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load driver for per-slot queries (a shipped tool, not a test): starts a Kafka broker (own JVM) and the query service
 * (one or two instances), plants {@code --epochs} epochs of {@code --slots} slots (one submission each, finalized and
 * batched, every tenth discarded), then sends {@code GET /api/slot?slotID=…&epochID=…} for random slots and epochs at a
 * fixed rate (open loop: latency is measured from when each request was due, so a stall counts against it) and prints
 * the achieved rate and the latency percentiles.
 *
 * <pre>mvn -B -pl query-service -am -Pquery-load verify -DskipTests -Dload.args="--seconds 30 --rate 2000"</pre>
 * Options: {@code --seconds 30 --warmup-seconds 5 --rate 2000 --epochs 20 --slots 1000 --instances 1}.
 */
public final class LocalQueryLoad {
    /** Client threads, each on its own keep-alive connection. */
    static final int WORKERS = 32;

    private LocalQueryLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("seconds", "30", "warmup-seconds", "5", "rate", "2000",
                "epochs", "20", "slots", "1000", "instances", "1"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !o.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + o.keySet());
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        int seconds = Integer.parseInt(o.get("seconds"));
        int warmup = Integer.parseInt(o.get("warmup-seconds"));
        int rate = Integer.parseInt(o.get("rate"));
        int epochs = Integer.parseInt(o.get("epochs"));
        int slots = Integer.parseInt(o.get("slots"));
        int instances = Integer.parseInt(o.get("instances"));

        Path data = TempDirs.create("query-load-");
        try (KafkaBroker kafka = KafkaBroker.builder(data.resolve("kafka")).build().start()) {
            long t0 = System.nanoTime();
            plant(kafka.bootstrapServers(), epochs, slots);
            List<QueryService> services = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    services.add(QueryService.start(QueryConfig.of(Map.of(
                            "kafka.bootstrap.servers", kafka.bootstrapServers(),
                            "kafka.application.id", "query-load",
                            "state.dir", data.resolve("state-" + i).toString(),
                            "http.listen", "127.0.0.1:0",
                            "kafka.streams.acceptable.recovery.lag", String.valueOf(Long.MAX_VALUE)))));
                }
                String base = services.get(0).url();
                long expected = (long) slots;
                Http.await(() -> Http.get(base, "/api/epochs?limit=1"), r -> r.status() == 200 && r.body().size() == 1
                                && r.body().get(0).path("epoch").asLong() == epochs
                                && r.body().get(0).path("batchesSeen").asLong() == 1
                                && r.body().get(0).path("submissions").asLong() == expected,
                        Duration.ofMinutes(5));
                for (QueryService s : services) {
                    Http.await(() -> Http.get(s.url(), "/api/slot?slotID=1&epochID=1"), r -> r.status() == 200,
                            Duration.ofMinutes(2));
                }
                System.out.printf(Locale.ROOT, "planted and materialized %d submissions in %.1f s (%d instance(s))%n",
                        (long) epochs * slots, (System.nanoTime() - t0) / 1e9, instances);
                List<String> bases = services.stream().map(QueryService::url).toList();
                run(bases, rate, warmup, epochs, slots, false);
                run(bases, rate, seconds, epochs, slots, true);
            } finally {
                services.forEach(QueryService::close);
            }
        } finally {
            TempDirs.deleteRecursively(data);
        }
    }

    private static void plant(String bootstrap, int epochs, int slots) throws Exception {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(a)) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(Topics.SUBMISSIONS, 4, (short) 1));
            topics.add(new NewTopic(Topics.PROTOCOL_CHAIN, 1, (short) 1));
            for (String t : List.of(Topics.FINALIZED, Topics.BATCHES, Topics.REJECTED, "submissions-rejected",
                    Topics.SLOT_COUNTS, Topics.DISCARDED)) {
                topics.add(new NewTopic(t, 2, (short) 1));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            // a fresh topic answers NOT_LEADER for a moment: wait until every partition has its leader
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!admin.describeTopics(topics.stream().map(NewTopic::name).toList()).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values().stream().flatMap(d -> d.partitions().stream())
                    .allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics without a leader after 60 s");
                }
                Thread.sleep(100);
            }
            Thread.sleep(1000);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int e = 1; e <= epochs; e++) {
                producer.send(new ProducerRecord<>(Topics.PROTOCOL_CHAIN, Planted.MARKET, Planted.release(e, e * 1000L)));
                String[] projects = new String[10];
                String[] cids = new String[10];
                for (int pr = 0; pr < 10; pr++) {
                    projects[pr] = "project-" + pr;
                    cids[pr] = "bafy-" + e + "-" + pr;
                }
                for (int s = 1; s <= slots; s++) {
                    int pr = s % 10;
                    boolean discarded = s % 10 == 3;
                    String sid = "s-" + e + "-" + s;
                    String cid = discarded ? "bafy-other" : cids[pr];
                    producer.send(new ProducerRecord<>(Topics.SUBMISSIONS, Integer.toString(s),
                            Planted.submission(sid, s, e, projects[pr], cid, "v2.2.0", e * 1000L + s)));
                    if (discarded) {
                        producer.send(new ProducerRecord<>(Topics.DISCARDED, sid,
                                Planted.discarded(e, 1, projects[pr], s, sid, cid, cids[pr])));
                    }
                }
                for (int pr = 0; pr < 10; pr++) {
                    producer.send(new ProducerRecord<>(Topics.FINALIZED, Planted.finalizedKey(e, projects[pr]),
                            Planted.finalized(e, projects[pr], true, cids[pr], slots / 10, slots / 10,
                                    new String[] {cids[pr]}, new int[] {slots / 10}, new String[0])));
                }
                producer.send(new ProducerRecord<>(Topics.BATCHES, Planted.MARKET + "|" + e + "|0",
                        Planted.batch(e, 0, 1, "bafy-batch-" + e, projects, cids, "COMMITTED", Planted.TX, 1200)));
            }
            producer.flush();
        }
    }

    /**
     * {@code rate} requests a second for {@code seconds}, from {@link #WORKERS} threads on as many keep-alive
     * connections: request i is due at start + i/rate; a worker takes the next request, waits until it is due, sends
     * it and records the time from when it was due to the answer (so time spent waiting for a free worker counts).
     */
    private static void run(List<String> bases, int rate, int seconds, int epochs, int slots, boolean report)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        int total = rate * seconds;
        long[] latencyNanos = new long[total];
        AtomicLong errors = new AtomicLong();
        AtomicLong next = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> threadCpuBefore = threadCpu(threads);
        AtomicLong workerCpu = new AtomicLong();
        long start = System.nanoTime() + 10_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            SplittableRandom random = new SplittableRandom(42 + w);
            Thread t = new Thread(() -> {
                int i;
                while ((i = (int) next.getAndIncrement()) < total) {
                    long due = start + i * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    String base = bases.get(i % bases.size());
                    URI uri = URI.create(base + "/api/slot?slotID=" + (1 + random.nextInt(slots)) + "&epochID="
                            + (1 + random.nextInt(epochs)) + "&dataMarketAddress=" + Planted.MARKET);
                    try {
                        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencyNanos[i] = System.nanoTime() - due;
                }
                workerCpu.addAndGet(threads.getCurrentThreadCpuTime());
            }, "load-" + w);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long processCpu = os.getProcessCpuTime() - cpuBefore;
        double cpuMsPerRequest = processCpu / 1e6 / total;
        // CPU of the JVM's threads by role: the load client (its workers and the JDK HttpClient's threads), the
        // service's HTTP threads, Kafka Streams' and the Kafka clients' threads; the rest is GC, JIT and others
        Map<String, Long> byRole = new java.util.TreeMap<>();
        byRole.put("client", workerCpu.get());
        Map<Long, Long> after = threadCpu(threads);
        for (java.lang.management.ThreadInfo ti : threads.getThreadInfo(after.keySet().stream()
                .mapToLong(Long::longValue).toArray())) {
            if (ti == null) {
                continue;
            }
            long used = after.get(ti.getThreadId()) - threadCpuBefore.getOrDefault(ti.getThreadId(), 0L);
            byRole.merge(role(ti.getThreadName()), Math.max(0, used), Long::sum);
        }
        long java = byRole.values().stream().mapToLong(Long::longValue).sum();
        byRole.put("gc, jit, other", Math.max(0, processCpu - java));
        if (!report) {
            return;
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "per-slot queries: %d requests in %.1f s = %.0f req/s (target %d), "
                        + "%d errors; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; %d instance(s); "
                        + "CPU of this JVM (service, client, Kafka Streams) %.3f ms per request%n",
                total, elapsed, total / elapsed, rate, errors.get(), ms(sorted, 0.50), ms(sorted, 0.99),
                ms(sorted, 0.999), sorted[sorted.length - 1] / 1e6, bases.size(), cpuMsPerRequest);
        StringBuilder b = new StringBuilder("  CPU per request by role:");
        byRole.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.3f ms;", k, v / 1e6 / total)));
        System.out.println(b);
    }

    /** The role of a thread of this JVM, by its name. */
    static String role(String name) {
        if (name.startsWith("load-") || name.startsWith("HttpClient")) {
            return "client";
        }
        if (name.startsWith("query-http") || name.startsWith("HTTP-Dispatcher") || name.startsWith("netty")) {
            return "service http";
        }
        if (name.contains("StreamThread") || name.contains("kafka") || name.contains("producer")
                || name.contains("consumer") || name.contains("admin")) {
            return "kafka streams";
        }
        return "other java";
    }

    private static Map<Long, Long> threadCpu(java.lang.management.ThreadMXBean threads) {
        Map<Long, Long> out = new java.util.HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t >= 0) {
                out.put(id, t);
            }
        }
        return out;
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }
}
