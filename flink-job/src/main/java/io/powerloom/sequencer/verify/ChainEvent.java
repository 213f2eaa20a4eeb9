package io.powerloom.sequencer.verify;

/**
 * What the job learns from the protocol chain (the {@code protocol-chain} topic), flattened into one Flink-serializable
 * record. Event time is {@code observedAtMs}: the bridge's clock when the watcher saw it, the same clock that stamps
 * submissions.
 *
 * @param kind              which kind
 * @param observedAtMs      event time
 * @param dataMarket        epoch releases: the market
 * @param epochId           epoch releases: the epoch
 * @param windowMs          epoch releases: the market's submission window in ms
 * @param batchWindowBlocks epoch releases: the market's batch submission window in blocks
 * @param removed           epoch releases: a reorg retracted this release
 * @param blockNumber       block heads: the number; releases and slot changes: the block they were mined in
 * @param slotId            slot changes: the slot
 * @param snapshotter       slot changes: the registered snapshotter address (lower case)
 * @param active            slot changes: whether the slot is active
 * @param value             day starts: the day (their {@code epochId} is the day's first epoch); quota changes: the
 *                          daily snapshot quota; day-size changes: the market's epochs a day
 */
public record ChainEvent(
        Kind kind,
        long observedAtMs,
        String dataMarket,
        long epochId,
        long windowMs,
        long batchWindowBlocks,
        boolean removed,
        long blockNumber,
        long slotId,
        String snapshotter,
        boolean active,
        long value) {

    /** What the event is; the last three are the accounting events of SPEC §10, for the markets (removed: retracted). */
    public enum Kind {
        EPOCH_RELEASED,
        BLOCK,
        SLOT,
        DAY_STARTED,
        QUOTA,
        DAY_SIZE
    }

    public static ChainEvent epoch(
            long observedAtMs,
            String dataMarket,
            long epochId,
            long windowMs,
            long batchWindowBlocks,
            long blockNumber,
            boolean removed) {
        return new ChainEvent(
                Kind.EPOCH_RELEASED,
                observedAtMs,
                dataMarket,
                epochId,
                windowMs,
                batchWindowBlocks,
                removed,
                blockNumber,
                -1,
                null,
                false,
                0);
    }

    /** A day started with the release of {@code firstEpoch}. */
    public static ChainEvent dayStarted(
            long observedAtMs, String dataMarket, long day, long firstEpoch, long blockNumber, boolean removed) {
        return new ChainEvent(
                Kind.DAY_STARTED,
                observedAtMs,
                dataMarket,
                firstEpoch,
                0,
                0,
                removed,
                blockNumber,
                -1,
                null,
                false,
                day);
    }

    /** The market's daily snapshot quota changed. */
    public static ChainEvent quota(
            long observedAtMs, String dataMarket, long quota, long blockNumber, boolean removed) {
        return new ChainEvent(
                Kind.QUOTA, observedAtMs, dataMarket, -1, 0, 0, removed, blockNumber, -1, null, false, quota);
    }

    /** The market's day size changed: {@code epochsInADay} epochs a day from now on. */
    public static ChainEvent daySize(
            long observedAtMs, String dataMarket, long epochsInADay, long blockNumber, boolean removed) {
        return new ChainEvent(
                Kind.DAY_SIZE, observedAtMs, dataMarket, -1, 0, 0, removed, blockNumber, -1, null, false, epochsInADay);
    }

    public static ChainEvent block(long observedAtMs, long blockNumber) {
        return new ChainEvent(Kind.BLOCK, observedAtMs, null, -1, 0, 0, false, blockNumber, -1, null, false, 0);
    }

    public static ChainEvent slot(
            long observedAtMs, long slotId, String snapshotter, boolean active, long blockNumber) {
        return new ChainEvent(
                Kind.SLOT, observedAtMs, null, -1, 0, 0, false, blockNumber, slotId, snapshotter, active, 0);
    }
}
