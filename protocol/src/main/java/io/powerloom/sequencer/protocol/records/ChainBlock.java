package io.powerloom.sequencer.protocol.records;

import static io.powerloom.sequencer.protocol.records.RecordChecks.hash32;

/**
 * A protocol-chain head seen by the chain watcher (used for the deadline rule).
 *
 * @param number       block number (unsigned)
 * @param hash         block hash (lower-case 0x, 32 bytes)
 * @param timestamp    block timestamp, seconds
 * @param observedAtMs bridge wall clock when seen (Kafka timestamp)
 */
public record ChainBlock(long number, String hash, long timestamp, long observedAtMs)
        implements ChainTopicRecord, java.io.Serializable {

    public ChainBlock {
        hash32("hash", hash);
    }
}
