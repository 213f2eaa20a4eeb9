package io.powerloom.sequencer.libp2p.kad;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.kad.KadMessage;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kademlia DHT client ({@code /ipfs/kad/1.0.0}, libp2p/specs kad-dht) in client mode, as go-libp2p nodes run it
 * on Powerloom's network: bootstraps from configured peers, finds peers (FIND_NODE), advertises
 * (ADD_PROVIDER) and looks up (GET_PROVIDERS) a rendezvous key. Lookups are iterative with {@code alpha} queries
 * in flight towards the {@code k} peers closest (XOR of SHA-256) to the key. This client answers no DHT queries.
 */
public final class KadDht {
    private static final Logger LOG = LoggerFactory.getLogger(KadDht.class);
    public static final String PROTOCOL = "/ipfs/kad/1.0.0";
    private static final int K = 20;
    private static final int ALPHA = 3;
    private static final int MAX_MESSAGE = 1 << 20;

    private final Libp2pHost host;
    private final Duration queryTimeout;
    /** Known peers (routing table, unbucketed: this client knows few peers) with their dialable addresses. */
    private final Map<PeerId, List<Multiaddr>> known = new ConcurrentHashMap<>();

    public KadDht(Libp2pHost host, Duration queryTimeout) {
        this.host = host;
        this.queryTimeout = queryTimeout;
    }

    /** The DHT key of a rendezvous string: the multihash (sha2-256) of CIDv1 raw of sha256(string). */
    public static byte[] rendezvousKey(String rendezvous) {
        byte[] h = sha256(rendezvous.getBytes(StandardCharsets.UTF_8));
        byte[] mh = new byte[34];
        mh[0] = 0x12;
        mh[1] = 0x20;
        System.arraycopy(h, 0, mh, 2, 32);
        return mh;
    }

    /** Adds bootstrap peers ({@code .../p2p/<id>}) and runs a lookup of our own id to fill the table. */
    public CompletableFuture<Integer> bootstrap(List<String> peers) {
        for (String p : peers) {
            Multiaddr m = Multiaddr.parse(p);
            if (m.peerId() == null) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "bootstrap peer without /p2p: " + p);
            }
            known.computeIfAbsent(m.peerId(), x -> new ArrayList<>()).add(m.withoutPeerId());
        }
        return findNode(host.peerId().bytes()).thenApply(found -> known.size());
    }

    /** Peers known now. */
    public Set<PeerId> knownPeers() {
        return Set.copyOf(known.keySet());
    }

    /** The dialable addresses ({@code .../p2p/<id>}) of a known peer. */
    public List<String> addresses(PeerId peer) {
        List<String> out = new ArrayList<>();
        for (Multiaddr m : known.getOrDefault(peer, List.of())) {
            out.add(m + "/p2p/" + peer);
        }
        return out;
    }

    /** Iterative FIND_NODE: the closest peers to {@code key} that answered. */
    public CompletableFuture<List<PeerId>> findNode(byte[] key) {
        return lookup(key, KadMessage.Type.FIND_NODE, null);
    }

    /** Advertises us as a provider of {@code key} to the {@code k} closest peers; completes with how many took it. */
    public CompletableFuture<Integer> provide(byte[] key) {
        List<byte[]> addrs = new ArrayList<>();
        for (String a : host.listenAddresses()) {
            addrs.add(Multiaddr.parse(a).withoutPeerId().toBytes());
        }
        KadMessage.Peer self = new KadMessage.Peer(host.peerId().bytes(), addrs);
        return findNode(key).thenCompose(closest -> {
            List<CompletableFuture<Boolean>> sends = new ArrayList<>();
            for (PeerId p : closest) {
                KadMessage m = new KadMessage(KadMessage.Type.ADD_PROVIDER, key, List.of(), List.of(self));
                sends.add(send(p, m, false).handle((r, e) -> e == null));
            }
            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .thenApply(v ->
                            (int) sends.stream().filter(CompletableFuture::join).count());
        });
    }

    /** Iterative GET_PROVIDERS: providers of {@code key} (other than us) with their addresses. */
    public CompletableFuture<Map<PeerId, List<String>>> findProviders(byte[] key) {
        Map<PeerId, List<String>> providers = new ConcurrentHashMap<>();
        return lookup(key, KadMessage.Type.GET_PROVIDERS, providers).thenApply(v -> {
            providers.remove(host.peerId());
            return new LinkedHashMap<>(providers);
        });
    }

    private CompletableFuture<List<PeerId>> lookup(
            byte[] key, KadMessage.Type type, Map<PeerId, List<String>> providers) {
        byte[] target = sha256(key);
        Lookup l = new Lookup(key, target, type, providers);
        known.keySet().stream().filter(p -> !p.equals(host.peerId())).forEach(l.candidates::add);
        l.next();
        return l.done;
    }

    /** One iterative lookup; its state is guarded by itself. */
    private final class Lookup {
        final byte[] key;
        final byte[] target;
        final KadMessage.Type type;
        final Map<PeerId, List<String>> providers;
        final Set<PeerId> candidates = new HashSet<>();
        final Set<PeerId> queried = new HashSet<>();
        final Set<PeerId> answered = new HashSet<>();
        int inFlight;
        final CompletableFuture<List<PeerId>> done = new CompletableFuture<>();

        Lookup(byte[] key, byte[] target, KadMessage.Type type, Map<PeerId, List<String>> providers) {
            this.key = key;
            this.target = target;
            this.type = type;
            this.providers = providers;
        }

        Comparator<PeerId> byDistance() {
            return Comparator.comparing(p -> distance(sha256(p.bytes()), target));
        }

        synchronized void next() {
            if (done.isDone()) {
                return;
            }
            List<PeerId> sorted = new ArrayList<>(candidates);
            sorted.sort(byDistance());
            List<PeerId> closestK = sorted.subList(0, Math.min(K, sorted.size()));
            for (PeerId p : closestK) {
                if (inFlight >= ALPHA) {
                    break;
                }
                if (queried.add(p)) {
                    inFlight++;
                    send(p, new KadMessage(type, key, List.of(), List.of()), true)
                            .whenComplete((r, e) -> onAnswer(p, r, e));
                }
            }
            if (inFlight == 0) {
                List<PeerId> result = new ArrayList<>(answered);
                result.sort(byDistance());
                done.complete(result.subList(0, Math.min(K, result.size())));
            }
        }

        private void onAnswer(PeerId p, KadMessage r, Throwable e) {
            synchronized (this) {
                inFlight--;
                if (e == null && r != null) {
                    answered.add(p);
                    for (KadMessage.Peer c : r.closerPeers()) {
                        PeerId id = learn(c);
                        if (id != null && !id.equals(host.peerId())) {
                            candidates.add(id);
                        }
                    }
                    if (providers != null) {
                        for (KadMessage.Peer c : r.providerPeers()) {
                            PeerId id = learn(c);
                            if (id != null) {
                                providers.put(id, addresses(id));
                            }
                        }
                    }
                } else {
                    candidates.remove(p);
                    LOG.debug("kad query to {} failed: {}", p, String.valueOf(e));
                }
            }
            next();
        }
    }

    /** Records a peer's TCP addresses; returns its id (null when malformed). */
    private PeerId learn(KadMessage.Peer p) {
        PeerId id;
        try {
            id = PeerId.fromBytes(p.id());
        } catch (RuntimeException e) {
            return null;
        }
        List<Multiaddr> addrs = new ArrayList<>();
        for (byte[] a : p.addrs()) {
            try {
                Multiaddr m = Multiaddr.fromBytes(a);
                if (m.tcpPort() > 0 && !m.isCircuit()) {
                    addrs.add(m.withoutPeerId());
                }
            } catch (RuntimeException unsupported) {
                // quic, websockets...: not dialable here
            }
        }
        if (!addrs.isEmpty()) {
            known.merge(id, addrs, (old, add) -> {
                List<Multiaddr> out = new ArrayList<>(old);
                add.stream().filter(a -> !out.contains(a)).forEach(out::add);
                return out;
            });
        }
        return id;
    }

    /** Sends one message on a new stream to {@code peer}; with {@code expectReply}, completes with the reply. */
    private CompletableFuture<KadMessage> send(PeerId peer, KadMessage m, boolean expectReply) {
        return connection(peer).thenCompose(c -> {
            CompletableFuture<KadMessage> reply = new CompletableFuture<>();
            ReplyReader reader = new ReplyReader(reply);
            return c.openStream(PROTOCOL, reader).thenCompose(s -> {
                byte[] body = m.encode();
                ByteBuf b = Unpooled.buffer(body.length + 5);
                Varint.write(b, body.length);
                b.writeBytes(body);
                s.write(b);
                if (!expectReply) {
                    s.close();
                    return CompletableFuture.completedFuture((KadMessage) null);
                }
                return reply.orTimeout(queryTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                s.reset();
                            } else {
                                s.close();
                            }
                        });
            });
        });
    }

    private CompletableFuture<Connection> connection(PeerId peer) {
        List<Connection> open = host.connectionsTo(peer);
        if (!open.isEmpty()) {
            return CompletableFuture.completedFuture(open.get(open.size() - 1));
        }
        List<String> addrs = addresses(peer);
        if (addrs.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "no address for " + peer));
        }
        return host.dial(addrs.get(0)).orTimeout(queryTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads one varint-length-prefixed reply. */
    private static final class ReplyReader implements StreamHandler {
        private final CompletableFuture<KadMessage> reply;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        ReplyReader(CompletableFuture<KadMessage> reply) {
            this.reply = reply;
        }

        @Override
        public void onOpen(StreamContext stream) {}

        @Override
        public void onData(StreamContext stream, ByteBuf data) {
            if (reply.isDone()) {
                return;
            }
            byte[] chunk = new byte[data.readableBytes()];
            data.readBytes(chunk);
            buf.writeBytes(chunk);
            byte[] all = buf.toByteArray();
            int[] pos = {0};
            try {
                long len = readVarint(all, pos);
                if (len < 0) {
                    return;
                }
                if (len > MAX_MESSAGE) {
                    reply.completeExceptionally(
                            new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "kad reply of " + len + " bytes"));
                    stream.reset();
                    return;
                }
                if (all.length - pos[0] >= len) {
                    byte[] msg = new byte[(int) len];
                    System.arraycopy(all, pos[0], msg, 0, msg.length);
                    reply.complete(KadMessage.decode(msg));
                }
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
                stream.reset();
            }
        }

        @Override
        public void onClose(StreamContext stream, boolean reset) {
            reply.completeExceptionally(new Libp2pException(Libp2pException.Kind.PROTOCOL, "kad stream closed"));
        }

        private static long readVarint(byte[] b, int[] pos) {
            long v = 0;
            for (int shift = 0, i = 0; i < 10; i++, shift += 7) {
                if (pos[0] >= b.length) {
                    return -1;
                }
                int x = b[pos[0]++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }
    }

    private static BigInteger distance(byte[] a, byte[] b) {
        byte[] x = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            x[i] = (byte) (a[i] ^ b[i]);
        }
        return new BigInteger(1, x);
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
