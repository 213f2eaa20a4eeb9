package io.powerloom.sequencer.protocol.records;

import static io.powerloom.sequencer.protocol.records.RecordChecks.address;
import static io.powerloom.sequencer.protocol.records.RecordChecks.hash32;

/**
 * An {@code EpochReleased} event of the protocol-state contract, as seen by the chain watcher.
 * Block numbers, epoch ids and windows are unsigned. {@code removed=true} retracts an earlier record
 * with the same ({@code blockHash}, {@code logIndex}) after a reorg.
 *
 * @param dataMarket               data market address (lower-case 0x)
 * @param epochId                  the epoch
 * @param begin                    first source-chain block of the epoch
 * @param end                      last source-chain block of the epoch
 * @param chainTimestamp           the event's {@code timestamp} argument
 * @param blockNumber              protocol-chain block holding the event
 * @param blockHash                its hash (lower-case 0x, 32 bytes)
 * @param txHash                   transaction hash (lower-case 0x, 32 bytes)
 * @param logIndex                 log index in the block
 * @param snapshotSubmissionWindow the market's submission window at release
 * @param batchSubmissionWindow    the market's batch window (blocks) at release
 * @param observedAtMs             bridge wall clock when seen (Kafka timestamp)
 * @param removed                  true for a reorg retraction
 */
public record EpochReleased(
        String dataMarket,
        long epochId,
        long begin,
        long end,
        long chainTimestamp,
        long blockNumber,
        String blockHash,
        String txHash,
        int logIndex,
        long snapshotSubmissionWindow,
        long batchSubmissionWindow,
        long observedAtMs,
        boolean removed)
        implements ChainTopicRecord, java.io.Serializable {

    public EpochReleased {
        address("dataMarket", dataMarket);
        hash32("blockHash", blockHash);
        hash32("txHash", txHash);
        if (logIndex < 0) {
            throw new IllegalArgumentException("logIndex must be >= 0: " + logIndex);
        }
    }
}
