package io.powerloom.sequencer.infra.ipfs;

import io.powerloom.sequencer.infra.ManagedProcess;
import io.powerloom.sequencer.infra.NodeTools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real, offline IPFS node for tests and the local network: {@code local-infra/node/ipfs-server.mjs}
 * (Helia on Node 22) speaking the Kubo RPC subset on {@code 127.0.0.1:<port>}, with its repository (blocks,
 * pins, identity) in a folder of the caller's choice.
 *
 * <p>{@link #start()} returns once {@code POST /api/v0/id} answers; {@link #stop()} ends the process and waits
 * for it. A stopped node can be started again: it keeps its peer ID, everything it had pinned and, while it is
 * free, its port.
 *
 * <pre>{@code
 * try (IpfsNode ipfs = IpfsNode.start(repoDir)) {
 *     URI api = ipfs.apiUri(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class IpfsNode implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"");

    private final Path repoDir;
    private static final Pattern READY = Pattern.compile("ipfs-server ready port=(\\d+) ");

    /** The port asked for; 0 = let the OS choose on first start (no race with other processes). */
    private final int requestedPort;
    /** The port in use: the requested one, or the one the OS gave on first start (kept for restarts). */
    private int port;

    private final Duration startTimeout;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ManagedProcess process;
    private String peerId;

    /**
     * A node over {@code repoDir} (created when missing) on {@code port}, not started yet. With port 0 the node
     * listens on a port the OS picks when it first starts, and keeps that port for restarts while it is free.
     */
    public IpfsNode(Path repoDir, int port, Duration startTimeout) {
        this.repoDir = Objects.requireNonNull(repoDir, "repoDir").toAbsolutePath();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.requestedPort = port;
        this.port = port;
        this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
    }

    /** Creates and starts a node over {@code repoDir} on a free port. */
    public static IpfsNode start(Path repoDir) {
        IpfsNode node = new IpfsNode(repoDir, 0, Duration.ofSeconds(60));
        node.start();
        return node;
    }

    /**
     * Runs a node until Ctrl-C, for the local network: {@code IpfsNode <repo dir> [port]}. Prints
     * {@code ipfs ready api=http://127.0.0.1:<port> id=<peer id>} once it answers.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: IpfsNode <repo dir> [port]");
            System.exit(2);
        }
        int port = args.length == 2 ? Integer.parseInt(args[1]) : 0;
        IpfsNode node = new IpfsNode(Path.of(args[0]), port, Duration.ofSeconds(60)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "ipfs-node-stop"));
        System.out.println("ipfs ready api=" + node.apiUri() + " id=" + node.peerId() + " repo=" + node.repoDir());
        Thread.currentThread().join();
    }

    /**
     * Starts the Node 22 process and waits until {@code /api/v0/id} answers.
     *
     * @throws IllegalStateException when already running, or when the node exits or does not answer in time
     *                               (the message carries the end of its log)
     */
    public synchronized IpfsNode start() {
        if (process != null) {
            throw new IllegalStateException("IPFS node on port " + port + " is already running");
        }
        try {
            process = launch(port);
        } catch (IllegalStateException e) {
            boolean portTaken = e.getMessage() != null && e.getMessage().contains("EADDRINUSE");
            if (!(portTaken && requestedPort == 0 && port != 0)) {
                throw e;
            }
            process = launch(0); // the port of the previous run was taken meanwhile: take any free one
        }
        return this;
    }

    private ManagedProcess launch(int listenPort) {
        List<String> command = List.of(
                NodeTools.node().toString(),
                NodeTools.script("ipfs-server.mjs").toString(),
                "--repo",
                repoDir.toString(),
                "--port",
                Integer.toString(listenPort),
                "--exit-on-stdin-close");
        ManagedProcess started =
                ManagedProcess.start("ipfs-node", command, repoDir, repoDir.resolve("ipfs-server.log"));
        try {
            // the ready line comes from this process, so the port it names is ours (not another server's)
            started.awaitReady(
                    () -> {
                        String announced = started.logMatch(READY);
                        if (announced == null) {
                            return false;
                        }
                        port = Integer.parseInt(announced);
                        return answersId();
                    },
                    startTimeout);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    private boolean answersId() {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(apiUri().resolve("/api/v0/id"))
                            .timeout(Duration.ofSeconds(2))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return false;
            }
            Matcher m = ID.matcher(r.body());
            if (!m.find()) {
                return false;
            }
            peerId = m.group(1);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. Idempotent. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
            process = null;
        }
    }

    /** Stops and starts again over the same repository and port. */
    public synchronized IpfsNode restart() {
        stop();
        return start();
    }

    /** Whether the process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The RPC root, {@code http://127.0.0.1:<port>} (the Kubo {@code /api/v0/...} paths go below it). */
    public synchronized URI apiUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The TCP port of the RPC API (known once the node has started, or when it was given). */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("IPFS node was never started: its port is not chosen yet");
        }
        return port;
    }

    /** The repository folder (blocks, pins, identity, log). */
    public Path repoDir() {
        return repoDir;
    }

    /** The node's peer ID as reported by {@code /api/v0/id}; stable across restarts over the same repository. */
    public synchronized String peerId() {
        if (peerId == null) {
            throw new IllegalStateException("IPFS node was never started");
        }
        return peerId;
    }

    /** The process id while running, for diagnostics. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("IPFS node is not running");
        }
        return process.pid();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
