package io.powerloom.sequencer.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The golden files of one format version ({@code src/test/resources/golden/v1/}) and their formats.
 *
 * <p><b>Input</b> ({@code input.jsonl.gz}, gzip; {@code input-tail.jsonl}, plain): one Kafka record per line, in the
 * order one producer writes them, {@code {"topic":…,"partition":…,"offset":…,"timestamp":…,"key":…,"value":…}} with
 * the key as a JSON string and the value as base64 of its bytes. The offsets are those the records get when written in
 * this order into freshly created topics; {@link GoldenNetwork#writeInput} checks them, since a savepoint's source
 * offsets refer to them.
 *
 * <p><b>Output</b> ({@code output/<topic>.jsonl}): the committed records of one output topic, one per line,
 * {@code {"key":…,"value":…}} with key and value as JSON strings of their UTF-8 bytes (the job's outputs are UTF-8
 * JSON; a value that is not valid UTF-8 cannot be recorded). Lines are sorted by key, then value, so the order in
 * which parallel subtasks wrote them does not matter; every other byte does. Before comparing or recording, the fields
 * {@link #VOLATILE_FIELDS} — and only those — are cut from batch and slot-count values: they depend on the chain's
 * wall clock and transaction order, not on the input.
 */
public final class GoldenFiles {
    /** The format version of these files; a change that breaks byte identity on purpose starts {@code v2}. */
    public static final String VERSION = "v1";
    /** The output topics, by their role (file name = role). */
    public static final List<String> OUTPUT_TOPICS =
            List.of("finalized", "batches", "rejected", "slot-counts", "discarded");
    /**
     * Cut from values before comparison: the transaction hash and block number of a commit (batch, epoch end, slot
     * count records) and the commit latency (batch records). Nothing else is removed.
     */
    public static final List<String> VOLATILE_FIELDS = List.of("txHash", "blockNumber", "commitLatencyMs");

    private static final Pattern VOLATILE =
            Pattern.compile(",\"(?:txHash|blockNumber|commitLatencyMs)\":(?:\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenFiles() {}

    /** A Kafka record of the input, where it sits. */
    public record InputRecord(String topic, int partition, long offset, long timestamp, String key, byte[] value) {}

    /** An output record, after {@link #normalize}; compared as the UTF-8 bytes of both strings. */
    public record OutputRecord(String key, String value) {}

    /** Whether this run records (writes the golden files) instead of comparing: {@code -Dgolden.record=true}. */
    public static boolean recording() {
        return Boolean.getBoolean("golden.record");
    }

    /** Where the golden files of this version are written when recording: the module's test resources. */
    public static Path sourceDir() {
        Path module = Path.of(System.getProperty("basedir", "."));
        if (!Files.isDirectory(module.resolve("src/test/resources"))) {
            module = Path.of("flink-job");
        }
        return module.resolve("src/test/resources/golden").resolve(VERSION).toAbsolutePath();
    }

    /** A golden file or folder as the test classpath holds it. */
    public static Path resource(String relative) {
        URL url = GoldenFiles.class.getResource("/golden/" + VERSION + "/" + relative);
        if (url == null) {
            throw new IllegalStateException("golden file golden/" + VERSION + "/" + relative
                    + " is missing: record it with " + "-Dgolden.record=true (see GoldenOutputITCase)");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<InputRecord> readInput(Path file) {
        List<InputRecord> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode n = JSON.readTree(line);
                out.add(new InputRecord(
                        n.get("topic").asText(),
                        n.get("partition").asInt(),
                        n.get("offset").asLong(),
                        n.get("timestamp").asLong(),
                        n.get("key").asText(),
                        Base64.getDecoder().decode(n.get("value").asText())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static void writeInput(Path file, List<InputRecord> records) {
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream raw = Files.newOutputStream(file);
                    OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
                    Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                for (InputRecord r : records) {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("topic", r.topic())
                            .put("partition", r.partition())
                            .put("offset", r.offset())
                            .put("timestamp", r.timestamp())
                            .put("key", r.key())
                            .put("value", Base64.getEncoder().encodeToString(r.value()));
                    w.write(JSON.writeValueAsString(n));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record as compared: key and value as strict UTF-8, the {@link #VOLATILE_FIELDS} cut from the value. */
    public static OutputRecord normalize(byte[] key, byte[] value) {
        return new OutputRecord(utf8(key), VOLATILE.matcher(utf8(value)).replaceAll(""));
    }

    /** Sorted by key, then value (by their UTF-8 bytes: the order of the strings' code points). */
    public static List<OutputRecord> sorted(Collection<OutputRecord> records) {
        List<OutputRecord> out = new ArrayList<>(records);
        out.sort(Comparator.comparing(OutputRecord::key).thenComparing(OutputRecord::value));
        return out;
    }

    public static List<OutputRecord> readOutput(Path file) {
        List<OutputRecord> out = new ArrayList<>();
        try {
            for (String line : new String(readMaybeGzipped(file), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    JsonNode n = JSON.readTree(line);
                    out.add(new OutputRecord(
                            n.get("key").asText(), n.get("value").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static void writeOutput(Path file, Collection<OutputRecord> records) {
        StringBuilder sb = new StringBuilder();
        try {
            for (OutputRecord r : sorted(records)) {
                ObjectNode n = JSON.createObjectNode();
                n.put("key", r.key()).put("value", r.value());
                sb.append(JSON.writeValueAsString(n)).append('\n');
            }
            writeMaybeGzipped(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of {@code file}, gunzipped when its name ends in {@code .gz}. */
    public static byte[] readMaybeGzipped(Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to {@code file}, gzipped when its name ends in {@code .gz}. */
    public static void writeMaybeGzipped(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream raw = Files.newOutputStream(file);
                    OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Null when {@code actual} holds exactly the records of {@code expected} (as multisets, byte for byte); otherwise
     * a message naming each key whose records differ, with the expected and actual values.
     */
    public static String diff(String topic, List<OutputRecord> expected, List<OutputRecord> actual) {
        List<OutputRecord> e = sorted(expected);
        List<OutputRecord> a = sorted(actual);
        if (e.equals(a)) {
            return null;
        }
        Map<String, List<String>> byKeyE = byKey(e);
        Map<String, List<String>> byKeyA = byKey(a);
        TreeMap<String, Boolean> keys = new TreeMap<>();
        byKeyE.keySet().forEach(k -> keys.put(k, true));
        byKeyA.keySet().forEach(k -> keys.put(k, true));
        StringBuilder sb = new StringBuilder("topic " + topic + ": " + e.size() + " records expected, " + a.size()
                + " written; differences (key: expected / actual):\n");
        int shown = 0;
        for (String k : keys.keySet()) {
            List<String> ev = byKeyE.getOrDefault(k, List.of());
            List<String> av = byKeyA.getOrDefault(k, List.of());
            if (ev.equals(av)) {
                continue;
            }
            if (shown++ == 20) {
                sb.append("  … more keys differ\n");
                break;
            }
            sb.append("  ")
                    .append(k)
                    .append(":\n    expected ")
                    .append(ev.isEmpty() ? "(none)" : String.join("\n             ", ev))
                    .append("\n    actual   ")
                    .append(av.isEmpty() ? "(none)" : String.join("\n             ", av))
                    .append('\n');
            if (ev.size() == 1 && av.size() == 1) {
                int at = firstDifference(ev.get(0), av.get(0));
                sb.append("    first difference at character ")
                        .append(at)
                        .append(": expected …")
                        .append(around(ev.get(0), at))
                        .append("… actual …")
                        .append(around(av.get(0), at))
                        .append("…\n");
            }
        }
        return sb.toString();
    }

    private static Map<String, List<String>> byKey(List<OutputRecord> records) {
        Map<String, List<String>> m = new TreeMap<>();
        records.forEach(r -> m.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
        return m;
    }

    private static String around(String s, int at) {
        return s.substring(Math.max(0, at - 30), Math.min(s.length(), at + 50));
    }

    private static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return n;
    }

    /** {@code all} minus {@code part}, as multisets. */
    public static List<OutputRecord> minus(List<OutputRecord> all, List<OutputRecord> part) {
        List<OutputRecord> rest = new ArrayList<>(all);
        for (OutputRecord r : part) {
            if (!rest.remove(r)) {
                throw new IllegalStateException("not in the golden output: " + r);
            }
        }
        return rest;
    }

    static String utf8(byte[] bytes) {
        if (bytes == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("an output record is not UTF-8: " + Arrays.toString(bytes), e);
        }
    }
}
