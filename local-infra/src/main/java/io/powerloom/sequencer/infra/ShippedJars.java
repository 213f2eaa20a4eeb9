package io.powerloom.sequencer.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a production jar (one that an image or the cluster runs) must not carry: load drivers and benchmarks. They
 * live in test sources ({@code -Pload}, {@code -Pgossip-load}, {@code -Pquery-load}, {@code -Pbench} run them) and
 * must never reach a shaded jar. The one definition of "load or benchmark code" that the jar checks share.
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
}
