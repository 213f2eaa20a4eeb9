package io.powerloom.sequencer.libp2p.pubsub;

/**
 * Receives each new (not previously seen), correctly signed message of a subscribed topic once, and decides whether
 * it is forwarded. Called on a network event loop: must not block.
 */
@FunctionalInterface
public interface TopicHandler {
    Validation onMessage(PubsubMessage message);
}
