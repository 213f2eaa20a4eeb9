package io.powerloom.sequencer.chain.commit;

import java.math.BigInteger;
import java.time.Duration;

/**
 * The chain's latest block number, fetched at most once per poll interval however many commits are waiting: a
 * commit waiting for its receipt asks for the receipt only when a block has appeared since it last looked, so the
 * node sees one request for the latest block per interval plus one receipt look-up per waiting commit per block, not one
 * look-up per commit per interval.
 *
 * <p>It also keeps that block's base fee, so a commit prices its transaction without a request of its own.
 *
 * <p>Never goes back: after a reorg to a lower height it keeps the highest number seen, so a waiter may look once more
 * than needed, never less.
 */
final class BlockTicker {
    /** The latest block's number and base fee (zero before EIP-1559). */
    record Head(long number, BigInteger baseFee) {}

    @FunctionalInterface
    interface Fetch {
        Head latest() throws CommitException;
    }

    private final long maxAgeNanos;
    private final Fetch fetch;
    private Head value;
    private long fetchedAt;

    BlockTicker(Duration maxAge, Fetch fetch) {
        this.maxAgeNanos = maxAge.toNanos();
        this.fetch = fetch;
    }

    /** The latest block number, at most one poll interval old. */
    long latest() throws CommitException {
        return head().number();
    }

    /** The latest block, at most one poll interval old. */
    synchronized Head head() throws CommitException {
        long now = System.nanoTime();
        if (value == null || now - fetchedAt >= maxAgeNanos) {
            Head h = fetch.latest();
            value = value == null || h.number() >= value.number() ? h : new Head(value.number(), h.baseFee());
            fetchedAt = System.nanoTime();
        }
        return value;
    }
}
