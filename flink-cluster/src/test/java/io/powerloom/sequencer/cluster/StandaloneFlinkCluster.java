package io.powerloom.sequencer.cluster;

import io.powerloom.sequencer.infra.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real standalone Flink session cluster (one JobManager JVM, one TaskManager JVM) started and stopped with
 * {@code flink-cluster/start-cluster.sh} and {@code stop-cluster.sh}, on free loopback ports, with its run
 * directory (configuration, logs, checkpoints, savepoints) in a folder of the test. The scripts get this JVM's pid
 * as {@code --owner-pid}, so the cluster also stops when the test JVM dies.
 *
 * <pre>{@code
 * try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(runDir, 2)) {
 *     String jobId = cluster.submit(jar, 2, null, List.of("--sequencer.batch.size", "10"));
 *     cluster.rest().awaitTerminal(jobId, Duration.ofMinutes(2));
 * }
 * }</pre>
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    private final ClusterScripts scripts;
    private final Path runDir;
    private final int restPort;
    private final FlinkRestClient rest;
    private final Duration startTime;

    private StandaloneFlinkCluster(ClusterScripts scripts, Path runDir, int restPort, Duration startTime) {
        this.scripts = scripts;
        this.runDir = runDir;
        this.restPort = restPort;
        this.rest = new FlinkRestClient(restUrl());
        this.startTime = startTime;
    }

    /** Starts a cluster with {@code slots} task slots whose run directory is {@code runDir}. */
    public static StandaloneFlinkCluster start(Path runDir, int slots) {
        ClusterScripts scripts = ClusterScripts.locate();
        int restPort = FreePorts.next();
        int rpcPort = FreePorts.next();
        ClusterScripts.Result r = scripts.run(
                "start-cluster.sh",
                List.of(
                        "--run-dir",
                        runDir.toString(),
                        "--rest-port",
                        Integer.toString(restPort),
                        "--rpc-port",
                        Integer.toString(rpcPort),
                        "--slots",
                        Integer.toString(slots),
                        "--owner-pid",
                        Long.toString(ProcessHandle.current().pid()),
                        "--timeout",
                        "120"),
                Duration.ofMinutes(5));
        return new StandaloneFlinkCluster(scripts, runDir.toAbsolutePath(), restPort, r.took());
    }

    /** The REST API and web UI, e.g. {@code http://127.0.0.1:41234}. */
    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** A REST client of this cluster. */
    public FlinkRestClient rest() {
        return rest;
    }

    /** The run directory: conf/, log/, checkpoints/, savepoints/, pid files. */
    public Path runDir() {
        return runDir;
    }

    /** How long start-cluster.sh took (classpath check, both JVMs, REST answering with a registered TaskManager). */
    public Duration startTime() {
        return startTime;
    }

    /**
     * Submits {@code jar} with {@code submit-job.sh} (REST upload and run) and returns the job id.
     *
     * @param savepoint a savepoint or retained checkpoint to start from, or null
     */
    public String submit(Path jar, int parallelism, String savepoint, List<String> programArgs) {
        List<String> args = new ArrayList<>(
                List.of("--url", restUrl(), jar.toString(), "--parallelism", Integer.toString(parallelism)));
        if (savepoint != null) {
            args.add("--savepoint");
            args.add(savepoint);
        }
        args.add("--");
        args.addAll(programArgs);
        return scripts.run("submit-job.sh", args, Duration.ofMinutes(3)).lastLine();
    }

    /**
     * Submits with {@code submit-job.sh --wait}: returns once the job ended {@code FINISHED} (the script fails
     * otherwise, printing the root exception).
     */
    public ClusterScripts.Result submitAndWait(Path jar, int parallelism, List<String> programArgs, Duration timeout) {
        List<String> args = new ArrayList<>(List.of(
                "--url",
                restUrl(),
                jar.toString(),
                "--parallelism",
                Integer.toString(parallelism),
                "--wait",
                Long.toString(timeout.toSeconds()),
                "--"));
        args.addAll(programArgs);
        return scripts.run("submit-job.sh", args, timeout.plusMinutes(1));
    }

    /** Runs {@code submit-job.sh} expecting it to fail; returns what it printed. */
    public ClusterScripts.Result submitExpectingFailure(Path jar, List<String> programArgs) {
        List<String> args = new ArrayList<>(List.of("--url", restUrl(), jar.toString(), "--"));
        args.addAll(programArgs);
        try {
            ClusterScripts.Result r = scripts.run("submit-job.sh", args, Duration.ofMinutes(3));
            throw new AssertionError("submit-job.sh succeeded unexpectedly: " + r.stdout());
        } catch (ClusterScripts.ScriptFailedException e) {
            return e.result();
        }
    }

    /**
     * Runs {@code replay.sh --url <this cluster>} (ReplayJob submitted with submit-job.sh, then the report) and returns
     * what it printed; fails unless it exits 0 (every batch matches, or was re-anchored).
     */
    public ClusterScripts.Result replay(Path jar, List<String> replayArgs, Duration timeout) {
        List<String> args = new ArrayList<>(List.of(
                "--url",
                restUrl(),
                "--jar",
                jar.toString(),
                "--parallelism",
                "2",
                "--wait",
                Long.toString(timeout.toSeconds()),
                "--"));
        args.addAll(replayArgs);
        return scripts.run("replay.sh", args, timeout.plusMinutes(1));
    }

    /** Stop-with-savepoint ({@code savepoint.sh --stop}); returns the savepoint location. */
    public String stopWithSavepoint(String jobId) {
        return scripts.run("savepoint.sh", List.of("--url", restUrl(), jobId, "--stop"), Duration.ofMinutes(3))
                .lastLine();
    }

    /** A savepoint of a running job that keeps running ({@code savepoint.sh}); returns the savepoint location. */
    public String savepoint(String jobId) {
        return scripts.run("savepoint.sh", List.of("--url", restUrl(), jobId), Duration.ofMinutes(3))
                .lastLine();
    }

    /** The pid recorded for {@code role} (jobmanager, taskmanager), if any. */
    public Optional<Long> pid(String role) {
        Path f = runDir.resolve(role + ".pid");
        try {
            return Files.exists(f)
                    ? Optional.of(Long.parseLong(Files.readString(f).strip()))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops both JVMs with {@code stop-cluster.sh}. */
    @Override
    public void close() {
        scripts.run("stop-cluster.sh", List.of("--run-dir", runDir.toString()), Duration.ofMinutes(2));
    }
}
