package io.powerloom.sequencer.protocol.records;

import static io.powerloom.sequencer.protocol.records.RecordChecks.address;
import static io.powerloom.sequencer.protocol.records.RecordChecks.hash32;

/**
 * A {@code DayStartedEvent} of the protocol-state contract (SPEC §10), as seen by the chain watcher. The contract emits
 * it in the transaction that releases the day's first epoch; the watcher names that epoch, so that the day of every
 * epoch follows from the log. {@code removed=true} retracts an earlier record with the same ({@code blockHash},
 * {@code logIndex}) after a reorg.
 *
 * @param dataMarket     data market address (lower-case 0x)
 * @param dayId          the day that started (the contract's new {@code dayCounter})
 * @param epochId        the epoch whose release started it (the day's first epoch)
 * @param chainTimestamp the event's {@code timestamp} argument
 * @param blockNumber    protocol-chain block holding the event
 * @param blockHash      its hash (lower-case 0x, 32 bytes)
 * @param txHash         transaction hash (lower-case 0x, 32 bytes)
 * @param logIndex       log index in the block
 * @param observedAtMs   bridge wall clock when seen (Kafka timestamp)
 * @param removed        true for a reorg retraction
 */
public record DayStarted(
        String dataMarket,
        long dayId,
        long epochId,
        long chainTimestamp,
        long blockNumber,
        String blockHash,
        String txHash,
        int logIndex,
        long observedAtMs,
        boolean removed)
        implements ChainTopicRecord, java.io.Serializable {

    public DayStarted {
        address("dataMarket", dataMarket);
        hash32("blockHash", blockHash);
        hash32("txHash", txHash);
        if (logIndex < 0) {
            throw new IllegalArgumentException("logIndex must be >= 0: " + logIndex);
        }
    }

    /** The same record, retracted. */
    public DayStarted retracted(long observedAtMs) {
        return new DayStarted(
                dataMarket,
                dayId,
                epochId,
                chainTimestamp,
                blockNumber,
                blockHash,
                txHash,
                logIndex,
                observedAtMs,
                true);
    }
}
