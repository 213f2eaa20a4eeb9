package io.powerloom.sequencer.query;

import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.KafkaBroker;
import io.powerloom.sequencer.protocol.records.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The load tool for per-slot queries (a shipped tool, not a test). Starts, each as a process of its own where it
 * matters:
 * <ul>
 *   <li>with {@code --with-job true}, the job's live benchmark ({@code SequencerBenchmark --live true}: its own JVM
 *       with a real broker, Anvil and the IPFS node, epochs of {@code --job-projects} x {@code --job-slots}
 *       submissions every 20 s, i.e. the job's benchmark rate), and uses its broker; else a broker of its own;</li>
 *   <li>the query service (one instance, or two with {@code --instances 2}) in this JVM, reading the job's topics
 *       and {@code load-}-prefixed copies of them, into which it plants {@code --epochs} epochs of {@code --slots} slots
 *       (one submission each, finalized and batched, every tenth discarded; the job never sees them);</li>
 *   <li>the load client {@link QueryLoadDriver} in a JVM of its own: open loop at {@code --rate}, keep-alive
 *       connections, one summary line per run (achieved rate, p50/p99/p99.9, errors, load average).</li>
 * </ul>
 * With the job, the runs start once the service has materialized the job's {@code --job-warmup-epochs}-th epoch
 * finalized (the job's output); the job's epochs must outlast the runs ({@code --job-epochs}: it says if they did not).
 *
 * <pre>mvn -B -ntp -pl query-service -am -Pquery-load verify -DskipTests -Dload.args="--with-job true"</pre>
 * Options: {@code --seconds 30 --warmup-seconds 5 --runs 2 --rate 2000 --epochs 20 --slots 1000 --instances 1
 * --connections 32 --view-cache-bytes (the service's default) --with-job false --job-epochs 10 --job-projects 10000
 * --job-slots 5 --job-warmup-epochs 2 --job-jvm -Xmx4g}.
 */
public final class LocalQueryLoad {

    private LocalQueryLoad() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        String[][] defaults = {
            {"seconds", "30"},
            {"warmup-seconds", "5"},
            {"runs", "2"},
            {"rate", "2000"},
            {"epochs", "20"},
            {"slots", "1000"},
            {"instances", "1"},
            {"connections", "32"},
            {"view-cache-bytes", ""},
            {"with-job", "false"},
            {"job-epochs", "10"},
            {"job-projects", "10000"},
            {"job-slots", "5"},
            {"job-warmup-epochs", "2"},
            {"job-jvm", "-Xmx4g"}
        };
        for (String[] d : defaults) {
            o.put(d[0], d[1]);
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !o.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + o.keySet());
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        int epochs = Integer.parseInt(o.get("epochs"));
        int slots = Integer.parseInt(o.get("slots"));
        int instances = Integer.parseInt(o.get("instances"));
        boolean withJob = Boolean.parseBoolean(o.get("with-job"));
        int jobProjects = Integer.parseInt(o.get("job-projects"));
        int jobSlots = Integer.parseInt(o.get("job-slots"));

        Path data = TempDirs.create("query-load-");
        Process job = null;
        KafkaBroker kafka = null;
        List<QueryService> services = new ArrayList<>();
        boolean ok = false;
        try {
            String bootstrap;
            String prefix;
            if (withJob) {
                CompletableFuture<String> kafkaLine = new CompletableFuture<>();
                job = startJob(o, kafkaLine);
                bootstrap = kafkaLine.get(10, TimeUnit.MINUTES);
                awaitTopic(bootstrap, Topics.BATCHES); // the benchmark creates its topics once the contract is deployed
                prefix = "load-";
            } else {
                kafka = KafkaBroker.builder(data.resolve("kafka")).build().start();
                bootstrap = kafka.bootstrapServers();
                prefix = "";
            }
            long t0 = System.nanoTime();
            plant(bootstrap, epochs, slots, prefix);
            for (int i = 0; i < instances; i++) {
                Map<String, String> c = new HashMap<>(Map.of(
                        "kafka.bootstrap.servers",
                        bootstrap,
                        "kafka.application.id",
                        "query-load",
                        "state.dir",
                        data.resolve("state-" + i).toString(),
                        "http.listen",
                        "127.0.0.1:0",
                        "kafka.streams.acceptable.recovery.lag",
                        String.valueOf(Long.MAX_VALUE)));
                if (!o.get("view-cache-bytes").isEmpty()) {
                    c.put("query.view.cache.bytes", o.get("view-cache-bytes"));
                }
                if (withJob) {
                    for (String[] t : new String[][] {
                        {"submissions", Topics.SUBMISSIONS},
                        {"protocol-chain", Topics.PROTOCOL_CHAIN},
                        {"finalized", Topics.FINALIZED},
                        {"batches", Topics.BATCHES},
                        {"rejected", Topics.REJECTED},
                        {"bridge-rejects", "submissions-rejected"},
                        {"slot-counts", Topics.SLOT_COUNTS},
                        {"discarded", Topics.DISCARDED}
                    }) {
                        c.put("kafka.topic." + t[0], t[1] + "," + prefix + t[1]);
                    }
                }
                services.add(QueryService.start(QueryConfig.of(c)));
            }
            String base = services.get(0).url();
            Http.await(
                    () -> Http.get(base, "/api/epochs?limit=1&dataMarketAddress=" + Planted.MARKET),
                    r -> r.status() == 200
                            && r.body().size() == 1
                            && r.body().get(0).path("epoch").asLong() == epochs
                            && r.body().get(0).path("batchesSeen").asLong() == 1
                            && r.body().get(0).path("submissions").asLong() == slots,
                    Duration.ofMinutes(5));
            for (QueryService s : services) {
                Http.await(
                        () -> Http.get(s.url(), "/api/slot?slotID=1&epochID=1&dataMarketAddress=" + Planted.MARKET),
                        r -> r.status() == 200,
                        Duration.ofMinutes(2));
            }
            System.out.printf(
                    Locale.ROOT,
                    "planted and materialized %d submissions in %.1f s (%d instance(s))%n",
                    (long) epochs * slots,
                    (System.nanoTime() - t0) / 1e9,
                    instances);
            String label = "without the job";
            if (withJob) {
                int warm = Integer.parseInt(o.get("job-warmup-epochs"));
                Http.await(
                        () -> Http.get(base, "/api/markets"), r -> jobMarket(r.body()) != null, Duration.ofMinutes(15));
                String jobMarket = jobMarket(Http.get(base, "/api/markets").body());
                // the job's own output, as the service materialized it: its warm-up epochs finalized
                Http.await(
                        () -> Http.get(base, "/api/epochs?limit=5&dataMarketAddress=" + jobMarket),
                        r -> finalizedEpoch(r.body()) >= warm,
                        Duration.ofMinutes(15));
                System.out.printf(
                        Locale.ROOT,
                        "the job is live: its epoch %d finalized%n",
                        finalizedEpoch(Http.get(base, "/api/epochs?limit=5&dataMarketAddress=" + jobMarket)
                                .body()));
                label = String.format(
                        Locale.ROOT,
                        "with the job live (%d x %d submissions every 20 s = %d/s)",
                        jobProjects,
                        jobSlots,
                        jobProjects * jobSlots / 20);
            }
            String urls =
                    String.join(",", services.stream().map(QueryService::url).toList());
            List<String> cmd = new ArrayList<>(List.of(
                    java(),
                    "-Xms256m",
                    "-Xmx512m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    QueryLoadDriver.class.getName(),
                    "--url",
                    urls,
                    "--rate",
                    o.get("rate"),
                    "--seconds",
                    o.get("seconds"),
                    "--warmup-seconds",
                    o.get("warmup-seconds"),
                    "--runs",
                    o.get("runs"),
                    "--epochs",
                    o.get("epochs"),
                    "--slots",
                    o.get("slots"),
                    "--connections",
                    o.get("connections"),
                    "--market",
                    Planted.MARKET,
                    "--label",
                    label));
            int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("the load client failed: exit " + rc);
            }
            if (withJob) {
                System.out.println(
                        job.isAlive()
                                ? "the job was running throughout the runs"
                                : "THE JOB ENDED BEFORE THE RUNS DID: raise --job-epochs");
            }
            ok = true;
        } catch (Exception | Error e) {
            e.printStackTrace();
            throw e;
        } finally {
            services.forEach(QueryService::close);
            if (job != null) {
                // the benchmark ends by itself after its last epoch (and stops its broker, Anvil and IPFS node),
                // printing its own figures; after a failure here, it and its children are stopped
                if (!ok || !job.waitFor(10, TimeUnit.MINUTES)) {
                    job.descendants().forEach(ProcessHandle::destroy);
                    job.destroy();
                }
            }
            if (kafka != null) {
                kafka.close();
            }
            TempDirs.deleteRecursively(data);
        }
    }

    /** The market other than the planted one (the job's), or null. */
    private static String jobMarket(com.fasterxml.jackson.databind.JsonNode markets) {
        for (com.fasterxml.jackson.databind.JsonNode m : markets) {
            if (!Planted.MARKET.equalsIgnoreCase(m.path("market").asText())) {
                return m.path("market").asText();
            }
        }
        return null;
    }

    /** The latest epoch of a timeline with finalized projects, or 0. */
    private static long finalizedEpoch(com.fasterxml.jackson.databind.JsonNode epochs) {
        long e = 0;
        for (com.fasterxml.jackson.databind.JsonNode n : epochs) {
            if (n.path("finalizedProjects").asLong() > 0) {
                e = Math.max(e, n.path("epoch").asLong());
            }
        }
        return e;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts the job's live benchmark as a JVM of its own (flink-job's test classpath, which {@code -Pquery-load}
     * writes to {@code flink-job/target/test-classpath.txt}); its output is copied here with a {@code [job]} prefix and
     * its broker's address completes {@code kafkaLine}.
     */
    private static Process startJob(Map<String, String> o, CompletableFuture<String> kafkaLine) throws Exception {
        Path target = Path.of(System.getProperty("query.load.job.dir", "../flink-job/target"))
                .toAbsolutePath()
                .normalize();
        Path cpFile = target.resolve("test-classpath.txt");
        if (!Files.exists(cpFile)) {
            throw new IllegalStateException(cpFile + " missing: build with -Pquery-load (see docs/benchmarks.md)");
        }
        String cp = target.resolve("test-classes")
                + java.io.File.pathSeparator
                + target.resolve("classes")
                + java.io.File.pathSeparator
                + Files.readString(cpFile).trim();
        Path tmp = target.resolve("tmp");
        Files.createDirectories(tmp);
        List<String> cmd = new ArrayList<>(List.of(java()));
        for (String f : o.get("job-jvm").trim().split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f);
            }
        }
        cmd.add("-Dpowerloom.node.dir=" + System.getProperty("powerloom.node.dir", "../local-infra/node"));
        cmd.add("-Djava.io.tmpdir=" + tmp);
        for (String pkg : List.of(
                "java.lang",
                "java.util",
                "java.net",
                "java.io",
                "java.nio",
                "sun.nio.ch",
                "java.lang.reflect",
                "java.util.concurrent",
                "java.util.concurrent.atomic",
                "java.time")) {
            cmd.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        cmd.addAll(List.of(
                "-cp",
                cp,
                "io.powerloom.sequencer.bench.SequencerBenchmark",
                "--live",
                "true",
                "--epochs",
                o.get("job-epochs"),
                "--projects",
                o.get("job-projects"),
                "--slots",
                o.get("job-slots"),
                "--anvil-block-time",
                "1",
                "--anvil-state-root",
                "false",
                "--warmup-epochs",
                "1"));
        System.out.println(
                "starting the job's live benchmark: " + String.join(" ", cmd.subList(cmd.size() - 15, cmd.size())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread out = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            if (line.startsWith("kafka: ")) {
                                kafkaLine.complete(line.substring(7).trim());
                            }
                            System.out.println("[job] " + line);
                        }
                    } catch (java.io.IOException e) {
                        // the job ended
                    }
                    kafkaLine.completeExceptionally(
                            new IllegalStateException("the job ended before starting its broker"));
                },
                "job-output");
        out.setDaemon(true);
        out.start();
        return p;
    }

    private static void awaitTopic(String bootstrap, String topic) throws Exception {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(a)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the job created no topic " + topic + " in 10 minutes");
                }
                Thread.sleep(500);
            }
        }
    }

    private static boolean leadersKnown(Admin admin, List<String> topics) throws Exception {
        try {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty());
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    private static void plant(String bootstrap, int epochs, int slots, String prefix) throws Exception {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(a)) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(prefix + Topics.SUBMISSIONS, 4, (short) 1));
            topics.add(new NewTopic(prefix + Topics.PROTOCOL_CHAIN, 1, (short) 1));
            for (String t : List.of(
                    Topics.FINALIZED,
                    Topics.BATCHES,
                    Topics.REJECTED,
                    "submissions-rejected",
                    Topics.SLOT_COUNTS,
                    Topics.DISCARDED)) {
                topics.add(new NewTopic(prefix + t, 2, (short) 1));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            // a fresh topic answers NOT_LEADER (or is unknown to the broker asked) for a moment: wait until every
            // partition has its leader
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!leadersKnown(admin, topics.stream().map(NewTopic::name).toList())) {
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
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int e = 1; e <= epochs; e++) {
                producer.send(new ProducerRecord<>(
                        prefix + Topics.PROTOCOL_CHAIN, Planted.MARKET, Planted.release(e, e * 1000L)));
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
                    producer.send(new ProducerRecord<>(
                            prefix + Topics.SUBMISSIONS,
                            Integer.toString(s),
                            Planted.submission(sid, s, e, projects[pr], cid, "v2.2.0", e * 1000L + s)));
                    if (discarded) {
                        producer.send(new ProducerRecord<>(
                                prefix + Topics.DISCARDED,
                                sid,
                                Planted.discarded(e, 1, projects[pr], s, sid, cid, cids[pr])));
                    }
                }
                for (int pr = 0; pr < 10; pr++) {
                    producer.send(new ProducerRecord<>(
                            prefix + Topics.FINALIZED,
                            Planted.finalizedKey(e, projects[pr]),
                            Planted.finalized(
                                    e,
                                    projects[pr],
                                    true,
                                    cids[pr],
                                    slots / 10,
                                    slots / 10,
                                    new String[] {cids[pr]},
                                    new int[] {slots / 10},
                                    new String[0])));
                }
                producer.send(new ProducerRecord<>(
                        prefix + Topics.BATCHES,
                        Planted.MARKET + "|" + e + "|0",
                        Planted.batch(e, 0, 1, "bafy-batch-" + e, projects, cids, "COMMITTED", Planted.TX, 1200)));
            }
            producer.flush();
        }
    }
}
