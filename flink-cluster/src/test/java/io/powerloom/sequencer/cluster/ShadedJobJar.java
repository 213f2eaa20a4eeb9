package io.powerloom.sequencer.cluster;

import java.nio.file.Path;

/**
 * The shaded job jar the cluster tests submit: flink-job's artifact, resolved by Maven as a dependency of this module
 * and passed to surefire and failsafe as {@code -Djob.jar} (flink-cluster/pom.xml). Set {@code -Djob.jar=...} to test
 * another build of the jar.
 */
final class ShadedJobJar {
    private ShadedJobJar() {}

    static Path path() {
        String jar = System.getProperty("job.jar");
        if (jar == null || jar.isBlank()) {
            throw new IllegalStateException("no -Djob.jar: run the cluster tests through Maven "
                    + "(mvn -pl flink-cluster -am verify), which resolves flink-job's shaded jar");
        }
        return Path.of(jar);
    }
}
