package io.powerloom.sequencer.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operator scripts of {@code flink-cluster/} (start, stop, submit, savepoint) from tests, exactly as an
 * operator would from a shell, and hands back their standard output.
 */
public final class ClusterScripts {
    private final Path folder;

    private ClusterScripts(Path folder) {
        this.folder = folder;
    }

    /**
     * The scripts of this work tree: {@code flink-cluster/} found from the working directory upwards (Maven runs the
     * tests in the module's own folder, so its parent).
     */
    public static ClusterScripts locate() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("flink-cluster");
            if (Files.isRegularFile(candidate.resolve("start-cluster.sh"))) {
                return new ClusterScripts(candidate);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "no flink-cluster/start-cluster.sh above " + Path.of("").toAbsolutePath());
    }

    /** The {@code flink-cluster} folder. */
    public Path folder() {
        return folder;
    }

    /** What one script run printed. */
    public record Result(int exitCode, String stdout, String stderr, Duration took) {
        /** The last non-blank line of standard output (the job id, the savepoint path). */
        public String lastLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    /**
     * Runs {@code script} with {@code args} and waits up to {@code timeout}.
     *
     * @throws ScriptFailedException when it exits non-zero or does not finish in time (with both outputs)
     */
    public Result run(String script, List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(folder.resolve(script).toString());
        command.addAll(args);
        try {
            Path out = Files.createTempFile("script-" + script + "-", ".out");
            Path err = Files.createTempFile("script-" + script + "-", ".err");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Result r = new Result(
                    done ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - t0));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (!done || r.exitCode() != 0) {
                throw new ScriptFailedException(String.join(" ", command), r, done ? null : timeout);
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** A script that failed or timed out; the message carries both of its outputs. */
    public static final class ScriptFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Result result;

        ScriptFailedException(String command, Result r, Duration timedOutAfter) {
            super((timedOutAfter != null ? "timed out after " + timedOutAfter : "exit code " + r.exitCode()) + ": "
                    + command + "\n--- stdout ---\n" + r.stdout() + "\n--- stderr ---\n" + r.stderr());
            this.result = r;
        }

        /** The outputs of the failed run. */
        public Result result() {
            return result;
        }
    }
}
