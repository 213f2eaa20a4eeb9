package io.powerloom.sequencer.protocol.records;

import static io.powerloom.sequencer.protocol.records.RecordChecks.address;
import static io.powerloom.sequencer.protocol.records.RecordChecks.hash32;

/**
 * A change of a market's accounting parameter (SPEC §10), from the contract's {@code DailySnapshotQuotaUpdated} or
 * {@code DaySizeUpdated} event, as seen by the chain watcher. {@code removed=true} retracts an earlier record with the
 * same ({@code blockHash}, {@code logIndex}) after a reorg.
 *
 * @param dataMarket   data market address (lower-case 0x)
 * @param parameter    which one changed
 * @param value        the new daily snapshot quota, or the new DAY_SIZE
 * @param epochsInADay the market's epochs a day after the change (DAY_SIZE changes only; 0 for the quota)
 * @param blockNumber  protocol-chain block holding the event
 * @param blockHash    its hash (lower-case 0x, 32 bytes)
 * @param txHash       transaction hash (lower-case 0x, 32 bytes)
 * @param logIndex     log index in the block
 * @param observedAtMs bridge wall clock when seen (Kafka timestamp)
 * @param removed      true for a reorg retraction
 */
public record AccountingParameterUpdated(
        String dataMarket,
        Parameter parameter,
        long value,
        long epochsInADay,
        long blockNumber,
        String blockHash,
        String txHash,
        int logIndex,
        long observedAtMs,
        boolean removed)
        implements ChainTopicRecord, java.io.Serializable {

    /** The accounting parameters the contract announces. */
    public enum Parameter {
        /** {@code dailySnapshotQuota}: submissions a slot needs in a day to be eligible. */
        DAILY_SNAPSHOT_QUOTA("dailySnapshotQuota"),
        /** {@code DAY_SIZE} (and with it {@code epochsInADay}). */
        DAY_SIZE("daySize");

        private final String wireName;

        Parameter(String wireName) {
            this.wireName = wireName;
        }

        /** The name in the record's JSON. */
        public String wireName() {
            return wireName;
        }

        /** The parameter of a JSON name. */
        public static Parameter ofWireName(String name) {
            for (Parameter p : values()) {
                if (p.wireName.equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown accounting parameter \"" + name + "\"");
        }
    }

    public AccountingParameterUpdated {
        address("dataMarket", dataMarket);
        hash32("blockHash", blockHash);
        hash32("txHash", txHash);
        java.util.Objects.requireNonNull(parameter, "parameter");
        if (logIndex < 0) {
            throw new IllegalArgumentException("logIndex must be >= 0: " + logIndex);
        }
    }

    /** The same record, retracted. */
    public AccountingParameterUpdated retracted(long observedAtMs) {
        return new AccountingParameterUpdated(
                dataMarket,
                parameter,
                value,
                epochsInADay,
                blockNumber,
                blockHash,
                txHash,
                logIndex,
                observedAtMs,
                true);
    }
}
