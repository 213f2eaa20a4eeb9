package io.powerloom.sequencer.libp2p.internal.core;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.HostStats;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.internal.transport.Link;
import io.powerloom.sequencer.libp2p.internal.transport.TcpLink;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind {@link io.powerloom.sequencer.libp2p.Libp2pHost}: Netty event loops, TCP listeners
 * and dialer, connection upgrade, the handler registry, limits and counters.
 */
public final class HostCore {
    private static final Logger LOG = LoggerFactory.getLogger(HostCore.class);

    private final PrivateKey identity;
    private final PeerId peerId;
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final int maxConnections;
    private final int maxStreamsPerConnection;
    private final Duration handshakeTimeout;
    private final Duration keepAlive;
    private final EventLoopGroup group;
    private final Set<ConnectionImpl> connections = ConcurrentHashMap.newKeySet();
    private final List<Channel> servers = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> boundAddresses = new CopyOnWriteArrayList<>();
    private final AtomicInteger pendingConnections = new AtomicInteger();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger relayedConnections = new AtomicInteger();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final AtomicLong streamIds = new AtomicLong();
    private final Set<Channel> tcpChannels = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> connectionsPerIp = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pendingPerIp = new ConcurrentHashMap<>();
    private final LongAdder refusedPerIp = new LongAdder();
    private final LongAdder closedIdle = new LongAdder();
    private final LongAdder refusedRelayed = new LongAdder();
    private final LongAdder readPauses = new LongAdder();
    private volatile Admission admission = Admission.NONE;
    private volatile Set<PeerId> allowedRelays;
    private volatile boolean closed;

    /**
     * @param keepAlive interval of yamux pings on every connection ({@code Duration.ZERO}: none); a connection
     *                  whose ping is not answered within {@code max(keepAlive, 10 s)} is closed
     */
    public HostCore(
            PrivateKey identity,
            int maxConnections,
            int maxStreamsPerConnection,
            Duration handshakeTimeout,
            Duration keepAlive,
            int threads) {
        this.identity = identity;
        this.peerId = PeerId.fromPublicKey(identity.publicKey());
        this.maxConnections = maxConnections;
        this.maxStreamsPerConnection = maxStreamsPerConnection;
        this.handshakeTimeout = handshakeTimeout;
        this.keepAlive = keepAlive;
        this.group = new NioEventLoopGroup(
                threads,
                new DefaultThreadFactory(
                        "libp2p-"
                                + peerId.toString()
                                        .substring(Math.max(0, peerId.toString().length() - 6)),
                        true));
    }

    public PrivateKey identity() {
        return identity;
    }

    public PeerId peerId() {
        return peerId;
    }

    public EventLoopGroup group() {
        return group;
    }

    int maxStreamsPerConnection() {
        return maxStreamsPerConnection;
    }

    /**
     * Per-source limits on inbound direct connections; call before listening.
     *
     * @param maxConnectionsPerIp       established plus pending connections from one IP address
     * @param maxPendingPerIp           connections from one IP address still in their handshake
     * @param idleTimeout               an inbound direct connection with no stream open for this long is closed
     *                                  ({@code Duration.ZERO}: never)
     * @param maxQueuedBytes            bytes queued for sending on one TCP connection at which it stops reading
     *                                  until they drain (what a peer that never reads can make us hold)
     */
    public record Admission(int maxConnectionsPerIp, int maxPendingPerIp, Duration idleTimeout, int maxQueuedBytes) {
        static final Admission NONE = new Admission(Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ZERO, 256 * 1024);
    }

    public void admission(Admission a) {
        this.admission = a;
    }

    /** Relayed connections are accepted only through these relays (null: through any). */
    public void allowRelaysFrom(Set<PeerId> relays) {
        this.allowedRelays = relays == null ? null : Set.copyOf(relays);
    }

    /** Whether {@code relay} may deliver relayed connections to us; counts a refusal. */
    public boolean relayAllowed(PeerId relay) {
        Set<PeerId> allowed = allowedRelays;
        if (allowed == null || allowed.contains(relay)) {
            return true;
        }
        refusedRelayed.increment();
        return false;
    }

    /** Watches a TCP channel: its queued bytes count in the stats, and it stops reading while unwritable. */
    void watch(Channel ch) {
        int high = Math.max(2, admission.maxQueuedBytes());
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(high / 2, high));
        tcpChannels.add(ch);
        ch.closeFuture().addListener(f -> tcpChannels.remove(ch));
    }

    void countReadPause() {
        readPauses.increment();
    }

    private final LongAdder limitedCircuits = new LongAdder();

    /** Counts a relayed connection that its relay delivered with a duration or data limit. */
    public void countLimitedCircuit() {
        limitedCircuits.increment();
    }

    /** Streams open on {@code c} now (0 for a closed or foreign connection). */
    public int streamCount(Connection c) {
        return c instanceof ConnectionImpl impl && impl.isOpen()
                ? impl.session().streamCount()
                : 0;
    }

    /** The TCP channels open now (tests). */
    Set<Channel> tcpChannels() {
        return tcpChannels;
    }

    /** Bytes queued for sending on all TCP channels (Netty's outbound buffers). */
    long queuedBytes() {
        long n = 0;
        for (Channel ch : tcpChannels) {
            io.netty.channel.ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
            if (b != null) {
                n += b.totalPendingWriteBytes();
            }
        }
        return n;
    }

    /** Registers {@code handler} for inbound streams of {@code protocol}. */
    public void handle(String protocol, StreamHandler handler) {
        handlers.put(protocol, handler);
    }

    /** The handler for {@code protocol}, or null. */
    public StreamHandler handler(String protocol) {
        return handlers.get(protocol);
    }

    /** Protocols with a handler (for identify). */
    public List<String> protocols() {
        return new ArrayList<>(handlers.keySet());
    }

    /** Binds a TCP listener; completes with the bound address. */
    public CompletableFuture<Multiaddr> listen(Multiaddr addr) {
        CompletableFuture<Multiaddr> f = new CompletableFuture<>();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // one socket read per turn: bounds what a peer's bytes can make us answer before reading pauses
                .childOption(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        TcpLink link = new TcpLink(ch, HostCore.this::countReadPause);
                        ch.pipeline().addLast(link);
                        watch(ch);
                        ch.eventLoop().execute(() -> accept(link));
                    }
                });
        ChannelFuture bind = b.bind(addr.host(), addr.tcpPort());
        bind.addListener(done -> {
            if (!done.isSuccess()) {
                f.completeExceptionally(new Libp2pException(
                        Libp2pException.Kind.TRANSPORT,
                        "cannot listen on " + addr + ": " + done.cause().getMessage(),
                        done.cause()));
                return;
            }
            Channel ch = bind.channel();
            servers.add(ch);
            Multiaddr bound = Multiaddr.parse(TcpLink.toMultiaddr((InetSocketAddress) ch.localAddress()));
            boundAddresses.add(bound);
            f.complete(bound);
        });
        return f;
    }

    /** Bound listen addresses (without {@code /p2p}). */
    public List<Multiaddr> boundAddresses() {
        return List.copyOf(boundAddresses);
    }

    /**
     * Admits or refuses an inbound TCP connection. The per-IP checks are not atomic across event loops: at most
     * one connection per event loop beyond a limit can slip through at the same instant.
     */
    private void accept(TcpLink link) {
        String ip = ((InetSocketAddress) link.channel().remoteAddress())
                .getAddress()
                .getHostAddress();
        String refusal = null;
        if (closed || connections.size() + pendingConnections.get() >= maxConnections) {
            refusal = "limit of " + maxConnections + " connections";
        } else {
            Admission a = admission;
            AtomicInteger pending = pendingPerIp.computeIfAbsent(ip, k -> new AtomicInteger());
            AtomicInteger established = connectionsPerIp.computeIfAbsent(ip, k -> new AtomicInteger());
            if (pending.get() >= a.maxPendingPerIp()) {
                refusal = "limit of " + a.maxPendingPerIp() + " pending handshakes from " + ip;
            } else if (pending.get() + established.get() >= a.maxConnectionsPerIp()) {
                refusal = "limit of " + a.maxConnectionsPerIp() + " connections from " + ip;
            }
            if (refusal != null) {
                refusedPerIp.increment();
                forget(pendingPerIp, ip);
                forget(connectionsPerIp, ip);
            }
        }
        if (refusal != null) {
            rejected.increment();
            LOG.debug("refusing inbound connection from {}: {}", link.remoteAddress(), refusal);
            link.receiver(
                    new Link.Receiver() { // frees whatever arrived early
                        @Override
                        public void onData(io.netty.buffer.ByteBuf data) {}

                        @Override
                        public void onClose(Throwable cause) {}
                    });
            link.channel().close();
            return;
        }
        pendingPerIp.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
        track(Upgrader.start(this, link, false, null, false, handshakeTimeout), link.remoteAddress())
                .whenComplete((c, e) -> {
                    // on the link's event loop; count the connection before the handshake slot is freed
                    if (c != null) {
                        connectionsPerIp
                                .computeIfAbsent(ip, k -> new AtomicInteger())
                                .incrementAndGet();
                        c.closeFuture().whenComplete((v, x) -> release(connectionsPerIp, ip));
                        watchIdle(c);
                    }
                    release(pendingPerIp, ip);
                });
    }

    private static void release(Map<String, AtomicInteger> counts, String ip) {
        AtomicInteger n = counts.get(ip);
        if (n != null) {
            n.decrementAndGet();
            forget(counts, ip);
        }
    }

    /** Drops a per-IP counter that reached zero (so that the maps hold only sources with connections). */
    private static void forget(Map<String, AtomicInteger> counts, String ip) {
        counts.computeIfPresent(ip, (k, n) -> n.get() <= 0 ? null : n);
    }

    /** Closes {@code c} once it has had no stream for the idle timeout (checked every half timeout). */
    private void watchIdle(ConnectionImpl c) {
        Duration idle = admission.idleTimeout();
        if (idle.isZero() || idle.isNegative()) {
            return;
        }
        long idleNs = idle.toNanos();
        long[] since = {System.nanoTime()};
        long period = Math.max(1, idle.toMillis() / 2);
        io.netty.util.concurrent.ScheduledFuture<?>[] task = new io.netty.util.concurrent.ScheduledFuture<?>[1];
        task[0] = c.session()
                .eventLoop()
                .scheduleAtFixedRate(
                        () -> {
                            if (!c.isOpen()) {
                                task[0].cancel(false);
                                return;
                            }
                            long now = System.nanoTime();
                            if (c.session().streamCount() > 0) {
                                since[0] = now;
                            } else if (now - since[0] >= idleNs) {
                                task[0].cancel(false);
                                closedIdle.increment();
                                LOG.debug("closing {}: no stream for {}", c, idle);
                                c.close();
                            }
                        },
                        period,
                        period,
                        TimeUnit.MILLISECONDS);
        c.closeFuture().whenComplete((v, e) -> task[0].cancel(false));
    }

    /** Dials {@code /ip4|ip6|dns4/<host>/tcp/<port>[/p2p/<id>]} and upgrades the connection. */
    public CompletableFuture<Connection> dialDirect(Multiaddr addr) {
        CompletableFuture<Connection> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new Libp2pException(Libp2pException.Kind.CLOSED, "host is closed"));
            return f;
        }
        if (addr.host() == null || addr.tcpPort() <= 0) {
            f.completeExceptionally(
                    new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "not a TCP address: " + addr));
            return f;
        }
        PeerId expected = addr.peerId();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) handshakeTimeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new TcpLink(ch, HostCore.this::countReadPause));
                        watch(ch);
                    }
                });
        ChannelFuture connect = b.connect(addr.host(), addr.tcpPort());
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                f.completeExceptionally(new Libp2pException(
                        Libp2pException.Kind.TRANSPORT,
                        "cannot connect to " + addr + ": " + done.cause().getMessage(),
                        done.cause()));
                return;
            }
            TcpLink link = connect.channel().pipeline().get(TcpLink.class);
            track(Upgrader.start(this, link, true, expected, false, handshakeTimeout), addr.toString())
                    .whenComplete((c, e) -> {
                        if (e != null) {
                            f.completeExceptionally(e);
                        } else {
                            f.complete(c);
                        }
                    });
        });
        return f;
    }

    /** Whether one more connection fits under {@code maxConnections} (and the host is open). */
    public boolean hasConnectionCapacity() {
        return !closed && connections.size() + pendingConnections.get() < maxConnections;
    }

    /**
     * Runs a libp2p connection inside {@code link} (a relay stream): as initiator when we dialed through the
     * relay, as responder when the relay delivered a STOP connect. Call on the link's event loop.
     */
    public CompletableFuture<Connection> upgradeRelayed(Link link, boolean initiator, PeerId expected) {
        if (closed || connections.size() + pendingConnections.get() >= maxConnections) {
            rejected.increment();
            link.close();
            return CompletableFuture.failedFuture(new Libp2pException(
                    Libp2pException.Kind.LIMIT, "connection limit of " + maxConnections + " reached"));
        }
        return track(Upgrader.start(this, link, initiator, expected, true, handshakeTimeout), link.remoteAddress())
                .thenApply(c -> c);
    }

    private CompletableFuture<ConnectionImpl> track(CompletableFuture<ConnectionImpl> upgrade, String from) {
        pendingConnections.incrementAndGet();
        return upgrade.whenComplete((c, e) -> {
            pendingConnections.decrementAndGet();
            if (e != null) {
                LOG.debug("connection upgrade with {} failed: {}", from, e.getMessage());
            }
        });
    }

    ConnectionImpl newConnection(Link secure, boolean outbound, PeerId remote, boolean relayed) {
        ConnectionImpl c = new ConnectionImpl(this, secure, outbound, remote, relayed);
        connections.add(c);
        if (relayed) {
            relayedConnections.incrementAndGet();
        }
        if (closed) {
            c.close();
        } else if (!keepAlive.isZero()) {
            c.session()
                    .startKeepAlive(
                            keepAlive,
                            keepAlive.compareTo(Duration.ofSeconds(10)) > 0 ? keepAlive : Duration.ofSeconds(10));
        }
        return c;
    }

    void connectionClosed(ConnectionImpl c) {
        if (connections.remove(c) && c.relayed()) {
            relayedConnections.decrementAndGet();
        }
    }

    /** Open connections to {@code peer}. */
    public List<Connection> connectionsTo(PeerId peer) {
        List<Connection> out = new ArrayList<>();
        for (ConnectionImpl c : connections) {
            if (c.remotePeer().equals(peer) && c.isOpen()) {
                out.add(c);
            }
        }
        return out;
    }

    void streamOpened() {
        openStreams.incrementAndGet();
    }

    void streamClosed() {
        openStreams.decrementAndGet();
    }

    void addBytesIn(long n) {
        bytesIn.add(n);
    }

    void addBytesOut(long n) {
        bytesOut.add(n);
    }

    /** Counts a connection refused or failed before it was established. */
    public void countRejected() {
        rejected.increment();
    }

    long nextStreamId() {
        return streamIds.incrementAndGet();
    }

    public HostStats stats() {
        return new HostStats(
                connections.size(),
                relayedConnections.get(),
                openStreams.get(),
                bytesIn.sum(),
                bytesOut.sum(),
                rejected.sum(),
                refusedPerIp.sum(),
                refusedRelayed.sum(),
                closedIdle.sum(),
                queuedBytes(),
                readPauses.sum(),
                limitedCircuits.sum());
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes listeners and connections (go-away), then the event loops; waits up to {@code grace}. */
    public void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel s : servers) {
            s.close();
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ConnectionImpl c : connections) {
            closing.add(c.closeFuture());
            c.close();
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("not every connection closed within {}", grace);
        }
        group.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(grace.toMillis() + 1000);
    }
}
