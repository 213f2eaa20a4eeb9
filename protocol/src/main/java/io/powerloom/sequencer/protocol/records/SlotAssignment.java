package io.powerloom.sequencer.protocol.records;

import static io.powerloom.sequencer.protocol.records.RecordChecks.address;

/**
 * The snapshotter registered for a slot (compacted {@value Topics#SLOTS} topic, key = slotId; also on the
 * {@value Topics#PROTOCOL_CHAIN} topic, in order with releases and heads).
 *
 * @param slotId       the slot (unsigned)
 * @param snapshotter  the registered snapshotter address (lower-case 0x)
 * @param active       whether the slot is active
 * @param blockNumber  protocol-chain block of the observation
 * @param observedAtMs bridge wall clock when seen
 */
public record SlotAssignment(long slotId, String snapshotter, boolean active, long blockNumber, long observedAtMs)
        implements ChainTopicRecord, java.io.Serializable {

    public SlotAssignment {
        address("snapshotter", snapshotter);
    }
}
