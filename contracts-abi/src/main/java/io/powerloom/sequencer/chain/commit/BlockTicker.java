package io.powerloom.sequencer.chain.commit;

import java.time.Duration;

/**
 * The chain's latest block number, fetched at most once per poll interval however many commits are waiting: a
 * commit waiting for its receipt asks for the receipt only when a block has appeared since it last looked, so the
 * node sees one {@code eth_blockNumber} per interval plus one receipt look-up per waiting commit per block, not one
 * look-up per commit per interval.
 *
 * <p>Never goes back: after a reorg to a lower height it keeps the highest number seen, so a waiter may look once more
 * than needed, never less.
 */
final class BlockTicker {
    @FunctionalInterface
    interface Fetch {
        long latest() throws CommitException;
    }

    private final long maxAgeNanos;
    private final Fetch fetch;
    private long value = -1;
    private long fetchedAt;

    BlockTicker(Duration maxAge, Fetch fetch) {
        this.maxAgeNanos = maxAge.toNanos();
        this.fetch = fetch;
    }

    /** The latest block number, at most one poll interval old. */
    synchronized long latest() throws CommitException {
        long now = System.nanoTime();
        if (value < 0 || now - fetchedAt >= maxAgeNanos) {
            value = Math.max(value, fetch.latest());
            fetchedAt = System.nanoTime();
        }
        return value;
    }
}
