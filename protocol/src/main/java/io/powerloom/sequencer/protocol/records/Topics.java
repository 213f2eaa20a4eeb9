package io.powerloom.sequencer.protocol.records;

/** Default Kafka topic names and fixed record keys (topic names are configurable everywhere). */
public final class Topics {

    /** Submissions and bridge heartbeats (key: slotId decimal, or {@link #HEARTBEAT_KEY}). */
    public static final String SUBMISSIONS = "submissions";
    /** Protocol-chain events, one partition (key: data market address, or {@link #BLOCK_KEY}). */
    public static final String PROTOCOL_CHAIN = "protocol-chain";
    /** Compacted slot → snapshotter assignments (key: slotId decimal). */
    public static final String SLOTS = "slots";
    /** Written by the Flink job. */
    public static final String FINALIZED = "finalized";
    /** Written by the Flink job. */
    public static final String BATCHES = "batches";
    /** Written by the Flink job. */
    public static final String REJECTED = "rejected";
    /** Written by the ingest bridge: {@code /collect} input it could not read, with the reason. */
    public static final String BRIDGE_REJECTS = "submissions-rejected";

    /**
     * Written by the Flink job: each slot's count per day as committed on chain, and each day's eligible-node count
     * (key {@code <dataMarket>|<day>|<slotId>} or {@code <dataMarket>|<day>|eligible}).
     */
    public static final String SLOT_COUNTS = "slot-counts";
    /**
     * Written by the Flink job: valid submissions whose CID did not match their project's finalized CID (key:
     * submission ID).
     */
    public static final String DISCARDED = "discarded";

    /** Key of heartbeat records (sent explicitly to every partition of the submissions topic). */
    public static final String HEARTBEAT_KEY = "hb";
    /** Key of {@link ChainBlock} records on the protocol-chain topic. */
    public static final String BLOCK_KEY = "block";

    private Topics() {}

    /** The key of a {@link #SLOT_COUNTS} record of a slot. */
    public static String slotCountKey(String dataMarket, long day, long slotId) {
        return dataMarket + "|" + Long.toUnsignedString(day) + "|" + Long.toUnsignedString(slotId);
    }

    /** The key of a {@link #SLOT_COUNTS} record of a day's eligible-node count. */
    public static String dayEligibleKey(String dataMarket, long day) {
        return dataMarket + "|" + Long.toUnsignedString(day) + "|eligible";
    }

    /** The Kafka key of a submission: its slotId as unsigned decimal. */
    public static String slotKey(long slotId) {
        return Long.toUnsignedString(slotId);
    }
}
