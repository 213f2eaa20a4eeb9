package io.powerloom.sequencer.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A component must not outlive the JVM that started it, even when that JVM dies without running shutdown hooks
 * (e.g. killed by a CI time-out): the child notices its standard input closing and stops by itself.
 */
class NoOrphansITCase {

    @Test
    void ipfsNodeStopsWhenItsParentDiesAbruptly() throws Exception {
        assertChildStopsAfterParentDies("ipfs", 15);
    }

    @Test
    void kafkaBrokerStopsWhenItsParentDiesAbruptly() throws Exception {
        assertChildStopsAfterParentDies("kafka", 60);
    }

    private static void assertChildStopsAfterParentDies(String component, int stopSeconds) throws Exception {
        Path dir = TempDirs.create("orphan-" + component + "-");
        try {
            List<String> command = List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-D" + NodeTools.DIR_PROPERTY + "=" + NodeTools.dir(),
                    "-Djava.io.tmpdir=" + dir,
                    "-cp",
                    System.getProperty("java.class.path"),
                    OrphanMaker.class.getName(),
                    component,
                    dir.resolve("work").toString());
            Process parent =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            long childPid = -1;
            StringBuilder output = new StringBuilder();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    output.append(line).append('\n');
                    if (line.startsWith("child-pid=")) {
                        childPid = Long.parseLong(line.substring("child-pid=".length()));
                    }
                }
            }
            assertThat(parent.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(childPid).as("parent output:\n%s", output).isPositive();

            Optional<ProcessHandle> child = ProcessHandle.of(childPid);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(stopSeconds);
            while (child.map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            boolean stillAlive = child.map(ProcessHandle::isAlive).orElse(false);
            child.ifPresent(ProcessHandle::destroyForcibly); // never leave it behind, even when the check fails
            assertThat(stillAlive)
                    .as("%s process %d still alive %d s after its parent died", component, childPid, stopSeconds)
                    .isFalse();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
