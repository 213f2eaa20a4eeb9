package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.infra.NodeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A script of {@code libp2p/src/test/js} (the js-libp2p peers the libp2p module tests against) running under the pinned Node 22. It reports with stdout lines
 * {@code TAG {json}}; {@link #await} returns the JSON of the next line with a tag. Closing stops the process.
 */
final class NodeScript implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private NodeScript(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "node-script-stdout");
        t.setDaemon(true);
        t.start();
    }

    static NodeScript start(String script, List<String> args) throws IOException {
        Path dir = jsDir();
        List<String> cmd = new ArrayList<>(List.of(NodeTools.node().toString(), dir.resolve(script).toString()));
        cmd.addAll(args);
        Path err = Files.createTempFile("node-" + script + "-", ".stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile());
        pb.environment().put("POWERLOOM_NODE_MODULES", NodeTools.dir().resolve("node_modules").toString());
        return new NodeScript(pb.start(), err);
    }

    private static Path jsDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path c : List.of(p.resolve("libp2p/src/test/js"), p.resolve("../libp2p/src/test/js"))) {
                if (Files.isRegularFile(c.resolve("common.mjs"))) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("cannot find libp2p/src/test/js");
    }

    /** The JSON of the next {@code tag} line; fails on an {@code ERROR} line or after {@code timeout}. */
    /** Writes one command line to the script's stdin. */
    void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    String await(String tag, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no " + tag + " line within " + timeout + "; stdout " + seen + "; stderr "
                        + stderr());
            }
            seen.add(line);
            if (line.startsWith(tag + " ")) {
                return line.substring(tag.length() + 1);
            }
            if (line.startsWith("ERROR ")) {
                throw new AssertionError("script failed: " + line + "; stderr " + stderr());
            }
        }
    }

    private String stderr() {
        try {
            String s = Files.readString(stderr);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

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
