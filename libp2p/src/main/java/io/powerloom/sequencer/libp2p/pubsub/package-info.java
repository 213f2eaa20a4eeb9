/**
 * GossipSub (libp2p/specs pubsub, gossipsub v1.0–v1.2) on a {@link io.powerloom.sequencer.libp2p.Libp2pHost}:
 * {@link io.powerloom.sequencer.libp2p.pubsub.GossipSub} is the entry point, {@link
 * io.powerloom.sequencer.libp2p.pubsub.GossipSubParams} its parameters (Powerloom's by default). The engine is in
 * {@code internal.pubsub}. See docs/gossipsub.md for what is and is not implemented.
 */
package io.powerloom.sequencer.libp2p.pubsub;
