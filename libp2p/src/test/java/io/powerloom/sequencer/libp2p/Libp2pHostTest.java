package io.powerloom.sequencer.libp2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two Java hosts over real TCP on loopback: Noise, yamux, negotiation, backpressure and limits end to end. */
class Libp2pHostTest {
    private final Recorder echo = new Recorder(true, false);
    private final Recorder paused = new Recorder(false, true);
    private Libp2pHost server;
    private Libp2pHost client;

    private void start(int maxConnections, int maxStreams) throws Exception {
        server = Libp2pHost.builder()
                .identity(Keys.generateSecp256k1())
                .listen("/ip4/127.0.0.1/tcp/0")
                .handle("/test/echo", echo)
                .handle("/test/paused", paused)
                .maxConnections(maxConnections)
                .maxStreamsPerConnection(maxStreams)
                .eventLoopThreads(1)
                .build()
                .start()
                .get(10, TimeUnit.SECONDS);
        client = Libp2pHost.builder().eventLoopThreads(1).build().start().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Connection dial() throws Exception {
        return client.dial(server.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoesExactBytesAndAuthenticatesBothSides() throws Exception {
        start(10, 10);
        assertThat(server.peerId().toString()).startsWith("16Uiu2");
        Connection c = dial();
        assertThat(c.remotePeer()).isEqualTo(server.peerId());
        assertThat(c.relayed()).isFalse();
        Recorder back = new Recorder(false, false);
        OutboundStream s = c.openStream("/test/echo", back).get(10, TimeUnit.SECONDS);
        byte[] payload = Recorder.pattern(700_000, 1);
        for (int off = 0; off < payload.length; off += 500) {
            s.write(Unpooled.wrappedBuffer(payload, off, Math.min(500, payload.length - off)));
        }
        s.close();
        Recorder.Received atServer = echo.stream(0).get(10, TimeUnit.SECONDS);
        assertThat(atServer.bytes()).isEqualTo(payload);
        assertThat(atServer.stream().remotePeer()).isEqualTo(client.peerId());
        assertThat(atServer.stream().protocol()).isEqualTo("/test/echo");
        // the client's handler never got onOpen via the Recorder path for outbound: read the echo bytes
        long deadline = System.currentTimeMillis() + 10_000;
        while (client.stats().bytesIn() < payload.length && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(client.stats().bytesIn()).isEqualTo(payload.length);
        assertThat(server.stats().bytesIn()).isEqualTo(payload.length);
        assertThat(server.stats().openConnections()).isEqualTo(1);
    }

    @Test
    void aLazyStreamSendsNothingUntilItsFirstWriteThenCarriesHeaderProtocolAndDataTogether() throws Exception {
        start(10, 10);
        Connection c = dial();
        Recorder back = new Recorder(false, false);
        OutboundStream s = c.openStreamLazy("/test/echo", back).get(10, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertThat(echo.opened).as("nothing negotiated before the first write").isEmpty();
        byte[] payload = Recorder.pattern(3000, 2);
        s.write(Unpooled.wrappedBuffer(payload));
        s.write(Unpooled.wrappedBuffer(payload));
        s.close();
        Recorder.Received atServer = echo.stream(0).get(10, TimeUnit.SECONDS);
        byte[] twice = new byte[6000];
        System.arraycopy(payload, 0, twice, 0, 3000);
        System.arraycopy(payload, 0, twice, 3000, 3000);
        assertThat(atServer.bytes()).isEqualTo(twice);
        // the echo comes back after the server's multistream answer, which the lazy stream consumed
        assertThat(back.stream(0).get(10, TimeUnit.SECONDS).bytes()).isEqualTo(twice);

        OutboundStream refused = c.openStreamLazy("/test/unknown", back).get(10, TimeUnit.SECONDS);
        refused.write(Unpooled.wrappedBuffer(payload));
        assertThat(back.stream(1).get(10, TimeUnit.SECONDS).reset())
                .as("refused protocol: reset")
                .isTrue();
    }

    @Test
    void pausedReaderStallsTheWriterUntilResumed() throws Exception {
        start(10, 10);
        Connection c = dial();
        OutboundStream s = c.openStream("/test/paused").get(10, TimeUnit.SECONDS);
        byte[] payload = Recorder.pattern(1024 * 1024, 2);
        CompletableFuture<Void> last = null;
        for (int off = 0; off < payload.length; off += 16 * 1024) {
            last = s.write(Unpooled.wrappedBuffer(payload, off, 16 * 1024));
        }
        Thread.sleep(500);
        assertThat(last).isNotDone(); // 256 KiB window used, nothing granted while paused
        assertThat(server.stats().bytesIn()).isZero();
        paused.opened.get(0).setReadPaused(false);
        last.get(10, TimeUnit.SECONDS);
        s.close();
        assertThat(paused.stream(0).get(10, TimeUnit.SECONDS).bytes()).isEqualTo(payload);
    }

    @Test
    void unsupportedProtocolFailsNegotiation() throws Exception {
        start(10, 10);
        Connection c = dial();
        assertThatThrownBy(() -> c.openStream("/nope/1.0.0").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(Libp2pException.class)
                .satisfies(e -> assertThat(((Libp2pException) e).kind()).isEqualTo(Libp2pException.Kind.NEGOTIATION));
        // the connection survives a refused protocol
        assertThat(c.openStream("/test/echo").get(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void dialingTheWrongPeerIdFailsTheHandshake() throws Exception {
        start(10, 10);
        String addr = server.listenAddresses().get(0);
        String wrong = addr.substring(0, addr.indexOf("/p2p/")) + "/p2p/"
                + PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
        assertThatThrownBy(() -> client.dial(wrong).get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("HANDSHAKE");
        assertThatThrownBy(() -> client.dial("/ip4/127.0.0.1/udp/1").get(1, TimeUnit.SECONDS))
                .cause()
                .hasMessageContaining("INVALID_INPUT");
    }

    @Test
    void enforcesStreamAndConnectionLimits() throws Exception {
        start(1, 1);
        Connection c = dial();
        OutboundStream first = c.openStream("/test/paused").get(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThatThrownBy(() -> c.openStream("/test/echo").get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(Libp2pException.class);
        Libp2pHost other =
                Libp2pHost.builder().eventLoopThreads(1).build().start().get();
        try {
            assertThatThrownBy(() -> other.dial(server.listenAddresses().get(0)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThat(server.stats().rejectedConnections()).isGreaterThanOrEqualTo(1);
        } finally {
            other.close();
        }
    }

    @Test
    void garbageAndForgedNoiseFramesCloseOnlyTheirConnection() throws Exception {
        start(10, 10);
        Connection good = dial();
        Multiaddr addr = Multiaddr.parse(server.listenAddresses().get(0));
        // 1. not multistream at all
        assertThat(sendRaw(
                        addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .as("server closes a connection that speaks HTTP")
                .isTrue();
        // 2. valid negotiation of /noise, then a forged handshake message (wrong length for an ephemeral key)
        io.netty.buffer.ByteBuf b = Unpooled.buffer();
        io.powerloom.sequencer.libp2p.internal.multistream.MultistreamNegotiator.writeLine(b, "/multistream/1.0.0");
        io.powerloom.sequencer.libp2p.internal.multistream.MultistreamNegotiator.writeLine(b, "/noise");
        b.writeShort(5).writeBytes(new byte[5]);
        byte[] forged = new byte[b.readableBytes()];
        b.readBytes(forged);
        assertThat(sendRaw(addr, forged))
                .as("server closes after a malformed noise message")
                .isTrue();
        // the good connection and the host carry on
        OutboundStream s = good.openStream("/test/echo").get(10, TimeUnit.SECONDS);
        s.write(Unpooled.wrappedBuffer(new byte[] {42})).get(10, TimeUnit.SECONDS);
        s.close();
        assertThat(echo.stream(0).get(10, TimeUnit.SECONDS).bytes()).containsExactly(42);
        assertThat(server.stats().rejectedConnections()).isGreaterThanOrEqualTo(2);
    }

    /** Sends {@code bytes} on a plain socket; true when the server then closes the connection. */
    private static boolean sendRaw(Multiaddr addr, byte[] bytes) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(addr.host(), addr.tcpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                try {
                    if (in.read(buf) < 0) {
                        return true;
                    }
                } catch (java.net.SocketException reset) {
                    return true;
                }
            }
        }
    }

    @Test
    void builderRejectsBadConfigurationWithReasons() {
        assertThatThrownBy(() -> Libp2pHost.builder().listen("/ip4/127.0.0.1"))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("listen address must be");
        assertThatThrownBy(() -> Libp2pHost.builder().relay("/ip4/127.0.0.1/tcp/4001"))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("/p2p/<relay id>");
        assertThatThrownBy(() -> Libp2pHost.builder().handle("collect", echo))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("bad protocol id");
        assertThatThrownBy(() -> Libp2pHost.builder().maxConnections(0))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Libp2pHost.builder().listen("/ip4/1.2.3.4/tcp/1/p2p/garbage"))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("INVALID_INPUT");
    }

    @Test
    void closeEndsConnectionsOnBothSides() throws Exception {
        start(10, 10);
        Connection c = dial();
        c.openStream("/test/echo").get(10, TimeUnit.SECONDS);
        server.close();
        c.closeFuture().get(10, TimeUnit.SECONDS);
        assertThat(c.isOpen()).isFalse();
        long deadline = System.currentTimeMillis() + 5000;
        while (client.stats().openConnections() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(client.stats().openConnections()).isZero();
        assertThat(client.stats().openStreams()).isZero();
    }
}
