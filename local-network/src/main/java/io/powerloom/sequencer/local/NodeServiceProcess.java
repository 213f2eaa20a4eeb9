package io.powerloom.sequencer.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.ManagedProcess;
import io.powerloom.sequencer.infra.NodeTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * One of the local network's js-libp2p service nodes, a script shipped in this module's jar (with the
 * {@code node-service.mjs} it imports) run on Node 22 on a free loopback port: the circuit relay v2 ({@link #relay})
 * or the gossipsub bootstrap node ({@link #bootstrap}).
 *
 * <p>{@code start} returns once the node printed its {@code READY} line; {@link #multiaddr()} is then its full address
 * ({@code /ip4/127.0.0.1/tcp/<port>/p2p/<peer id>}). The process also ends by itself when this JVM dies, since it
 * stops when its standard input closes.
 */
public final class NodeServiceProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READY = "READY ";
    private static final String SHARED_SCRIPT = "node-service.mjs";

    private final ManagedProcess process;
    private final String multiaddr;
    private final String peerId;

    private NodeServiceProcess(ManagedProcess process, String multiaddr, String peerId) {
        this.process = process;
        this.multiaddr = multiaddr;
        this.peerId = peerId;
    }

    /**
     * The circuit relay v2 ({@code relay.mjs}), with limits raised for long-lived pooled {@code /collect} streams.
     *
     * @see #start(Path, String, String)
     */
    public static NodeServiceProcess relay(Path dir) {
        return start(dir, "relay", "relay");
    }

    /**
     * The gossipsub bootstrap node ({@code bootstrap.mjs}): the Kademlia DHT in server mode plus GossipSub.
     *
     * @see #start(Path, String, String)
     */
    public static NodeServiceProcess bootstrap(Path dir) {
        return start(dir, "bootstrap", "bootstrap node");
    }

    /**
     * Writes {@code <name>.mjs} and {@code node-service.mjs} into {@code dir}, starts the script and waits (up to 60 s)
     * for its address; it logs to {@code <name>.log}.
     *
     * @param role what the node is, for error messages
     * @throws IllegalStateException when Node or the packages are missing, or the node exits or is not ready in time
     */
    private static NodeServiceProcess start(Path dir, String name, String role) {
        Path script = copyScript(dir, name + ".mjs");
        copyScript(dir, SHARED_SCRIPT);
        int port = FreePorts.next();
        List<String> command = List.of(
                NodeTools.node().toString(),
                script.toString(),
                "--modules",
                NodeTools.dir().resolve("node_modules").toString(),
                "--port",
                Integer.toString(port));
        Path log = dir.resolve(name + ".log");
        ManagedProcess p = ManagedProcess.start(name + ":" + port, command, dir, log);
        try {
            p.awaitReady(() -> p.logContains(READY), Duration.ofSeconds(60));
            JsonNode ready = readyLine(log);
            String addr = null;
            for (JsonNode a : ready.get("addrs")) {
                if (a.asText().contains("/tcp/" + port + "/")) {
                    addr = a.asText();
                }
            }
            if (addr == null) {
                throw new IllegalStateException(role + " did not listen on port " + port + ": " + ready);
            }
            return new NodeServiceProcess(p, addr, ready.get("peerId").asText());
        } catch (RuntimeException e) {
            p.stop(Duration.ofSeconds(5));
            throw e;
        }
    }

    private static Path copyScript(Path dir, String file) {
        Path script = dir.resolve(file);
        try (InputStream in = NodeServiceProcess.class.getResourceAsStream("js/" + file)) {
            if (in == null) {
                throw new IllegalStateException(
                        file + " is missing from the classpath (io/powerloom/sequencer/local/js)");
            }
            Files.createDirectories(dir);
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + script, e);
        }
        return script;
    }

    private static JsonNode readyLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(READY)) {
                    return JSON.readTree(lines.get(i).substring(READY.length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        throw new IllegalStateException("no READY line in " + log);
    }

    /** {@code /ip4/127.0.0.1/tcp/<port>/p2p/<peer id>}. */
    public String multiaddr() {
        return multiaddr;
    }

    /** The node's peer ID. */
    public String peerId() {
        return peerId;
    }

    /** The node's process id. */
    public long pid() {
        return process.pid();
    }

    /** Stops the node (SIGTERM, SIGKILL after 5 s) and waits until it is gone. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
