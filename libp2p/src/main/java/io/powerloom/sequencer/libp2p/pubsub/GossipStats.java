package io.powerloom.sequencer.libp2p.pubsub;

/**
 * Router counters (monotonic) and gauges.
 *
 * @param peers        peers with a pubsub stream
 * @param meshPeers    peers in the meshes of our topics (summed over topics)
 * @param received     messages received (including duplicates and rejected ones)
 * @param delivered    new valid messages handed to topic handlers
 * @param duplicates   messages already seen
 * @param rejected     messages refused by the router or a handler (REJECT)
 * @param forwarded    message copies sent to mesh peers
 * @param published    messages we published
 * @param graylisted   RPCs dropped because the sender is graylisted
 * @param dropped      RPCs not sent to a slow peer
 */
public record GossipStats(
        int peers,
        int meshPeers,
        long received,
        long delivered,
        long duplicates,
        long rejected,
        long forwarded,
        long published,
        long graylisted,
        long dropped) {}
