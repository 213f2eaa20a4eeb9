package io.powerloom.sequencer.libp2p.internal.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.powerloom.sequencer.libp2p.internal.transport.Link;
import io.powerloom.sequencer.libp2p.internal.transport.PipeLink;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class YamuxSessionTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Collects what a stream receives. */
    static final class Collector implements YamuxStream.Receiver {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile Boolean closedWithReset;

        @Override
        public void onData(YamuxStream s, ByteBuf data) {
            byte[] b = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), b);
            bytes.writeBytes(b);
        }

        @Override
        public void onClose(YamuxStream s, boolean reset) {
            closedWithReset = reset;
        }
    }

    /** A session listener that gives every inbound stream a collector. */
    static final class Acceptor implements YamuxSession.Listener {
        final List<YamuxStream> streams = new ArrayList<>();
        final List<Collector> collectors = new ArrayList<>();
        int closedStreams;
        boolean pauseNew;

        @Override
        public void onInboundStream(YamuxStream stream) {
            Collector c = new Collector();
            stream.receiver(c);
            stream.setReadPaused(pauseNew);
            streams.add(stream);
            collectors.add(c);
        }

        @Override
        public void onStreamClosed(YamuxStream stream) {
            closedStreams++;
        }

        @Override
        public void onSessionClosed(Throwable cause) {}
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    private void await(BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!onLoop(condition::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(5);
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void streamCarriesBytesExactlyAndClosesBothWays() throws Exception {
        PipeLink[] pipe = PipeLink.pair(loop, 7); // tiny pieces: headers and bodies split across reads
        Acceptor serverSide = new Acceptor();
        Acceptor clientSide = new Acceptor();
        YamuxSession client = new YamuxSession(pipe[0], true, 16, clientSide);
        YamuxSession server = new YamuxSession(pipe[1], false, 16, serverSide);
        pipe[0].receiver(client);
        pipe[1].receiver(server);
        byte[] payload = pattern(100_000);
        Collector back = new Collector();
        CompletableFuture<Void> written = new CompletableFuture<>();
        YamuxStream s = onLoop(() -> {
            YamuxStream st = client.openStream();
            st.receiver(back);
            st.write(Unpooled.wrappedBuffer(payload), written);
            st.close();
            pipe[0].flush();
            return st;
        });
        assertThat(s.id() % 2).isEqualTo(1);
        await(() -> serverSide.collectors.size() == 1 && serverSide.collectors.get(0).closedWithReset != null);
        assertThat(serverSide.collectors.get(0).bytes.toByteArray()).isEqualTo(payload);
        assertThat(serverSide.collectors.get(0).closedWithReset).isFalse();
        assertThat(written).isCompleted();
        onLoop(() -> {
            serverSide.streams.get(0).write(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), null);
            serverSide.streams.get(0).close();
            pipe[1].flush();
            return null;
        });
        await(() -> back.closedWithReset != null);
        assertThat(back.bytes.toByteArray()).containsExactly(1, 2, 3);
        await(() -> client.streamCount() == 0 && server.streamCount() == 0);
        assertThat(serverSide.closedStreams).isEqualTo(1);
    }

    @Test
    void pausedReaderStallsSenderAtTheWindowAndResumes() throws Exception {
        PipeLink[] pipe = PipeLink.pair(loop, 16 * 1024);
        Acceptor serverSide = new Acceptor();
        serverSide.pauseNew = true;
        YamuxSession client = new YamuxSession(pipe[0], true, 16, new Acceptor());
        YamuxSession server = new YamuxSession(pipe[1], false, 16, serverSide);
        pipe[0].receiver(client);
        pipe[1].receiver(server);
        byte[] payload = pattern(1024 * 1024);
        CompletableFuture<Void> written = new CompletableFuture<>();
        YamuxStream s = onLoop(() -> {
            YamuxStream st = client.openStream();
            st.write(Unpooled.wrappedBuffer(payload), written);
            pipe[0].flush();
            return st;
        });
        await(() -> s.sendWindow() == 0);
        Thread.sleep(200); // nothing more may move while paused
        assertThat(written).isNotDone();
        long sentWhilePaused = pipe[0].bytesSent();
        assertThat(sentWhilePaused).isLessThan(YamuxSession.INITIAL_WINDOW + 64 * 1024);
        assertThat(onLoop(() -> serverSide.collectors.get(0).bytes.size())).isZero();

        onLoop(() -> {
            serverSide.streams.get(0).setReadPaused(false);
            pipe[1].flush();
            return null;
        });
        await(() -> written.isDone());
        onLoop(() -> {
            s.close();
            pipe[0].flush();
            return null;
        });
        await(() -> serverSide.collectors.get(0).closedWithReset != null);
        assertThat(serverSide.collectors.get(0).bytes.toByteArray()).isEqualTo(payload);
    }

    /** Writes raw yamux frames from a fake peer and records what the session answers. */
    static final class RawPeer implements Link.Receiver {
        final ByteBuf received = Unpooled.buffer();
        boolean closed;

        @Override
        public void onData(ByteBuf data) {
            received.writeBytes(data, data.readerIndex(), data.readableBytes());
        }

        @Override
        public void onClose(Throwable cause) {
            closed = true;
        }

        static ByteBuf frame(int type, int flags, int id, int length) {
            return Unpooled.buffer(12)
                    .writeByte(0)
                    .writeByte(type)
                    .writeShort(flags)
                    .writeInt(id)
                    .writeInt(length);
        }
    }

    @Test
    void answersPingsAndResetsWindowViolations() throws Exception {
        PipeLink[] pipe = PipeLink.pair(loop, 1 << 20);
        Acceptor serverSide = new Acceptor();
        serverSide.pauseNew = true;
        YamuxSession server = new YamuxSession(pipe[1], false, 16, serverSide);
        pipe[1].receiver(server);
        RawPeer raw = new RawPeer();
        pipe[0].receiver(raw);
        onLoop(() -> {
            pipe[0].write(RawPeer.frame(YamuxSession.TYPE_PING, YamuxSession.FLAG_SYN, 0, 0x1234));
            pipe[0].flush();
            return null;
        });
        await(() -> raw.received.readableBytes() >= 12);
        ByteBuf pong = onLoop(() -> raw.received.readSlice(12));
        assertThat(pong.getByte(1)).isEqualTo((byte) YamuxSession.TYPE_PING);
        assertThat(pong.getShort(2)).isEqualTo((short) YamuxSession.FLAG_ACK);
        assertThat(pong.getInt(8)).isEqualTo(0x1234);

        // open stream 1 and send more than the 256 KiB window without waiting for updates
        int tooMuch = YamuxSession.INITIAL_WINDOW + 1;
        onLoop(() -> {
            pipe[0].write(RawPeer.frame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_SYN, 1, 0));
            pipe[0].write(RawPeer.frame(YamuxSession.TYPE_DATA, 0, 1, tooMuch));
            pipe[0].write(Unpooled.wrappedBuffer(new byte[tooMuch]));
            pipe[0].flush();
            return null;
        });
        await(() -> serverSide.collectors.size() == 1 && serverSide.collectors.get(0).closedWithReset != null);
        assertThat(serverSide.collectors.get(0).closedWithReset).isTrue();
        assertThat(server.streamCount()).isZero();
        assertThat(server.isOpen()).isTrue(); // only the stream is gone
        // the session answered ACK for the stream, then RST
        await(() -> raw.received.readableBytes() >= 24);
        ByteBuf ack = onLoop(() -> raw.received.readSlice(12));
        ByteBuf rst = onLoop(() -> raw.received.readSlice(12));
        assertThat(ack.getShort(2)).isEqualTo((short) YamuxSession.FLAG_ACK);
        assertThat(rst.getShort(2)).isEqualTo((short) YamuxSession.FLAG_RST);
        assertThat(rst.getInt(4)).isEqualTo(1);
    }

    @Test
    void keepAliveClosesASilentPeerAndKeepsAnAnsweringOne() throws Exception {
        PipeLink[] pipe = PipeLink.pair(loop, 1 << 20);
        YamuxSession client = new YamuxSession(pipe[0], true, 16, new Acceptor());
        YamuxSession server = new YamuxSession(pipe[1], false, 16, new Acceptor());
        pipe[0].receiver(client);
        pipe[1].receiver(server);
        onLoop(() -> {
            client.startKeepAlive(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200));
            return null;
        });
        Thread.sleep(500);
        assertThat(onLoop(client::isOpen)).isTrue();
        assertThat(onLoop(client::lastRttNanos)).isGreaterThanOrEqualTo(0);

        PipeLink[] silent = PipeLink.pair(loop, 1 << 20);
        YamuxSession lonely = new YamuxSession(silent[0], true, 16, new Acceptor());
        silent[0].receiver(lonely);
        RawPeer raw = new RawPeer(); // reads pings, never answers
        silent[1].receiver(raw);
        onLoop(() -> {
            lonely.startKeepAlive(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200));
            return null;
        });
        await(() -> !lonely.isOpen());
        assertThat(onLoop(() -> raw.received.readableBytes())).isGreaterThanOrEqualTo(12);
    }

    @Test
    void refusesStreamsBeyondTheLimitAndClosesOnBadVersion() throws Exception {
        PipeLink[] pipe = PipeLink.pair(loop, 1 << 20);
        Acceptor serverSide = new Acceptor();
        YamuxSession server = new YamuxSession(pipe[1], false, 1, serverSide);
        pipe[1].receiver(server);
        RawPeer raw = new RawPeer();
        pipe[0].receiver(raw);
        onLoop(() -> {
            pipe[0].write(RawPeer.frame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_SYN, 1, 0));
            pipe[0].write(RawPeer.frame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_SYN, 3, 0));
            pipe[0].flush();
            return null;
        });
        await(() -> raw.received.readableBytes() >= 24);
        ByteBuf first = onLoop(() -> raw.received.readSlice(12));
        ByteBuf second = onLoop(() -> raw.received.readSlice(12));
        assertThat(first.getShort(2)).isEqualTo((short) YamuxSession.FLAG_ACK);
        assertThat(second.getShort(2)).isEqualTo((short) YamuxSession.FLAG_RST);
        assertThat(second.getInt(4)).isEqualTo(3);
        assertThat(serverSide.streams).hasSize(1);

        onLoop(() -> {
            pipe[0].write(Unpooled.buffer(12).writeByte(1).writeZero(11));
            pipe[0].flush();
            return null;
        });
        await(() -> !server.isOpen());
        assertThat(serverSide.collectors.get(0).closedWithReset).isTrue();
    }
}
