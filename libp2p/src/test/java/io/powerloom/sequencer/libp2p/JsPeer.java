package io.powerloom.sequencer.libp2p;

import io.powerloom.sequencer.infra.NodeTools;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A js-libp2p peer from {@code src/test/js} run with the pinned Node 22. Its stdout lines {@code TAG {json}} are
 * queued for {@link #await}; closing our end of its stdin (or {@link #close}) stops it.
 */
final class JsPeer implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path log;

    private JsPeer(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "js-peer-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code script} with {@code args}. */
    static JsPeer start(String script, String... args) throws IOException {
        Path dir = scriptsDir();
        List<String> cmd = new ArrayList<>();
        cmd.add(NodeTools.node().toString());
        cmd.add(dir.resolve(script).toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("js-" + script.replace(".mjs", "") + "-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile());
        pb.environment().put("POWERLOOM_NODE_MODULES", NodeTools.dir().resolve("node_modules").toString());
        return new JsPeer(pb.start(), log);
    }

    private static Path scriptsDir() {
        Path p = Paths.get("").toAbsolutePath();
        for (Path c = p; c != null; c = c.getParent()) {
            Path candidate = c.resolve("src/test/js");
            if (Files.isRegularFile(candidate.resolve("common.mjs"))) {
                return candidate;
            }
            Path module = c.resolve("libp2p/src/test/js");
            if (Files.isRegularFile(module.resolve("common.mjs"))) {
                return module;
            }
        }
        throw new IllegalStateException("cannot find libp2p/src/test/js from " + p);
    }

    /** Writes one command line to the peer's stdin. */
    void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Waits for the next line tagged {@code tag} (or ERROR) and returns its JSON. */
    String await(String tag, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("js peer printed no " + tag + " within " + timeout + "; stdout so far: " + seen
                        + "; stderr: " + stderr());
            }
            seen.add(line);
            if (line.startsWith(tag + " ")) {
                return line.substring(tag.length() + 1);
            }
            if (line.startsWith("ERROR ")) {
                throw new AssertionError("js peer failed: " + line + "; stderr: " + stderr());
            }
        }
    }

    /** Waits for the process to exit; returns its exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("js peer still running after " + timeout);
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            String s = Files.readString(log);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    /** The string value of {@code "name":"..."} in {@code json}. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no field " + name + " in " + json);
        }
        return m.group(1);
    }

    /** All string values of {@code "name":"..."} in {@code json}, in order. */
    static List<String> fields(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The first address in a READY line's {@code addrs}. */
    static String firstAddr(String json) {
        Matcher m = Pattern.compile("\"addrs\":\\[\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no addrs in " + json);
        }
        return m.group(1);
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
