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
 * The js-libp2p bootstrap node of the local network's gossipsub path: {@code bootstrap.mjs} (shipped in this module's
 * jar) on Node 22, the Kademlia DHT in server mode plus GossipSub, on a free loopback port. {@link #start(Path)}
 * returns once it printed its {@code READY} line; {@link #multiaddr()} is its full address. It stops when its
 * standard input closes (this JVM died).
 */
public final class BootstrapProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READY = "READY ";

    private final ManagedProcess process;
    private final String multiaddr;
    private final String peerId;

    private BootstrapProcess(ManagedProcess process, String multiaddr, String peerId) {
        this.process = process;
        this.multiaddr = multiaddr;
        this.peerId = peerId;
    }

    /**
     * Writes {@code bootstrap.mjs} into {@code dir}, starts it and waits (up to 60 s) for its address.
     *
     * @throws IllegalStateException when Node or the packages are missing, or the node exits or is not ready in time
     */
    public static BootstrapProcess start(Path dir) {
        Path script = dir.resolve("bootstrap.mjs");
        try (InputStream in = BootstrapProcess.class.getResourceAsStream("js/bootstrap.mjs")) {
            if (in == null) {
                throw new IllegalStateException("bootstrap.mjs is missing from the classpath (io/powerloom/sequencer/local/js)");
            }
            Files.createDirectories(dir);
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + script, e);
        }
        int port = FreePorts.next();
        List<String> command = List.of(NodeTools.node().toString(), script.toString(),
                "--modules", NodeTools.dir().resolve("node_modules").toString(), "--port", Integer.toString(port));
        Path log = dir.resolve("bootstrap.log");
        ManagedProcess p = ManagedProcess.start("bootstrap:" + port, command, dir, log);
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
                throw new IllegalStateException("bootstrap node did not listen on port " + port + ": " + ready);
            }
            return new BootstrapProcess(p, addr, ready.get("peerId").asText());
        } catch (RuntimeException e) {
            p.stop(Duration.ofSeconds(5));
            throw e;
        }
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

    /** {@code /ip4/127.0.0.1/tcp/<port>/p2p/<bootstrap id>}. */
    public String multiaddr() {
        return multiaddr;
    }

    /** The bootstrap node's peer ID. */
    public String peerId() {
        return peerId;
    }

    /** The bootstrap node's process id. */
    public long pid() {
        return process.pid();
    }

    /** Stops the bootstrap node (SIGTERM, SIGKILL after 5 s) and waits until it is gone. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
