package io.powerloom.sequencer.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import one.profiler.AsyncProfiler;

/**
 * The benchmark's profile by stage ({@code --profile <file>}): samples this JVM's CPU with async-profiler (the copy
 * Flink's runtime ships for its own profiler, loaded in-process: the job runs on the local cluster inside this JVM)
 * from the job's submission to its last output, writes the collapsed stacks to the file (one line per stack, the
 * thread first), and reports the CPU time per submission of each stage and, within it, of each kind of work.
 *
 * <p>A stage is the thread it runs on: each Flink task is a chain of operators on one thread, named after them, so
 * {@code verify: decode and recover signer} holds the Kafka source, decoding, the EIP-712 digest and the recovery. A
 * sample's kind of work is the first of {@link #KINDS} that any frame of its stack matches, so a RocksDB call made while
 * serializing a key counts as state, and a serializer called by the network writer as serialization.
 */
final class StageProfile implements AutoCloseable {

    /** Sampling interval, nanoseconds of CPU time. */
    static final long INTERVAL_NS = 1_000_000L;

    /** Kinds of work, in the order they are tried; each is a pattern any frame of the stack may match. */
    static final Map<String, Pattern> KINDS = kinds();

    private static Map<String, Pattern> kinds() {
        Map<String, Pattern> k = new LinkedHashMap<>();
        k.put("signature recovery (secp256k1)", Pattern.compile("secp256k1|Secp256k1"));
        k.put("EIP-712 digest (keccak)", Pattern.compile("Eip712|Keccak256"));
        k.put("state (RocksDB)", Pattern.compile("rocksdb|RocksDB|Rocks[A-Z]"));
        k.put(
                "timers (register, delete, queue)",
                Pattern.compile("registerEventTimeTimer|deleteEventTimeTimer|HeapPriorityQueue"));
        k.put("Kafka sink (records to Kafka)", Pattern.compile("KafkaWriter|kafka/clients/producer"));
        k.put("Kafka source (fetch, decompress)", Pattern.compile("KafkaPartitionSplitReader|kafka/clients/consumer"));
        k.put(
                "network out (serialize, write buffers)",
                Pattern.compile("RecordWriter|ResultPartition|StreamElementSerializer.serialize"));
        k.put(
                "network in (read buffers, deserialize)",
                Pattern.compile("RecordDeserializer|DeserializationDelegate|StreamElementSerializer.deserialize"));
        k.put("decode (envelope, JSON, wire)", Pattern.compile("protocol/records|protocol/wire|protocol/json|jackson"));
        k.put("sequencer code, other", Pattern.compile("io/powerloom"));
        return k;
    }

    /** Thread name patterns that are not a task, and the stage each is counted as. */
    private static final Map<Pattern, String> OTHER_THREADS = otherThreads();

    private static Map<Pattern, String> otherThreads() {
        Map<Pattern, String> m = new LinkedHashMap<>();
        m.put(Pattern.compile("^(C1|C2) CompilerThre"), "JIT compiler");
        m.put(Pattern.compile("^(GC Thread|G1 |VM Thread|VM Periodic)"), "GC and VM");
        m.put(Pattern.compile("^kafka-producer-network-thread"), "Kafka producers' network threads");
        m.put(Pattern.compile("^Source Data Fetcher for Source: source: submissions"), "Kafka fetcher (submissions)");
        m.put(Pattern.compile("^(AsyncOperations|Flink-RocksDBStateDataTransferHelper)"), "checkpoints (uploads)");
        m.put(Pattern.compile("^OutputFlusher for "), "network buffer flushers");
        m.put(Pattern.compile("^epoch-progress"), "benchmark's own reader");
        m.put(Pattern.compile("^batch-builder-"), "batch: building documents (its builder threads)");
        return m;
    }

    private final AsyncProfiler profiler;
    private final Path out;

    private StageProfile(AsyncProfiler profiler, Path out) {
        this.profiler = profiler;
        this.out = out;
    }

    /** Starts sampling this JVM's CPU, every thread apart. */
    static StageProfile start(Path out) throws IOException {
        AsyncProfiler profiler = AsyncProfiler.getInstance();
        profiler.execute("start,event=cpu,interval=" + INTERVAL_NS + ",threads");
        return new StageProfile(profiler, out);
    }

    /** Stops sampling and writes the collapsed stacks. */
    @Override
    public void close() throws IOException {
        profiler.stop();
        Files.writeString(out, profiler.execute("collapsed"), StandardCharsets.UTF_8);
    }

    /** One stage's samples, by kind of work. */
    record Stage(String name, long samples, Map<String, Long> byKind) {}

    /** Reads collapsed stacks ({@code thread;frame;...;frame count}) into stages, the busiest first. */
    static List<Stage> stages(List<String> collapsed) {
        Map<String, Map<String, Long>> byStage = new TreeMap<>();
        for (String line : collapsed) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long n = Long.parseLong(line.substring(space + 1).trim());
            String stack = line.substring(0, space);
            int semi = stack.indexOf(';');
            String thread = semi < 0 ? stack : stack.substring(0, semi);
            String stage = stageOf(thread);
            String kind = kindOf(semi < 0 ? "" : stack.substring(semi + 1));
            byStage.computeIfAbsent(stage, s -> new TreeMap<>()).merge(kind, n, Long::sum);
        }
        List<Stage> stages = new ArrayList<>();
        byStage.forEach((name, kinds) -> stages.add(new Stage(
                name, kinds.values().stream().mapToLong(Long::longValue).sum(), sortedByValue(kinds))));
        stages.sort((a, b) -> Long.compare(b.samples(), a.samples()));
        return stages;
    }

    /** The stage a thread works for: a task's operator chain without its subtask index, or a kind of helper thread. */
    static String stageOf(String thread) {
        String t = thread.startsWith("[") && thread.endsWith("]") ? thread.substring(1, thread.length() - 1) : thread;
        t = t.replaceAll(" tid=\\d+$", "");
        for (Map.Entry<Pattern, String> e : OTHER_THREADS.entrySet()) {
            if (e.getKey().matcher(t).find()) {
                return e.getValue();
            }
        }
        int subtask = t.indexOf(" (");
        if (subtask > 0 && t.matches(".* \\(\\d+/\\d+\\)(#\\d+)?$")) {
            t = t.substring(0, t.lastIndexOf(" ("));
            // a chain's name lists its operators: the first names the stage
            return t.startsWith("Source: source: submissions") ? "verify: decode and recover signer" : firstOperator(t);
        }
        return "other (Flink runtime, RPC, metrics, the benchmark)";
    }

    private static String firstOperator(String chain) {
        int arrow = chain.indexOf(" -> ");
        return arrow < 0 ? chain : chain.substring(0, arrow);
    }

    static String kindOf(String frames) {
        for (Map.Entry<String, Pattern> k : KINDS.entrySet()) {
            if (k.getValue().matcher(frames).find()) {
                return k.getKey();
            }
        }
        return "Flink runtime and JDK, other";
    }

    private static Map<String, Long> sortedByValue(Map<String, Long> m) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        m.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Prints the CPU time per submission of each stage and of its kinds of work. */
    void report(long submissions) throws IOException {
        List<Stage> stages = stages(Files.readAllLines(out, StandardCharsets.UTF_8));
        long all = stages.stream().mapToLong(Stage::samples).sum();
        System.out.printf(
                Locale.ROOT,
                "profile by stage (this JVM, sampled every %d us of CPU; stacks in %s): %.1f us per submission%n",
                INTERVAL_NS / 1000,
                out,
                perSubmission(all, submissions));
        for (Stage s : stages) {
            double us = perSubmission(s.samples(), submissions);
            if (us < 0.05) {
                continue;
            }
            System.out.printf(Locale.ROOT, "  %-60s %7.1f us%n", s.name(), us);
            s.byKind().forEach((kind, n) -> {
                double k = perSubmission(n, submissions);
                if (k >= 0.05) {
                    System.out.printf(Locale.ROOT, "      %-56s %7.1f us%n", kind, k);
                }
            });
        }
    }

    private static double perSubmission(long samples, long submissions) {
        return samples * (INTERVAL_NS / 1000.0) / submissions;
    }
}
