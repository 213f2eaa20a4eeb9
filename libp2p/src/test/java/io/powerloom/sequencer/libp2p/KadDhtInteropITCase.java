package io.powerloom.sequencer.libp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.powerloom.sequencer.infra.NodeScript;
import io.powerloom.sequencer.libp2p.kad.KadDht;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our Kademlia client against js-libp2p {@code @libp2p/kad-dht}: a bootstrap node in server mode, snapshotter-like
 * nodes in client mode that advertise the rendezvous; we find them from the bootstrap address alone and they find
 * us once we advertise.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KadDhtInteropITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String RENDEZVOUS = "powerloom-test-rendezvous";

    private final List<NodeScript> peers = new ArrayList<>();
    private Libp2pHost host;

    @AfterEach
    void tearDown() throws Exception {
        if (host != null) host.close();
        for (NodeScript p : peers) p.close();
    }

    @Test
    void findsTheRendezvousProvidersFromTheBootstrapAddressAndIsFoundInTurn() throws Exception {
        NodeScript boot = JsPeer.start("gossip-node.mjs", "--dht", "server");
        peers.add(boot);
        String bootAddr = JsPeer.firstAddr(boot.await("READY", WAIT));
        Set<String> providers = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            NodeScript p =
                    JsPeer.start("gossip-node.mjs", "--dht", "client", "--connect", bootAddr, "--provide", RENDEZVOUS);
            peers.add(p);
            providers.add(JsPeer.field(p.await("READY", WAIT), "peerId"));
        }
        host = Libp2pHost.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        host.start().join();
        KadDht dht = new KadDht(host, Duration.ofSeconds(5));
        dht.bootstrap(List.of(bootAddr)).get(20, TimeUnit.SECONDS);
        byte[] key = KadDht.rendezvousKey(RENDEZVOUS);
        Map<PeerId, List<String>> found = dht.findProviders(key).get(20, TimeUnit.SECONDS);
        Set<String> ids = new HashSet<>();
        found.keySet().forEach(p -> ids.add(p.toString()));
        assertEquals(providers, ids);
        for (List<String> addrs : found.values()) {
            assertTrue(!addrs.isEmpty(), "providers come with addresses: " + found);
            host.dial(addrs.get(0)).get(10, TimeUnit.SECONDS);
        }

        assertTrue(dht.provide(key).get(20, TimeUnit.SECONDS) >= 1, "the bootstrap server took our record");
        NodeScript asker = peers.get(1);
        asker.send("{\"cmd\":\"findProviders\",\"key\":\"" + RENDEZVOUS + "\"}");
        String reply = asker.await("PROVIDERS", WAIT);
        assertTrue(reply.contains(host.peerId().toString()), reply);
    }
}
