package io.powerloom.sequencer.finalize;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consensus rule of one project and epoch: count valid submissions per snapshot CID; the most frequent wins; a tie
 * goes to the lexicographically smallest CID (order-independent, unlike production's map iteration order); the winner
 * must reach {@code minCount} submissions and {@code minShare} of all valid submissions, or the project stays
 * unfinalized for the epoch.
 */
public final class Consensus implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int minCount;
    private final double minShare;

    public Consensus(int minCount, double minShare) {
        if (minCount < 1) {
            throw new IllegalArgumentException("min-count must be at least 1, was " + minCount);
        }
        if (!(minShare >= 0.0 && minShare <= 1.0)) {
            throw new IllegalArgumentException("min-share must be within [0, 1], was " + minShare);
        }
        this.minCount = minCount;
        this.minShare = minShare;
    }

    /**
     * @param winner      the CID with the most submissions (ties: smallest), null when there were none
     * @param winnerCount its submissions
     * @param total       all valid submissions
     * @param quorum      whether the winner met min-count and min-share
     * @param counts      submissions per CID, sorted by CID
     */
    public record Outcome(String winner, int winnerCount, int total, boolean quorum, TreeMap<String, Integer> counts) {}

    /** Decides over submissions counted per CID. */
    public Outcome decide(Map<String, Integer> countsByCid) {
        TreeMap<String, Integer> counts = new TreeMap<>(countsByCid);
        String winner = null;
        int best = 0;
        int total = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            total += e.getValue();
            if (e.getValue() > best) { // strictly greater: on a tie the earlier (smaller) CID stays
                best = e.getValue();
                winner = e.getKey();
            }
        }
        boolean quorum = winner != null && best >= minCount && best >= minShare * total;
        return new Outcome(winner, best, total, quorum, counts);
    }
}
