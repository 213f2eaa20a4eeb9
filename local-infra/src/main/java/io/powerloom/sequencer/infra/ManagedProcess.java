package io.powerloom.sequencer.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process of a local component (Kafka broker JVM, IPFS node, ...) whose output goes to a log file.
 *
 * <p>Its standard input stays an open pipe: components started with a "stop when stdin closes" watchdog
 * therefore end by themselves when this JVM dies, even from {@code kill -9}. A shutdown hook also stops
 * every process still running when this JVM exits normally. {@link #close()} asks politely (SIGTERM), waits,
 * then kills.
 */
public final class ManagedProcess implements AutoCloseable {
    private static final Set<ManagedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (ManagedProcess p : RUNNING) {
                                p.process.destroyForcibly();
                            }
                        },
                        "managed-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;
    private final long logStart;

    private ManagedProcess(String name, Process process, Path logFile, long logStart) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.logStart = logStart;
    }

    /**
     * Starts {@code command} in {@code workDir}; standard output and error are appended to {@code logFile}.
     *
     * @throws UncheckedIOException when the program cannot be started
     */
    public static ManagedProcess start(String name, List<String> command, Path workDir, Path logFile) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            ManagedProcess p = new ManagedProcess(name, pb.start(), logFile, logStart);
            RUNNING.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** The process id, e.g. for {@code ps}. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file that receives standard output and error. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Polls {@code ready} every 50 ms until it returns true.
     *
     * @throws IllegalStateException with the log's tail when the process exits first or {@code timeout} passes
     */
    public void awaitReady(BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; last log lines:\n" + logTail(40));
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        name + " not ready after " + timeout + "; last log lines:\n" + logTail(40));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    /**
     * Whether this process (not an earlier one appending to the same log file) has written {@code text}, e.g. a
     * ready line naming its port.
     */
    public boolean logContains(String text) {
        return logSinceStart().contains(text);
    }

    /**
     * The first group of the first match of {@code pattern} in what this process has logged, or null (e.g. the
     * port named in a ready line).
     */
    public String logMatch(java.util.regex.Pattern pattern) {
        java.util.regex.Matcher m = pattern.matcher(logSinceStart());
        return m.find() ? m.group(1) : null;
    }

    private String logSinceStart() {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(logFile)) {
            long size = ch.size();
            if (size <= logStart) {
                return "";
            }
            ch.position(logStart);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size - logStart, 16L * 1024 * 1024));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@code lines} lines of the log file (empty when it cannot be read). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the process: SIGTERM, up to {@code grace} to exit, then SIGKILL; returns once it is gone.
     *
     * @return the exit code
     */
    public int stop(Duration grace) {
        try {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return process.isAlive() ? -1 : process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            closeQuietly();
            RUNNING.remove(this);
        }
    }

    private void closeQuietly() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the pipe is gone with the process
        }
    }

    /** {@link #stop(Duration)} with a 20 s grace period. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + "]";
    }
}
