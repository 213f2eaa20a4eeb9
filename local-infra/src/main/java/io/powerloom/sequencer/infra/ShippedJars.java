package io.powerloom.sequencer.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a production jar (one that an image or the cluster runs) must not carry: load drivers and benchmarks. They
 * live in test sources ({@code -Pload}, {@code -Pgossip-load}, {@code -Pquery-load}, {@code -Pbench} run them) and
 * must never reach a shaded jar. The one definition of "load or benchmark code" that the jar checks share, and the
 * two look-ups the image checks share: the shaded jar a module's build packaged, and a Dockerfile's exec-form command.
 */
public final class ShippedJars {
    private ShippedJars() {}

    /**
     * Our own classes in a {@code load}, {@code bench} or {@code jmh_generated} package, or named like a load driver
     * or benchmark ({@code *LoadDriver}, {@code *Benchmark}, {@code Local*Load}); and JMH itself.
     */
    static final Pattern LOAD_OR_BENCHMARK = Pattern.compile("io/powerloom/.*/(load|bench|jmh_generated)/.*"
            + "|io/powerloom/(.*/)?([A-Za-z0-9]*LoadDriver|[A-Za-z0-9]*Benchmark|Local[A-Za-z0-9]*Load)([$.].*)?"
            + "|org/openjdk/jmh/.*");

    /** The entries of {@code jar} that are load drivers or benchmarks (empty for a clean production jar). */
    public static List<String> loadOrBenchmarkEntries(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream()
                    .map(ZipEntry::getName)
                    .filter(ShippedJars::isLoadOrBenchmark)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the jar " + jar, e);
        }
    }

    /** Whether one jar entry name is load or benchmark code. */
    public static boolean isLoadOrBenchmark(String entry) {
        return LOAD_OR_BENCHMARK.matcher(entry).matches();
    }

    /** The shaded jar ({@code <artifactId>-*-all.jar}) that this build packaged into {@code target}. */
    public static Path shadedJar(String artifactId) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches(Pattern.quote(artifactId) + "-.*-all\\.jar"))
                    .findFirst()
                    .orElseThrow(() ->
                            new AssertionError("no shaded " + artifactId + "-*-all.jar in target (package phase)"));
        }
    }

    /** The JSON array of an exec-form instruction, e.g. {@code ENTRYPOINT ["java", "-jar", "x.jar"]} (the last one). */
    public static List<String> execForm(List<String> dockerfile, String instruction) throws IOException {
        String line = dockerfile.stream()
                .filter(l -> l.startsWith(instruction + " "))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + instruction + " in the Dockerfile"));
        return Arrays.asList(new ObjectMapper()
                .readValue(line.substring(instruction.length()).trim(), String[].class));
    }
}
