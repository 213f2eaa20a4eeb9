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
 * The js-libp2p circuit relay v2 of the local network: {@code relay.mjs} (shipped in this module's jar) on Node 22,
 * listening on a free loopback port, with limits raised for long-lived pooled {@code /collect} streams.
 *
 * <p>{@link #start(Path)} returns once the relay printed its {@code READY} line; {@link #multiaddr()} is then its
 * full address ({@code /ip4/127.0.0.1/tcp/<port>/p2p/<relay id>}). The process also ends by itself when this JVM
 * dies, since it stops when its standard input closes.
 */
public final class RelayProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READY = "READY ";

    private final ManagedProcess process;
    private final String multiaddr;
    private final String peerId;

    private RelayProcess(ManagedProcess process, String multiaddr, String peerId) {
        this.process = process;
        this.multiaddr = multiaddr;
        this.peerId = peerId;
    }

    /**
     * Writes {@code relay.mjs} into {@code dir}, starts it and waits (up to 60 s) for its address.
     *
     * @throws IllegalStateException when Node or the packages are missing, or the relay exits or is not ready in time
     */
    public static RelayProcess start(Path dir) {
        Path script = dir.resolve("relay.mjs");
        try (InputStream in = RelayProcess.class.getResourceAsStream("js/relay.mjs")) {
            if (in == null) {
                throw new IllegalStateException("relay.mjs is missing from the classpath (io/powerloom/sequencer/local/js)");
            }
            Files.createDirectories(dir);
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + script, e);
        }
        int port = FreePorts.next();
        List<String> command = List.of(NodeTools.node().toString(), script.toString(),
                "--modules", NodeTools.dir().resolve("node_modules").toString(), "--port", Integer.toString(port));
        Path log = dir.resolve("relay.log");
        ManagedProcess p = ManagedProcess.start("relay:" + port, command, dir, log);
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
                throw new IllegalStateException("relay did not listen on port " + port + ": " + ready);
            }
            return new RelayProcess(p, addr, ready.get("peerId").asText());
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

    /** {@code /ip4/127.0.0.1/tcp/<port>/p2p/<relay id>}. */
    public String multiaddr() {
        return multiaddr;
    }

    /** The relay's peer ID. */
    public String peerId() {
        return peerId;
    }

    /** The relay's process id. */
    public long pid() {
        return process.pid();
    }

    /** Stops the relay (SIGTERM, SIGKILL after 5 s) and waits until it is gone. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
