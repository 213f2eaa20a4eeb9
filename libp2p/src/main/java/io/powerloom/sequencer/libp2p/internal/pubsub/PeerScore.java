package io.powerloom.sequencer.libp2p.internal.pubsub;

import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;

/**
 * One peer's score (gossipsub v1.1 P4 invalid message deliveries and P7 behaviour penalty, both decaying):
 * {@code invalidWeight * invalid² + behaviourWeight * max(0, behaviour - threshold)²}. Thread-safe.
 */
final class PeerScore {
    private final GossipSubParams params;
    private double invalid;
    private double behaviour;

    PeerScore(GossipSubParams params) {
        this.params = params;
    }

    synchronized void invalidDelivery() {
        invalid += 1;
    }

    synchronized void misbehaved(double count) {
        behaviour += count;
    }

    synchronized double score() {
        double excess = Math.max(0, behaviour - params.behaviourPenaltyThreshold());
        return params.invalidMessageWeight() * invalid * invalid + params.behaviourPenaltyWeight() * excess * excess;
    }

    /** Applies one heartbeat of decay; true when nothing is left (the entry can go once the peer is gone). */
    synchronized boolean decay() {
        invalid = invalid * params.scoreDecay() < 0.1 ? 0 : invalid * params.scoreDecay();
        behaviour = behaviour * params.scoreDecay() < 0.1 ? 0 : behaviour * params.scoreDecay();
        return invalid == 0 && behaviour == 0;
    }
}
