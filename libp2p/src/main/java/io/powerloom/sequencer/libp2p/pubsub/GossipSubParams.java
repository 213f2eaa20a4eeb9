package io.powerloom.sequencer.libp2p.pubsub;

import java.time.Duration;

/**
 * GossipSub router parameters (libp2p/specs gossipsub v1.1 names). {@link #powerloom()} gives the values
 * Powerloom's snapshotter nodes run with (SPEC §11); change one with the {@code with…} methods.
 *
 * @param d                 target mesh degree D
 * @param dLo               lower bound: below it the heartbeat grafts up to D
 * @param dHi               upper bound: above it the heartbeat prunes down to D
 * @param dLazy             peers each heartbeat sends IHAVE gossip to, per topic
 * @param dOut              outbound connections kept in each mesh when pruning
 * @param heartbeat         heartbeat interval
 * @param pruneBackoff      backoff after a PRUNE before the peer may be grafted again
 * @param historyLength     heartbeats a message stays in the message cache (for IWANT)
 * @param historyGossip     heartbeats of the message cache advertised in IHAVE
 * @param seenTtl           how long a message id is remembered to drop duplicates
 * @param maxMessageSize    largest RPC frame accepted (bytes); bigger frames reset the stream and count as invalid
 * @param floodPublish      whether our own messages go to every topic peer above the publish threshold
 * @param maxIHaveLength    most message ids requested from one peer per heartbeat
 * @param maxIHaveMessages  most IHAVE messages accepted from one peer per heartbeat
 * @param gossipRetransmission times one message is sent to one peer on IWANT
 * @param prunePeers        peers offered (and accepted) in a PRUNE's peer exchange
 * @param idontwantThreshold messages at least this big make us send IDONTWANT to the mesh (meshsub 1.2)
 * @param invalidMessageWeight  score weight of the squared count of invalid messages a peer delivered
 * @param behaviourPenaltyWeight score weight of the squared excess of protocol misbehaviour
 * @param behaviourPenaltyThreshold misbehaviour count tolerated before it weighs
 * @param scoreDecay        factor the counters are multiplied by each heartbeat
 * @param gossipThreshold   below it a peer's IHAVE/IWANT are ignored and it gets no gossip
 * @param publishThreshold  below it a peer gets no flood-published messages
 * @param graylistThreshold below it all RPCs of the peer are dropped
 * @param acceptPxThreshold a PRUNE's peer exchange is followed only from peers scoring at least this
 * @param maxPendingWrites  RPCs queued to one peer before further ones are dropped (a slow peer)
 */
public record GossipSubParams(
        int d,
        int dLo,
        int dHi,
        int dLazy,
        int dOut,
        Duration heartbeat,
        Duration pruneBackoff,
        int historyLength,
        int historyGossip,
        Duration seenTtl,
        int maxMessageSize,
        boolean floodPublish,
        int maxIHaveLength,
        int maxIHaveMessages,
        int gossipRetransmission,
        int prunePeers,
        int idontwantThreshold,
        double invalidMessageWeight,
        double behaviourPenaltyWeight,
        double behaviourPenaltyThreshold,
        double scoreDecay,
        double gossipThreshold,
        double publishThreshold,
        double graylistThreshold,
        double acceptPxThreshold,
        int maxPendingWrites) {

    public GossipSubParams {
        if (d <= 0 || dLo <= 0 || dLo > d || dHi < d || dLazy < 0 || dOut < 0 || dOut >= dLo) {
            throw new IllegalArgumentException("mesh degrees must satisfy 0 < Dlo <= D <= Dhi and Dout < Dlo");
        }
        if (heartbeat.isZero() || heartbeat.isNegative() || historyGossip > historyLength || maxMessageSize <= 0) {
            throw new IllegalArgumentException("bad heartbeat, history or max message size");
        }
        if (!(graylistThreshold < publishThreshold && publishThreshold <= gossipThreshold && gossipThreshold <= 0)
                || acceptPxThreshold < 0
                || invalidMessageWeight > 0
                || behaviourPenaltyWeight > 0
                || scoreDecay <= 0
                || scoreDecay >= 1) {
            throw new IllegalArgumentException(
                    "score thresholds must satisfy graylist < publish <= gossip <= 0, weights <= 0, 0 < decay < 1");
        }
    }

    /** Powerloom's values: D=10, Dlo=8, Dhi=16, Dlazy=10, Dout=4, 700 ms heartbeat, 5 min prune backoff, 1 MiB. */
    public static GossipSubParams powerloom() {
        return new GossipSubParams(
                10,
                8,
                16,
                10,
                4,
                Duration.ofMillis(700),
                Duration.ofMinutes(5),
                5,
                3,
                Duration.ofSeconds(120),
                1 << 20,
                true,
                5000,
                10,
                3,
                16,
                1024,
                -100,
                -10,
                6,
                0.97,
                -500,
                -1000,
                -2500,
                0,
                4096);
    }

    public GossipSubParams withDegrees(int d, int dLo, int dHi, int dLazy, int dOut) {
        Copy c = new Copy(this);
        c.d = d;
        c.dLo = dLo;
        c.dHi = dHi;
        c.dLazy = dLazy;
        c.dOut = dOut;
        return c.build();
    }

    public GossipSubParams withHeartbeat(Duration heartbeat) {
        Copy c = new Copy(this);
        c.heartbeat = heartbeat;
        return c.build();
    }

    public GossipSubParams withPruneBackoff(Duration pruneBackoff) {
        Copy c = new Copy(this);
        c.pruneBackoff = pruneBackoff;
        return c.build();
    }

    public GossipSubParams withMaxMessageSize(int maxMessageSize) {
        Copy c = new Copy(this);
        c.maxMessageSize = maxMessageSize;
        return c.build();
    }

    public GossipSubParams withSeenTtl(Duration seenTtl) {
        Copy c = new Copy(this);
        c.seenTtl = seenTtl;
        return c.build();
    }

    /** A mutable copy for the {@code with…} methods: the one place besides the record that lists every component. */
    private static final class Copy {
        int d;
        int dLo;
        int dHi;
        int dLazy;
        int dOut;
        Duration heartbeat;
        Duration pruneBackoff;
        int historyLength;
        int historyGossip;
        Duration seenTtl;
        int maxMessageSize;
        boolean floodPublish;
        int maxIHaveLength;
        int maxIHaveMessages;
        int gossipRetransmission;
        int prunePeers;
        int idontwantThreshold;
        double invalidMessageWeight;
        double behaviourPenaltyWeight;
        double behaviourPenaltyThreshold;
        double scoreDecay;
        double gossipThreshold;
        double publishThreshold;
        double graylistThreshold;
        double acceptPxThreshold;
        int maxPendingWrites;

        Copy(GossipSubParams p) {
            d = p.d;
            dLo = p.dLo;
            dHi = p.dHi;
            dLazy = p.dLazy;
            dOut = p.dOut;
            heartbeat = p.heartbeat;
            pruneBackoff = p.pruneBackoff;
            historyLength = p.historyLength;
            historyGossip = p.historyGossip;
            seenTtl = p.seenTtl;
            maxMessageSize = p.maxMessageSize;
            floodPublish = p.floodPublish;
            maxIHaveLength = p.maxIHaveLength;
            maxIHaveMessages = p.maxIHaveMessages;
            gossipRetransmission = p.gossipRetransmission;
            prunePeers = p.prunePeers;
            idontwantThreshold = p.idontwantThreshold;
            invalidMessageWeight = p.invalidMessageWeight;
            behaviourPenaltyWeight = p.behaviourPenaltyWeight;
            behaviourPenaltyThreshold = p.behaviourPenaltyThreshold;
            scoreDecay = p.scoreDecay;
            gossipThreshold = p.gossipThreshold;
            publishThreshold = p.publishThreshold;
            graylistThreshold = p.graylistThreshold;
            acceptPxThreshold = p.acceptPxThreshold;
            maxPendingWrites = p.maxPendingWrites;
        }

        GossipSubParams build() {
            return new GossipSubParams(
                    d,
                    dLo,
                    dHi,
                    dLazy,
                    dOut,
                    heartbeat,
                    pruneBackoff,
                    historyLength,
                    historyGossip,
                    seenTtl,
                    maxMessageSize,
                    floodPublish,
                    maxIHaveLength,
                    maxIHaveMessages,
                    gossipRetransmission,
                    prunePeers,
                    idontwantThreshold,
                    invalidMessageWeight,
                    behaviourPenaltyWeight,
                    behaviourPenaltyThreshold,
                    scoreDecay,
                    gossipThreshold,
                    publishThreshold,
                    graylistThreshold,
                    acceptPxThreshold,
                    maxPendingWrites);
        }
    }
}
