package io.powerloom.sequencer.libp2p.pubsub;

/** Told of every message the router refuses; called on a network event loop, must not block. */
@FunctionalInterface
public interface RejectionListener {
    void onRejected(Rejection rejection);
}
