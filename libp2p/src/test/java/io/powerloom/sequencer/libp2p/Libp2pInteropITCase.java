package io.powerloom.sequencer.libp2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.infra.NodeScript;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop with real js-libp2p 3 peers (Node 22, packages pinned in local-infra/node): direct and relayed inbound
 * connections, Ed25519 and secp256k1 client identities, the Java host dialing out, ping and identify, and
 * reservations that renew and come back after the relay drops them.
 */
class Libp2pInteropITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int STREAMS = 3;
    private static final int BYTES = 200_000;

    private final Recorder sink = new Recorder(false, false);
    private final Recorder echo = new Recorder(true, false);
    private Libp2pHost host;
    private NodeScript relay;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private Libp2pHost startHost(String relayAddr) throws Exception {
        Libp2pHost.Builder b = Libp2pHost.builder()
                .listen("/ip4/127.0.0.1/tcp/0")
                .handle("/test/sink", sink)
                .handle("/test/echo", echo)
                .eventLoopThreads(2);
        if (relayAddr != null) {
            b.relay(relayAddr);
        }
        return b.build().start().get(10, TimeUnit.SECONDS);
    }

    private String startRelay(String... extra) throws Exception {
        String[] args = new String[extra.length + 2];
        args[0] = "--port";
        args[1] = "0";
        System.arraycopy(extra, 0, args, 2, extra.length);
        relay = JsPeer.start("relay.mjs", args);
        return JsPeer.firstAddr(relay.await("READY", WAIT));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String runClient(String... args) throws Exception {
        try (NodeScript client = JsPeer.start("client.mjs", args)) {
            String result = client.await("RESULT", WAIT);
            assertThat(client.waitFor(WAIT)).isZero();
            return result;
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Checks that each of the {@link #STREAMS} streams delivered exactly the js pattern bytes. */
    private void assertReceivedExactly(Recorder r, String clientPeer, boolean relayed, String result) throws Exception {
        List<String> sentHashes = JsPeer.fields(result, "sha256");
        assertThat(sentHashes).hasSize(STREAMS);
        List<String> receivedHashes = new java.util.ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            Recorder.Received got = r.stream(i).get(30, TimeUnit.SECONDS);
            assertThat(got.reset()).isFalse();
            assertThat(got.bytes()).hasSize(BYTES);
            assertThat(got.stream().remotePeer().toString()).isEqualTo(clientPeer);
            assertThat(got.stream().relayed()).isEqualTo(relayed);
            receivedHashes.add(sha256(got.bytes()));
        }
        // streams open concurrently, so match as sets; each must equal a js stream's pattern exactly
        assertThat(receivedHashes).containsExactlyInAnyOrderElementsOf(sentHashes);
        byte[] expectedFirst = Recorder.pattern(BYTES, 0);
        assertThat(receivedHashes).contains(sha256(expectedFirst));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ed25519", "secp256k1"})
    void jsClientDialsDirectly(String keyType) throws Exception {
        host = startHost(null);
        String result = runClient(
                "--target",
                host.listenAddresses().get(0),
                "--key-type",
                keyType,
                "--protocol",
                "/test/sink",
                "--streams",
                "" + STREAMS,
                "--bytes",
                "" + BYTES,
                "--chunk",
                "500");
        String clientPeer = JsPeer.field(result, "peerId");
        assertThat(clientPeer).startsWith(keyType.equals("Ed25519") ? "12D3Koo" : "16Uiu2");
        assertThat(JsPeer.field(result, "remotePeer")).isEqualTo(host.peerId().toString());
        assertReceivedExactly(sink, clientPeer, false, result);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ed25519", "secp256k1"})
    void jsClientReachesUsThroughTheRelay(String keyType) throws Exception {
        String relayAddr = startRelay();
        host = startHost(relayAddr);
        await(() -> !host.circuitAddresses().isEmpty(), "a reservation on the js relay");
        String circuit = host.circuitAddresses().get(0);
        assertThat(circuit).isEqualTo(relayAddr + "/p2p-circuit/p2p/" + host.peerId());
        String result = runClient(
                "--target",
                circuit,
                "--key-type",
                keyType,
                "--echo",
                "--protocol",
                "/test/echo",
                "--streams",
                "" + STREAMS,
                "--bytes",
                "" + BYTES,
                "--chunk",
                "500");
        String clientPeer = JsPeer.field(result, "peerId");
        // the test relay sets no Limit (as a relay for collectors must), so the relayed connection is not "limited"
        assertThat(result).contains("\"limited\":false");
        assertReceivedExactly(echo, clientPeer, true, result);
        // and the echo made it back through the relay intact
        assertThat(JsPeer.fields(result, "receivedSha256")).isEqualTo(JsPeer.fields(result, "sha256"));
        assertThat(host.stats().relayedConnections()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void relayedConnectionBeyondTheLimitIsRefused() throws Exception {
        String relayAddr = startRelay();
        host = Libp2pHost.builder()
                .listen("/ip4/127.0.0.1/tcp/0")
                .relay(relayAddr)
                .handle("/test/sink", sink)
                .maxConnections(1) // the relay connection itself uses the only slot
                .build()
                .start()
                .get(10, TimeUnit.SECONDS);
        await(() -> !host.circuitAddresses().isEmpty(), "a reservation on the js relay");
        try (NodeScript client =
                JsPeer.start("client.mjs", "--target", host.circuitAddresses().get(0), "--protocol", "/test/sink")) {
            assertThat(client.waitFor(WAIT)).isEqualTo(1);
        }
        assertThat(host.stats().rejectedConnections()).isGreaterThanOrEqualTo(1);
        assertThat(sink.opened).isEmpty();
        assertThat(host.reservations().get(relayAddr).status()).isEqualTo(ReservationState.Status.RESERVED);
    }

    @Test
    void jsAcceptsOurSecp256k1Identity() throws Exception {
        host = Libp2pHost.builder()
                .identity(io.powerloom.sequencer.libp2p.crypto.Keys.generateSecp256k1())
                .listen("/ip4/127.0.0.1/tcp/0")
                .handle("/test/sink", sink)
                .build()
                .start()
                .get(10, TimeUnit.SECONDS);
        assertThat(host.peerId().toString()).startsWith("16Uiu2");
        String result = runClient("--target", host.listenAddresses().get(0), "--ping");
        assertThat(JsPeer.field(result, "remotePeer")).isEqualTo(host.peerId().toString());
        assertThat(result).containsPattern("\"pingMs\":\\d+");
    }

    @Test
    void jsPingAndIdentifySucceed() throws Exception {
        host = startHost(null);
        String result = runClient("--target", host.listenAddresses().get(0), "--ping", "--identify");
        assertThat(result).containsPattern("\"pingMs\":\\d+");
        assertThat(JsPeer.field(result, "agentVersion")).isEqualTo("powerloom-sequencer-libp2p/0.1");
        assertThat(result)
                .contains(
                        "\"/test/sink\"",
                        "\"/ipfs/ping/1.0.0\"",
                        "\"/ipfs/id/1.0.0\"",
                        "\"/libp2p/circuit/relay/0.2.0/stop\"");
        String listen = host.listenAddresses().get(0);
        assertThat(result).contains(listen.substring(0, listen.indexOf("/p2p/")));
    }

    @Test
    void javaDialsAJsPeer() throws Exception {
        host = startHost(null);
        try (NodeScript server = JsPeer.start("server.mjs", "--key-type", "secp256k1")) {
            String ready = server.await("READY", WAIT);
            Connection c = host.dial(JsPeer.firstAddr(ready)).get(30, TimeUnit.SECONDS);
            assertThat(c.remotePeer().toString()).isEqualTo(JsPeer.field(ready, "peerId"));
            assertThat(c.outbound()).isTrue();
            Recorder back = new Recorder(false, false);
            OutboundStream s = c.openStream("/test/echo", back).get(30, TimeUnit.SECONDS);
            byte[] payload = Recorder.pattern(BYTES, 5);
            for (int off = 0; off < payload.length; off += 1000) {
                s.write(Unpooled.wrappedBuffer(payload, off, Math.min(1000, payload.length - off)));
            }
            s.close();
            Recorder.Received got = back.stream(0).get(30, TimeUnit.SECONDS);
            assertThat(got.bytes()).isEqualTo(payload);
            assertThat(server.await("ECHOED", WAIT)).contains("\"bytes\":" + BYTES);
        }
    }

    @Test
    void javaDialsJavaThroughTheJsRelay() throws Exception {
        String relayAddr = startRelay();
        host = startHost(relayAddr);
        await(() -> !host.circuitAddresses().isEmpty(), "a reservation on the js relay");
        try (Libp2pHost dialer =
                Libp2pHost.builder().eventLoopThreads(1).build().start().get()) {
            Connection c = dialer.dial(host.circuitAddresses().get(0)).get(30, TimeUnit.SECONDS);
            assertThat(c.relayed()).isTrue();
            assertThat(c.remotePeer()).isEqualTo(host.peerId());
            OutboundStream s = c.openStream("/test/sink").get(30, TimeUnit.SECONDS);
            byte[] payload = Recorder.pattern(BYTES, 9);
            s.write(Unpooled.wrappedBuffer(payload)).get(30, TimeUnit.SECONDS);
            s.close();
            Recorder.Received got = sink.stream(0).get(30, TimeUnit.SECONDS);
            assertThat(got.bytes()).isEqualTo(payload);
            assertThat(got.stream().relayed()).isTrue();
            assertThat(got.stream().remotePeer()).isEqualTo(dialer.peerId());
        }
    }

    @Test
    void reservationIsRenewedAndComesBackAfterTheRelayDropsUs() throws Exception {
        String relayAddr = startRelay("--ttl-ms", "6000", "--drop-after-ms", "9000");
        host = startHost(relayAddr);
        await(() -> host.reservations().get(relayAddr).renewals() >= 2, "a renewed reservation (ttl 6 s)");
        relay.await("DROPPED", WAIT);
        long before = host.reservations().get(relayAddr).renewals();
        await(
                () -> host.reservations().get(relayAddr).renewals() > before
                        && host.reservations().get(relayAddr).status() == ReservationState.Status.RESERVED,
                "the reservation to come back after the relay closed our connection");
        // and the relay path works again
        String result = runClient(
                "--target",
                host.circuitAddresses().get(0),
                "--protocol",
                "/test/sink",
                "--streams",
                "" + STREAMS,
                "--bytes",
                "" + BYTES,
                "--chunk",
                "500");
        assertReceivedExactly(sink, JsPeer.field(result, "peerId"), true, result);
    }
}
