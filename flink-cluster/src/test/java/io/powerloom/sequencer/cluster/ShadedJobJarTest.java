package io.powerloom.sequencer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.infra.ShippedJars;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jar the cluster runs and the job image copies ({@code docker/flink-job/Dockerfile}): flink-job's shaded
 * artifact, with the job's entry point and its connectors inside, and no load driver or benchmark.
 */
class ShadedJobJarTest {
    @Test
    void theJobJarIsTheShadedArtifactWithoutLoadOrBenchmarkCode() throws Exception {
        Path jar = ShadedJobJar.path();
        assertThat(jar).isRegularFile();
        assertThat(jar.getFileName().toString()).matches("flink-job-.*\\.jar").doesNotStartWith("original-");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.powerloom.sequencer.job.SequencerJob");
            assertThat(j.getEntry("io/powerloom/sequencer/job/SequencerJob.class"))
                    .isNotNull();
            assertThat(j.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"))
                    .as("the Kafka connector is shaded in")
                    .isNotNull();
            assertThat(j.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
                    .as("Flink itself is provided by the cluster")
                    .isNull();
        }
        assertThat(ShippedJars.loadOrBenchmarkEntries(jar))
                .as("load or benchmark classes in the job jar")
                .isEmpty();
    }
}
