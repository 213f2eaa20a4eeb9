package io.powerloom.sequencer.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test script run with the pinned Node 22 ({@link NodeTools}), with {@code POWERLOOM_NODE_MODULES} naming the
 * pinned packages. Its stdout lines {@code TAG {json}} are queued for {@link #await}; closing our end of its stdin
 * (or {@link #close}) stops it.
 */
public final class NodeScript implements AutoCloseable {
    /**
     * The js-libp2p peers the libp2p module tests against (relay, clients, gossipsub nodes, go-libp2p collector
     * stand-ins), which the ingest bridge's tests run too.
     */
    public static final String LIBP2P_TEST_SCRIPTS = "libp2p/src/test/js";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path log;

    private NodeScript(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                },
                "node-script-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code script} of {@link #LIBP2P_TEST_SCRIPTS} with {@code args}. */
    public static NodeScript startLibp2pTestScript(String script, List<String> args) throws IOException {
        return start(findDir(LIBP2P_TEST_SCRIPTS, script), script, args);
    }

    /** Starts {@code dir/script} with {@code args} in {@code dir}; its stderr goes to a temporary file. */
    public static NodeScript start(Path dir, String script, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(NodeTools.node().toString());
        cmd.add(dir.resolve(script).toString());
        cmd.addAll(args);
        Path log = Files.createTempFile("js-" + script.replace(".mjs", "") + "-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile());
        pb.environment()
                .put(
                        "POWERLOOM_NODE_MODULES",
                        NodeTools.dir().resolve("node_modules").toString());
        return new NodeScript(pb.start(), log);
    }

    /** {@code relative} under the nearest ancestor of the working directory (itself included) where it holds {@code file}. */
    private static Path findDir(String relative, String file) {
        Path p = Paths.get("").toAbsolutePath();
        for (Path c = p; c != null; c = c.getParent()) {
            Path candidate = c.resolve(relative);
            if (Files.isRegularFile(candidate.resolve(file))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find " + relative + "/" + file + " from " + p);
    }

    /** Writes one command line to the script's stdin. */
    public void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Waits for the next line tagged {@code tag} and returns its JSON; fails on an {@code ERROR} line or after {@code timeout}. */
    public String await(String tag, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("node script printed no " + tag + " within " + timeout + "; stdout so far: "
                        + seen + "; stderr: " + stderr());
            }
            seen.add(line);
            if (line.startsWith(tag + " ")) {
                return line.substring(tag.length() + 1);
            }
            if (line.startsWith("ERROR ")) {
                throw new AssertionError("node script failed: " + line + "; stderr: " + stderr());
            }
        }
    }

    /** Waits for the process to exit; returns its exit code. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node script still running after " + timeout);
        }
        return process.exitValue();
    }

    /** The last 4000 characters of its stderr. */
    public String stderr() {
        try {
            String s = Files.readString(log);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    /** Closes its stdin, then SIGTERM after 3 s, SIGKILL after 3 more. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        }
    }
}
