package io.powerloom.sequencer.libp2p.internal.pubsub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.crypto.PublicKey;
import io.powerloom.sequencer.libp2p.internal.transport.Cumulation;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import io.powerloom.sequencer.libp2p.pubsub.GossipStats;
import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;
import io.powerloom.sequencer.libp2p.pubsub.PubsubMessage;
import io.powerloom.sequencer.libp2p.pubsub.Rejection;
import io.powerloom.sequencer.libp2p.pubsub.RejectionListener;
import io.powerloom.sequencer.libp2p.pubsub.TopicHandler;
import io.powerloom.sequencer.libp2p.pubsub.Validation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GossipSub v1.2 router. Frames are read, decoded, signature-checked, de-duplicated and validated on the
 * stream's event loop (so this work spreads over the host's loops); mesh, gossip, control messages and sending run
 * on one router thread, which owns all router state.
 */
public final class GossipRouter {
    private static final Logger LOG = LoggerFactory.getLogger(GossipRouter.class);
    public static final String MESHSUB_V12 = "/meshsub/1.2.0";
    public static final String MESHSUB_V11 = "/meshsub/1.1.0";
    public static final String MESHSUB_V10 = "/meshsub/1.0.0";
    public static final List<String> PROTOCOLS = List.of(MESHSUB_V12, MESHSUB_V11, MESHSUB_V10);
    private static final byte[] SIGN_PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.UTF_8);
    private static final int IDONTWANT_TTL_HEARTBEATS = 3;
    private static final int MAX_IDONTWANT_PER_HEARTBEAT = 1000;
    private static final int MAX_PUBLISHER_KEYS = 10_000;

    private final GossipSubParams params;
    private final PrivateKey identity;
    private final PeerId self;
    private final byte[] selfBytes;
    private final Function<String, CompletableFuture<Connection>> dialer;
    private final ScheduledExecutorService exec;
    private final AtomicLong seqno = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    // Shared with event loops.
    private final Map<String, TopicHandler> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Seen> seenOrder = new ConcurrentLinkedQueue<>();
    private final Map<PeerId, PeerScore> scores = new ConcurrentHashMap<>();
    private final Map<String, Publisher> publisherKeys = new ConcurrentHashMap<>();
    private volatile RejectionListener rejectionListener = r -> {};
    private final Set<StreamContext> inboundStreams = ConcurrentHashMap.newKeySet();
    private volatile boolean inboundPaused;

    // Router thread only.
    private final Map<PeerId, PeerState> peers = new HashMap<>();
    private final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
    private final Map<String, Set<PeerId>> mesh = new HashMap<>();
    private final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
    private final ArrayDeque<List<String>> mcacheWindows = new ArrayDeque<>();
    private final Map<String, Cached> mcache = new HashMap<>();
    private long heartbeats;
    private volatile boolean closed;

    private final LongAdder received = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder graylisted = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile int peerCount;
    private volatile int meshCount;

    private record Seen(String id, long atNanos) {}

    /** A publisher whose key matched its {@code from}. */
    private record Publisher(PeerId id, byte[] keyField, PublicKey key) {}

    private record Cached(Rpc.Message message, Map<PeerId, Integer> iwantCounts) {}

    /** Router-side state of one neighbour. */
    private static final class PeerState {
        final PeerId id;
        Connection connection;
        OutboundStream out;
        boolean opening;
        String protocol;
        final Set<String> topics = new HashSet<>();
        final Map<String, Long> dontWant = new HashMap<>();
        int dontWantThisHeartbeat;
        int ihavesThisHeartbeat;
        int askedThisHeartbeat;
        final List<Rpc> queued = new ArrayList<>();
        final AtomicInteger pendingWrites = new AtomicInteger();

        PeerState(PeerId id) {
            this.id = id;
        }
    }

    public GossipRouter(
            GossipSubParams params, PrivateKey identity, Function<String, CompletableFuture<Connection>> dialer) {
        this.params = params;
        this.identity = identity;
        this.self = PeerId.fromPublicKey(identity.publicKey());
        this.selfBytes = self.bytes();
        this.dialer = dialer;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gossipsub-router");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < params.historyLength(); i++) {
            mcacheWindows.addFirst(new ArrayList<>());
        }
    }

    /** Starts the heartbeat. */
    public void start() {
        long ms = params.heartbeat().toMillis();
        exec.scheduleAtFixedRate(this::heartbeatSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    public PeerId self() {
        return self;
    }

    public void onRejected(RejectionListener listener) {
        this.rejectionListener = listener;
    }

    /** The handler for inbound {@code /meshsub/*} streams (register it on the host for every protocol). */
    public StreamHandler inboundHandler() {
        return new FrameReader(true);
    }

    // ---------------------------------------------------------------- public operations (any thread)

    public void subscribe(String topic, TopicHandler handler) {
        if (subscriptions.put(topic, handler) == null) {
            run(() -> {
                mesh.computeIfAbsent(topic, t -> new HashSet<>());
                Rpc rpc = Rpc.empty();
                rpc.subscriptions().add(new Rpc.SubOpts(true, topic));
                peers.values().forEach(p -> send(p, rpc));
            });
        }
    }

    public void unsubscribe(String topic) {
        if (subscriptions.remove(topic) != null) {
            run(() -> {
                Set<PeerId> m = mesh.remove(topic);
                for (PeerState p : peers.values()) {
                    Rpc rpc = Rpc.empty();
                    rpc.subscriptions().add(new Rpc.SubOpts(false, topic));
                    if (m != null && m.contains(p.id)) {
                        rpc.control().prune().add(new Rpc.Prune(topic, List.of(), 10));
                    }
                    send(p, rpc);
                }
            });
        }
    }

    /** Signs and publishes {@code data}; returns the hex message id. */
    public String publish(String topic, byte[] data) {
        return publishSigned(sign(topic, data));
    }

    /** A message signed by us with the next seqno, ready for {@link #publishSigned} (e.g. prepared ahead of time). */
    public Rpc.Message sign(String topic, byte[] data) {
        byte[] seq = ByteBuffer.allocate(8).putLong(seqno.incrementAndGet()).array();
        Rpc.Message unsigned = new Rpc.Message(selfBytes, data, seq, topic, null, null);
        byte[] signature = identity.sign(unsigned.signedInput(SIGN_PREFIX));
        byte[] key = self.publicKey() == null ? identity.publicKey().toProtobuf() : null;
        return new Rpc.Message(selfBytes, data, seq, topic, signature, key);
    }

    /** Publishes a message {@link #sign} made; returns the hex message id. */
    public String publishSigned(Rpc.Message m) {
        String topic = m.topic();
        String id = Rpc.id(concat(m.from(), m.seqno()));
        markSeen(id);
        published.increment();
        run(() -> {
            cache(id, m);
            Set<PeerId> targets = new HashSet<>(mesh.getOrDefault(topic, Set.of()));
            if (params.floodPublish() || targets.isEmpty()) {
                for (PeerId p : topicPeers.getOrDefault(topic, Set.of())) {
                    if (score(p) >= params.publishThreshold()) {
                        targets.add(p);
                    }
                }
            }
            Rpc rpc = Rpc.empty();
            rpc.publish().add(m);
            for (PeerId p : targets) {
                PeerState ps = peers.get(p);
                if (ps != null) {
                    send(ps, rpc);
                }
            }
        });
        return HexFormat.of().formatHex(concat(m.from(), m.seqno()));
    }

    /** Dials {@code multiaddr} and starts pubsub with the peer. */
    public CompletableFuture<PeerId> connect(String multiaddr) {
        return dialer.apply(multiaddr).thenApply(c -> {
            addConnection(c);
            return c.remotePeer();
        });
    }

    /** Starts pubsub on an established connection (opens our outbound stream). */
    public void addConnection(Connection c) {
        run(() -> attach(c));
    }

    /**
     * Stops (or resumes) reading every inbound pubsub stream, e.g. while the application's sink is behind; a paused
     * stream grants no flow-control window, so its sender stalls instead of us buffering.
     */
    public void setInboundPaused(boolean paused) {
        inboundPaused = paused;
        for (StreamContext s : inboundStreams) {
            s.setReadPaused(paused);
        }
    }

    public double score(PeerId peer) {
        PeerScore s = scores.get(peer);
        return s == null ? 0 : s.score();
    }

    /** Mesh peers of {@code topic} (a snapshot taken on the router thread). */
    public CompletableFuture<Set<PeerId>> meshPeers(String topic) {
        return call(() -> Set.copyOf(mesh.getOrDefault(topic, Set.of())));
    }

    /** Peers known to subscribe to {@code topic}. */
    public CompletableFuture<Set<PeerId>> topicPeers(String topic) {
        return call(() -> Set.copyOf(topicPeers.getOrDefault(topic, Set.of())));
    }

    public GossipStats stats() {
        return new GossipStats(
                peerCount,
                meshCount,
                received.sum(),
                delivered.sum(),
                duplicates.sum(),
                rejected.sum(),
                forwarded.sum(),
                published.sum(),
                graylisted.sum(),
                dropped.sum());
    }

    public void close() {
        closed = true;
        exec.shutdownNow();
    }

    // ---------------------------------------------------------------- inbound (event loops)

    /**
     * Reads length-prefixed RPC frames. One instance serves every inbound stream of a protocol (the host keeps one
     * handler per protocol), so the per-stream parsing state lives in {@link FrameState}, by stream id.
     */
    private final class FrameReader implements StreamHandler {
        private final boolean inbound;
        private final Map<Long, FrameState> states = new ConcurrentHashMap<>();

        FrameReader(boolean inbound) {
            this.inbound = inbound;
        }

        @Override
        public void onOpen(StreamContext stream) {
            states.put(stream.id(), new FrameState());
            if (inbound) {
                inboundStreams.add(stream);
                if (inboundPaused) {
                    stream.setReadPaused(true);
                }
            }
            if (inbound && stream instanceof OutboundStream os) {
                Connection c = os.connection();
                run(() -> {
                    PeerState p = attach(c);
                    if (p != null && p.protocol == null) {
                        p.protocol = stream.protocol();
                    }
                });
            }
        }

        @Override
        public void onData(StreamContext stream, ByteBuf data) {
            FrameState st = states.get(stream.id());
            if (st == null) {
                return; // reset by us already
            }
            ByteBuf in = st.cumulation.begin(data);
            List<Runnable> work = new ArrayList<>(4);
            try {
                while (true) {
                    if (st.frameLength < 0) {
                        int mark = in.readerIndex();
                        long len = Varint.read(in);
                        if (len == Varint.INCOMPLETE) {
                            in.readerIndex(mark);
                            break;
                        }
                        if (len > params.maxMessageSize()) {
                            refuse(stream.remotePeer(), Rejection.Reason.OVERSIZED, null, null, null, len);
                            abort(stream, st, in);
                            return;
                        }
                        st.frameLength = len;
                    }
                    if (in.readableBytes() < st.frameLength) {
                        break;
                    }
                    byte[] frame = new byte[(int) st.frameLength];
                    in.readBytes(frame);
                    st.frameLength = -1;
                    if (!onFrame(stream.remotePeer(), frame, work)) {
                        abort(stream, st, in);
                        return;
                    }
                }
                st.cumulation.end(in);
            } catch (Libp2pException e) {
                LOG.info("malformed pubsub frame from {}: {}", stream.remotePeer(), e.getMessage());
                refuse(stream.remotePeer(), Rejection.Reason.MALFORMED_RPC, null, null, null, data.readableBytes());
                abort(stream, st, in);
            } finally {
                // one hand-over to the router thread per read, not per frame
                if (work.size() == 1) {
                    run(work.get(0));
                } else if (!work.isEmpty()) {
                    run(() -> work.forEach(r -> {
                        try {
                            r.run();
                        } catch (RuntimeException e) {
                            LOG.error("gossipsub router task failed", e);
                        }
                    }));
                }
            }
        }

        private void abort(StreamContext stream, FrameState st, ByteBuf in) {
            in.skipBytes(in.readableBytes());
            if (states.remove(stream.id()) != null) {
                st.cumulation.release();
            }
            stream.reset();
        }

        @Override
        public void onClose(StreamContext stream, boolean reset) {
            inboundStreams.remove(stream);
            FrameState st = states.remove(stream.id());
            if (st != null) {
                st.cumulation.release();
            }
        }
    }

    /** Parsing state of one stream. */
    private static final class FrameState {
        final Cumulation cumulation = new Cumulation(io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        long frameLength = -1;
    }

    /** Handles one RPC from {@code from}; false when the stream should be reset. */
    private boolean onFrame(PeerId from, byte[] frame, List<Runnable> work) {
        Rpc rpc;
        try {
            rpc = Rpc.decode(frame);
        } catch (RuntimeException e) {
            LOG.info("malformed pubsub RPC of {} bytes from {}: {}", frame.length, from, e.getMessage());
            refuse(from, Rejection.Reason.MALFORMED_RPC, null, null, null, frame.length);
            return false;
        }
        if (score(from) < params.graylistThreshold()) {
            graylisted.increment();
            return true;
        }
        List<Accepted> accepted = new ArrayList<>();
        for (Rpc.Message m : rpc.publish()) {
            Accepted a = onMessage(from, m);
            if (a != null) {
                accepted.add(a);
            }
        }
        if (!rpc.subscriptions().isEmpty()
                || rpc.control() != null && !rpc.control().isEmpty()
                || !accepted.isEmpty()) {
            work.add(() -> routerHandle(from, rpc, accepted));
        }
        return true;
    }

    private record Accepted(String id, Rpc.Message message, PeerId publisher) {}

    private Accepted onMessage(PeerId source, Rpc.Message m) {
        received.increment();
        String topic = m.topic();
        long size = m.data() == null ? 0 : m.data().length;
        if (m.from() == null || m.seqno() == null || m.signature() == null) {
            refuse(source, Rejection.Reason.INVALID_SIGNATURE, topic, null, m.data(), size);
            return null;
        }
        byte[] idBytes = concat(m.from(), m.seqno());
        String id = Rpc.id(idBytes);
        TopicHandler handler = topic == null ? null : subscriptions.get(topic);
        if (handler == null) {
            refuse(source, Rejection.Reason.FOREIGN_TOPIC, topic, HexFormat.of().formatHex(idBytes), m.data(), size);
            return null;
        }
        // a copy of a message already delivered costs no verification; a copy that failed verification was not
        // marked seen, so a forged copy carrying a real message's id cannot shut out the real one
        if (seen.containsKey(id)) {
            duplicates.increment();
            return null;
        }
        PeerId publisher;
        try {
            Publisher pub = publisher(m);
            publisher = pub != null && pub.key().verify(m.signedInput(SIGN_PREFIX), m.signature()) ? pub.id() : null;
        } catch (RuntimeException e) { // a key or signature that does not even parse
            publisher = null;
        }
        if (publisher == null) {
            refuse(
                    source,
                    Rejection.Reason.INVALID_SIGNATURE,
                    topic,
                    HexFormat.of().formatHex(idBytes),
                    m.data(),
                    size);
            return null;
        }
        if (!markSeen(id)) {
            duplicates.increment();
            return null;
        }
        Validation v;
        try {
            v = handler.onMessage(
                    new PubsubMessage(publisher, m.seqno(), topic, m.data() == null ? new byte[0] : m.data(), source));
        } catch (RuntimeException e) {
            LOG.warn("topic handler of {} failed; message ignored", topic, e);
            v = Validation.IGNORE;
        }
        switch (v) {
            case ACCEPT -> {
                delivered.increment();
                return new Accepted(id, m, publisher);
            }
            case REJECT -> {
                rejected.increment();
                penalise(source);
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The publisher of {@code m} with its key checked against {@code from}, or null when they do not match. Checked
     * keys are kept by {@code from} (decoded once, not per message; at most {@link #MAX_PUBLISHER_KEYS}); a message
     * whose {@code key} field differs from the kept one is checked afresh.
     */
    private Publisher publisher(Rpc.Message m) {
        String from = Rpc.id(m.from());
        Publisher kept = publisherKeys.get(from);
        if (kept != null && (m.key() == null || java.util.Arrays.equals(m.key(), kept.keyField()))) {
            return kept;
        }
        PeerId id = PeerId.fromBytes(m.from());
        PublicKey key = m.key() != null ? Keys.decodePublicKey(m.key()) : id.publicKey();
        if (key == null || !id.matches(key)) {
            return null;
        }
        if (publisherKeys.size() >= MAX_PUBLISHER_KEYS) {
            publisherKeys.clear();
        }
        Publisher p = new Publisher(id, m.key(), key);
        publisherKeys.put(from, p);
        return p;
    }

    private void refuse(PeerId peer, Rejection.Reason reason, String topic, String id, byte[] data, long size) {
        rejected.increment();
        penalise(peer);
        LOG.debug("refused pubsub message from {}: {} (topic {})", peer, reason, topic);
        try {
            rejectionListener.onRejected(new Rejection(peer, reason, topic, id, data, size));
        } catch (RuntimeException e) {
            LOG.warn("rejection listener failed", e);
        }
    }

    private void penalise(PeerId peer) {
        scores.computeIfAbsent(peer, p -> new PeerScore(params)).invalidDelivery();
    }

    private boolean markSeen(String id) {
        if (seen.putIfAbsent(id, 0L) != null) {
            return false;
        }
        seenOrder.add(new Seen(id, System.nanoTime()));
        return true;
    }

    // ---------------------------------------------------------------- router thread

    private void routerHandle(PeerId from, Rpc rpc, List<Accepted> accepted) {
        PeerState p = peers.get(from);
        if (p == null) {
            return;
        }
        for (Rpc.SubOpts s : rpc.subscriptions()) {
            if (s.subscribe()) {
                if (p.topics.add(s.topic())) {
                    topicPeers.computeIfAbsent(s.topic(), t -> new HashSet<>()).add(from);
                }
            } else {
                p.topics.remove(s.topic());
                Set<PeerId> tp = topicPeers.get(s.topic());
                if (tp != null) {
                    tp.remove(from);
                }
                Set<PeerId> m = mesh.get(s.topic());
                if (m != null) {
                    m.remove(from);
                }
            }
        }
        Rpc reply = Rpc.empty();
        Rpc.Control c = rpc.control();
        if (c != null) {
            for (List<String> ids : c.idontwant()) {
                for (String id : ids) {
                    if (p.dontWantThisHeartbeat++ < MAX_IDONTWANT_PER_HEARTBEAT) {
                        p.dontWant.put(id, heartbeats + IDONTWANT_TTL_HEARTBEATS);
                    }
                }
            }
            handleGraft(p, c.graft(), reply);
            handlePrune(p, c.prune());
            handleIHave(p, c.ihave(), reply);
            handleIWant(p, c.iwant(), reply);
        }
        if (!reply.isEmpty()) {
            send(p, reply);
        }
        for (Accepted a : accepted) {
            forward(a.id(), a.message(), from, a.publisher());
        }
    }

    private void handleGraft(PeerState p, List<String> topics, Rpc reply) {
        double score = score(p.id);
        for (String topic : topics) {
            Set<PeerId> m = mesh.get(topic);
            if (m == null) {
                reply.control().prune().add(new Rpc.Prune(topic, List.of(), -1));
                continue;
            }
            if (m.contains(p.id)) {
                continue;
            }
            Long until = backoff.getOrDefault(topic, Map.of()).get(p.id);
            if (until != null && until > System.nanoTime()) {
                scores.computeIfAbsent(p.id, x -> new PeerScore(params)).misbehaved(1);
                reply.control().prune().add(prune(topic, p.id, false));
                continue;
            }
            if (score < 0 || (m.size() >= params.dHi() && !p.connection.outbound())) {
                reply.control().prune().add(prune(topic, p.id, score >= 0));
                continue;
            }
            m.add(p.id);
        }
    }

    private Rpc.Prune prune(String topic, PeerId peer, boolean px) {
        backoff.computeIfAbsent(topic, t -> new HashMap<>())
                .put(peer, System.nanoTime() + params.pruneBackoff().toNanos());
        List<Rpc.PeerInfo> exchange = new ArrayList<>();
        if (px) {
            List<PeerId> candidates = new ArrayList<>(topicPeers.getOrDefault(topic, Set.of()));
            candidates.remove(peer);
            Collections.shuffle(candidates);
            for (PeerId c : candidates) {
                if (exchange.size() >= params.prunePeers()) {
                    break;
                }
                if (score(c) >= 0) {
                    exchange.add(new Rpc.PeerInfo(c.bytes(), null));
                }
            }
        }
        return new Rpc.Prune(topic, exchange, params.pruneBackoff().toSeconds());
    }

    private void handlePrune(PeerState p, List<Rpc.Prune> prunes) {
        for (Rpc.Prune pr : prunes) {
            Set<PeerId> m = mesh.get(pr.topic());
            if (m != null) {
                m.remove(p.id);
            }
            long secs = pr.backoffSeconds() >= 0
                    ? pr.backoffSeconds()
                    : params.pruneBackoff().toSeconds();
            backoff.computeIfAbsent(pr.topic(), t -> new HashMap<>())
                    .put(p.id, System.nanoTime() + TimeUnit.SECONDS.toNanos(secs));
            if (!pr.peers().isEmpty() && score(p.id) >= params.acceptPxThreshold()) {
                int dialed = 0;
                for (Rpc.PeerInfo info : pr.peers()) {
                    if (dialed >= params.prunePeers() || info.signedPeerRecord() == null) {
                        continue;
                    }
                    SignedPeerRecord rec = SignedPeerRecord.verify(info.signedPeerRecord());
                    if (rec == null || rec.peer().equals(self) || peers.containsKey(rec.peer())) {
                        continue;
                    }
                    for (Multiaddr a : rec.addresses()) {
                        if (a.tcpPort() > 0 && !a.isCircuit()) {
                            dialed++;
                            String addr = a.withoutPeerId() + "/p2p/" + rec.peer();
                            connect(addr).exceptionally(e -> {
                                LOG.debug("peer exchange dial {} failed: {}", addr, e.toString());
                                return null;
                            });
                            break;
                        }
                    }
                }
            }
        }
    }

    private void handleIHave(PeerState p, List<Rpc.IHave> ihaves, Rpc reply) {
        if (ihaves.isEmpty() || score(p.id) < params.gossipThreshold()) {
            return;
        }
        List<String> want = new ArrayList<>();
        for (Rpc.IHave ih : ihaves) {
            if (++p.ihavesThisHeartbeat > params.maxIHaveMessages()) {
                return;
            }
            if (!subscriptions.containsKey(ih.topic())) {
                continue;
            }
            for (String id : ih.messageIds()) {
                if (p.askedThisHeartbeat >= params.maxIHaveLength()) {
                    break;
                }
                if (!seen.containsKey(id)) {
                    want.add(id);
                    p.askedThisHeartbeat++;
                }
            }
        }
        if (!want.isEmpty()) {
            reply.control().iwant().add(want);
        }
    }

    private void handleIWant(PeerState p, List<List<String>> iwants, Rpc reply) {
        if (iwants.isEmpty() || score(p.id) < params.gossipThreshold()) {
            return;
        }
        for (List<String> ids : iwants) {
            for (String id : ids) {
                Cached c = mcache.get(id);
                if (c == null) {
                    continue;
                }
                int n = c.iwantCounts().merge(p.id, 1, Integer::sum);
                if (n <= params.gossipRetransmission()) {
                    reply.publish().add(c.message());
                }
            }
        }
    }

    private void forward(String id, Rpc.Message m, PeerId source, PeerId publisher) {
        cache(id, m);
        Set<PeerId> targets = mesh.getOrDefault(m.topic(), Set.of());
        boolean big = m.data() != null && m.data().length >= params.idontwantThreshold();
        Rpc fwd = Rpc.empty();
        fwd.publish().add(m);
        for (PeerId t : targets) {
            if (t.equals(source) || t.equals(publisher)) {
                continue;
            }
            PeerState ps = peers.get(t);
            if (ps == null) {
                continue;
            }
            if (big && MESHSUB_V12.equals(ps.protocol)) {
                Rpc dw = Rpc.empty();
                dw.control().idontwant().add(List.of(id));
                send(ps, dw);
            }
            if (ps.dontWant.containsKey(id)) {
                continue;
            }
            forwarded.increment();
            send(ps, fwd);
        }
    }

    private void cache(String id, Rpc.Message m) {
        if (mcache.putIfAbsent(id, new Cached(m, new HashMap<>())) == null) {
            mcacheWindows.peekFirst().add(id);
        }
    }

    private PeerState attach(Connection c) {
        if (closed || !c.isOpen()) {
            return null;
        }
        PeerState p = peers.get(c.remotePeer());
        if (p == null) {
            p = new PeerState(c.remotePeer());
            peers.put(p.id, p);
            peerCount = peers.size();
            PeerState state = p;
            c.closeFuture().whenComplete((v, e) -> run(() -> detach(state, c)));
        }
        if (p.connection == null || !p.connection.isOpen()) {
            p.connection = c;
        }
        if (p.out == null && !p.opening) {
            openOutbound(p, 0);
        }
        return p;
    }

    private void openOutbound(PeerState p, int protocolIndex) {
        p.opening = true;
        Connection c = p.connection;
        c.openStream(PROTOCOLS.get(protocolIndex), new FrameReader(false))
                .whenComplete((s, e) -> run(() -> {
                    if (e != null) {
                        if (protocolIndex + 1 < PROTOCOLS.size() && c.isOpen() && isNegotiation(e)) {
                            openOutbound(p, protocolIndex + 1);
                        } else {
                            p.opening = false;
                            LOG.debug("no pubsub stream to {}: {}", p.id, e.toString());
                        }
                        return;
                    }
                    p.opening = false;
                    if (peers.get(p.id) != p) {
                        s.reset();
                        return;
                    }
                    p.out = s;
                    p.protocol = s.protocol();
                    Rpc hello = Rpc.empty();
                    subscriptions.keySet().forEach(t -> hello.subscriptions().add(new Rpc.SubOpts(true, t)));
                    write(p, hello);
                    for (Rpc q : p.queued) {
                        write(p, q);
                    }
                    p.queued.clear();
                }));
    }

    private static boolean isNegotiation(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof Libp2pException le && le.kind() == Libp2pException.Kind.NEGOTIATION;
    }

    private void detach(PeerState p, Connection c) {
        if (peers.get(p.id) != p || p.connection != c) {
            return;
        }
        peers.remove(p.id);
        peerCount = peers.size();
        for (String t : p.topics) {
            Set<PeerId> tp = topicPeers.get(t);
            if (tp != null) {
                tp.remove(p.id);
            }
        }
        mesh.values().forEach(m -> m.remove(p.id));
    }

    private void send(PeerState p, Rpc rpc) {
        if (p.out == null) {
            if (p.queued.size() < params.maxPendingWrites()) {
                p.queued.add(rpc);
            } else {
                dropped.increment();
            }
            if (!p.opening && p.connection != null && p.connection.isOpen()) {
                openOutbound(p, 0);
            }
            return;
        }
        write(p, rpc);
    }

    private void write(PeerState p, Rpc rpc) {
        if (p.pendingWrites.get() >= params.maxPendingWrites()) {
            dropped.increment();
            return;
        }
        byte[] body = rpc.encode();
        ByteBuf b = Unpooled.buffer(body.length + 5);
        Varint.write(b, body.length);
        b.writeBytes(body);
        p.pendingWrites.incrementAndGet();
        OutboundStream out = p.out;
        out.write(b).whenComplete((v, e) -> {
            p.pendingWrites.decrementAndGet();
            if (e != null) {
                run(() -> {
                    if (p.out == out) {
                        p.out = null;
                    }
                });
            }
        });
    }

    private void heartbeatSafely() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            LOG.error("gossipsub heartbeat failed", e);
        }
    }

    private void heartbeat() {
        heartbeats++;
        long now = System.nanoTime();
        scores.entrySet().removeIf(e -> e.getValue().decay() && !peers.containsKey(e.getKey()));
        for (PeerState p : peers.values()) {
            p.ihavesThisHeartbeat = 0;
            p.askedThisHeartbeat = 0;
            p.dontWantThisHeartbeat = 0;
            p.dontWant.values().removeIf(exp -> exp <= heartbeats);
        }
        for (Map<PeerId, Long> b : backoff.values()) {
            b.values().removeIf(until -> until <= now);
        }
        Map<PeerId, Rpc> out = new LinkedHashMap<>();
        int meshTotal = 0;
        for (String topic : subscriptions.keySet()) {
            Set<PeerId> m = mesh.computeIfAbsent(topic, t -> new HashSet<>());
            maintainMesh(topic, m, out);
            meshTotal += m.size();
            emitGossip(topic, m, out);
        }
        meshCount = meshTotal;
        out.forEach((peer, rpc) -> {
            PeerState p = peers.get(peer);
            if (p != null) {
                send(p, rpc);
            }
        });
        // message cache shift
        List<String> oldest = mcacheWindows.pollLast();
        if (oldest != null) {
            oldest.forEach(mcache::remove);
        }
        mcacheWindows.addFirst(new ArrayList<>());
        // seen cache expiry
        long ttl = params.seenTtl().toNanos();
        for (Seen s = seenOrder.peek(); s != null && now - s.atNanos() > ttl; s = seenOrder.peek()) {
            seenOrder.poll();
            seen.remove(s.id());
        }
    }

    private void maintainMesh(String topic, Set<PeerId> m, Map<PeerId, Rpc> out) {
        for (Iterator<PeerId> it = m.iterator(); it.hasNext(); ) {
            PeerId p = it.next();
            if (!peers.containsKey(p) || score(p) < 0) {
                it.remove();
                if (peers.containsKey(p)) {
                    rpcFor(out, p).control().prune().add(prune(topic, p, false));
                }
            }
        }
        if (m.size() < params.dLo()) {
            List<PeerId> candidates = new ArrayList<>();
            Map<PeerId, Long> bo = backoff.getOrDefault(topic, Map.of());
            for (PeerId p : topicPeers.getOrDefault(topic, Set.of())) {
                if (!m.contains(p) && !bo.containsKey(p) && score(p) >= 0 && peers.containsKey(p)) {
                    candidates.add(p);
                }
            }
            Collections.shuffle(candidates);
            for (PeerId p : candidates) {
                if (m.size() >= params.d()) {
                    break;
                }
                m.add(p);
                rpcFor(out, p).control().graft().add(topic);
            }
        }
        if (m.size() > params.dHi()) {
            List<PeerId> sorted = new ArrayList<>(m);
            Collections.shuffle(sorted);
            sorted.sort((a, b) -> Double.compare(score(b), score(a)));
            List<PeerId> keep = new ArrayList<>(sorted.subList(0, params.d()));
            long outbound = keep.stream().filter(this::isOutbound).count();
            for (PeerId p : sorted.subList(params.d(), sorted.size())) {
                if (outbound >= params.dOut()) {
                    break;
                }
                if (isOutbound(p)) {
                    // swap in an outbound peer for the lowest-ranked inbound one
                    for (int i = keep.size() - 1; i >= 0; i--) {
                        if (!isOutbound(keep.get(i))) {
                            keep.set(i, p);
                            outbound++;
                            break;
                        }
                    }
                }
            }
            for (PeerId p : sorted) {
                if (!keep.contains(p)) {
                    m.remove(p);
                    rpcFor(out, p).control().prune().add(prune(topic, p, true));
                }
            }
        }
    }

    private boolean isOutbound(PeerId p) {
        PeerState s = peers.get(p);
        return s != null && s.connection != null && s.connection.outbound();
    }

    private void emitGossip(String topic, Set<PeerId> m, Map<PeerId, Rpc> out) {
        List<PeerId> candidates = new ArrayList<>();
        for (PeerId p : topicPeers.getOrDefault(topic, Set.of())) {
            if (!m.contains(p) && score(p) >= params.gossipThreshold() && peers.containsKey(p)) {
                candidates.add(p);
            }
        }
        if (candidates.isEmpty()) {
            return; // nobody to gossip to: do not walk the message cache
        }
        List<String> ids = new ArrayList<>();
        Iterator<List<String>> w = mcacheWindows.iterator();
        for (int i = 0; i < params.historyGossip() && w.hasNext(); i++) {
            for (String id : w.next()) {
                Cached c = mcache.get(id);
                if (c != null && topic.equals(c.message().topic())) {
                    ids.add(id);
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        if (ids.size() > params.maxIHaveLength()) {
            Collections.shuffle(ids);
            ids = ids.subList(0, params.maxIHaveLength());
        }
        Collections.shuffle(candidates, ThreadLocalRandom.current());
        for (PeerId p : candidates.subList(0, Math.min(params.dLazy(), candidates.size()))) {
            rpcFor(out, p).control().ihave().add(new Rpc.IHave(topic, new ArrayList<>(ids)));
        }
    }

    private static Rpc rpcFor(Map<PeerId, Rpc> out, PeerId p) {
        return out.computeIfAbsent(p, x -> Rpc.empty());
    }

    private void run(Runnable r) {
        if (closed) {
            return;
        }
        try {
            exec.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("gossipsub router task failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closing
        }
    }

    private <T> CompletableFuture<T> call(java.util.function.Supplier<T> s) {
        CompletableFuture<T> f = new CompletableFuture<>();
        run(() -> f.complete(s.get()));
        return f;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
