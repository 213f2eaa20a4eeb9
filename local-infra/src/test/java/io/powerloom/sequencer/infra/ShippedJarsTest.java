package io.powerloom.sequencer.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedJarsTest {
    @TempDir
    Path dir;

    @Test
    void findsLoadDriversAndBenchmarksAndNothingElse() throws IOException {
        List<String> load = List.of(
                "io/powerloom/sequencer/bridge/load/CollectLoadDriver.class",
                "io/powerloom/sequencer/bridge/load/CollectLoadDriver$Options.class",
                "io/powerloom/sequencer/bridge/load/SignedSubmissions.class",
                "io/powerloom/sequencer/bench/SequencerBenchmark.class",
                "io/powerloom/sequencer/protocol/bench/jmh_generated/KeccakBenchmark_jmhType.class",
                "io/powerloom/sequencer/query/LocalQueryLoad.class",
                "io/powerloom/sequencer/somewhere/GossipLoadDriver.class",
                "io/powerloom/sequencer/somewhere/MerkleBenchmark$State.class",
                "org/openjdk/jmh/Main.class");
        List<String> production = List.of(
                "META-INF/MANIFEST.MF",
                "io/powerloom/sequencer/bridge/IngestBridge.class",
                "io/powerloom/sequencer/bridge/ops/LatencyHistogram.class",
                "io/powerloom/sequencer/chain/commit/SignerPool.class",
                "io/powerloom/sequencer/model/serde/LayoutSnapshot.class",
                "io/powerloom/sequencer/job/ReplayJob.class",
                "org/apache/kafka/clients/producer/KafkaProducer.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class");
        Path jar = dir.resolve("x.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String name : production) {
                zip.putNextEntry(new ZipEntry(name));
                zip.closeEntry();
            }
            for (String name : load) {
                zip.putNextEntry(new ZipEntry(name));
                zip.closeEntry();
            }
        }
        assertThat(ShippedJars.loadOrBenchmarkEntries(jar)).containsExactlyInAnyOrderElementsOf(load);
    }

    @Test
    void anUnreadableJarIsAnError() {
        Path missing = dir.resolve("missing.jar");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShippedJars.loadOrBenchmarkEntries(missing))
                .hasMessageContaining("missing.jar");
    }
}
