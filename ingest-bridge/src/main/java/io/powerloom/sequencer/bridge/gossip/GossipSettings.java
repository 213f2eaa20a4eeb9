package io.powerloom.sequencer.bridge.gossip;

import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;
import java.util.List;

/**
 * The bridge's gossipsub settings, read once from the {@code gossip.*} keys of {@link BridgeConfig}.
 *
 * @param enabled        {@code gossip.enabled}: run the gossipsub source
 * @param topicPrefix    {@code gossip.topic.prefix}: the network's topic prefix (SPEC §11); submissions on
 *                       {@code {prefix}/all}, epoch-0 submissions and heartbeats on {@code {prefix}/0}
 * @param bootstrapPeers {@code gossip.bootstrap.peers}: multiaddrs ({@code .../p2p/<id>}) dialed at start
 * @param rendezvous     {@code gossip.rendezvous}: the rendezvous string advertised and looked up in the DHT
 * @param params         router parameters ({@code gossip.heartbeat}, {@code gossip.max.message.bytes},
 *                       {@code gossip.prune.backoff}; mesh degrees are Powerloom's)
 */
public record GossipSettings(
        boolean enabled, String topicPrefix, List<String> bootstrapPeers, String rendezvous, GossipSubParams params) {
    /** Topic suffix of submissions. */
    public static final String ALL = "/all";
    /** Topic suffix of epoch-0 (simulation) submissions and heartbeats. */
    public static final String EPOCH_ZERO = "/0";

    public static GossipSettings from(BridgeConfig config) {
        GossipSubParams p = GossipSubParams.powerloom()
                .withHeartbeat(config.gossipHeartbeat())
                .withPruneBackoff(config.gossipPruneBackoff())
                .withMaxMessageSize(config.gossipMaxMessageBytes());
        return new GossipSettings(
                config.gossipEnabled(),
                config.gossipTopicPrefix(),
                config.gossipBootstrapPeers(),
                config.gossipRendezvous(),
                p);
    }

    public String submissionsTopic() {
        return topicPrefix + ALL;
    }

    public String epochZeroTopic() {
        return topicPrefix + EPOCH_ZERO;
    }
}
