package io.powerloom.sequencer.bridge.gossip;

import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.kad.KadDht;
import io.powerloom.sequencer.libp2p.pubsub.GossipSub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the mesh and lets the mesh find us, as a go node does: dials the bootstrap peers (pubsub starts on each),
 * bootstraps the Kademlia DHT from them, advertises the rendezvous key and, every {@code interval}, looks up its
 * providers and starts pubsub with those not yet connected (at most {@code maxPeers} pubsub peers).
 */
public final class GossipDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GossipDiscovery.class);

    private final GossipSettings settings;
    private final GossipSub gossip;
    private final KadDht dht;
    private final Duration interval;
    private final int maxPeers;
    private final ScheduledExecutorService timer;
    private final Set<PeerId> connected = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean advertised;

    public GossipDiscovery(
            GossipSettings settings, Libp2pHost host, GossipSub gossip, Duration interval, int maxPeers) {
        this.settings = settings;
        this.gossip = gossip;
        this.dht = new KadDht(host, Duration.ofSeconds(10));
        this.interval = interval;
        this.maxPeers = maxPeers;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gossip-discovery");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        for (String peer : settings.bootstrapPeers()) {
            gossip.connect(peer).whenComplete((id, e) -> {
                if (e != null) {
                    LOG.warn("gossipsub bootstrap peer {} not reachable: {}", peer, e.toString());
                } else {
                    connected.add(id);
                }
            });
        }
        timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether our rendezvous record was taken by at least one DHT peer. */
    public boolean advertised() {
        return advertised;
    }

    /** Peers we started pubsub with (bootstrap and discovered). */
    public Set<PeerId> connected() {
        return Set.copyOf(connected);
    }

    private void round() {
        if (settings.bootstrapPeers().isEmpty() || !running.compareAndSet(false, true)) {
            return;
        }
        byte[] key = KadDht.rendezvousKey(settings.rendezvous());
        try {
            if (dht.knownPeers().isEmpty() || !advertised) {
                dht.bootstrap(settings.bootstrapPeers()).get(30, TimeUnit.SECONDS);
            }
            if (!advertised) {
                advertised = dht.provide(key).get(30, TimeUnit.SECONDS) > 0;
            }
            Map<PeerId, List<String>> providers = dht.findProviders(key).get(30, TimeUnit.SECONDS);
            for (Map.Entry<PeerId, List<String>> e : providers.entrySet()) {
                if (connected.size() >= maxPeers
                        || connected.contains(e.getKey())
                        || e.getValue().isEmpty()) {
                    continue;
                }
                gossip.connect(e.getValue().get(0)).whenComplete((id, err) -> {
                    if (err == null) {
                        connected.add(id);
                    } else {
                        LOG.debug("discovered peer {} not reachable: {}", e.getKey(), err.toString());
                    }
                });
            }
        } catch (Exception e) {
            LOG.warn("gossip discovery round failed: {}", e.toString());
        } finally {
            running.set(false);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
