package io.powerloom.sequencer.finalize;

/**
 * A released epoch as the finalize stage keeps it (broadcast state, keyed by the epoch's
 * {@link io.powerloom.sequencer.model.ProjectEpochKey#ofEpoch key}).
 *
 * @param observedAtMs      when the release was seen: the window opens
 * @param windowMs          the market's submission window
 * @param batchWindowBlocks the market's batch submission window (blocks)
 * @param releaseBlock      block the release was mined in
 * @param removedAtMs       when a reorg retracted it, or {@link Long#MAX_VALUE}
 */
public record EpochRelease(
        long observedAtMs, long windowMs, long batchWindowBlocks, long releaseBlock, long removedAtMs) {

    /** Whether the release was known and not retracted at event time {@code t}. */
    public boolean validAt(long t) {
        return observedAtMs <= t && removedAtMs > t;
    }

    public long closeMs() {
        return observedAtMs + windowMs;
    }
}
