package io.powerloom.sequencer.protocol.records;

/**
 * A record of the {@value Topics#PROTOCOL_CHAIN} topic: an epoch release, a chain head, or a slot registration. Slot
 * registrations are written here too (besides the compacted {@value Topics#SLOTS} topic), so that the job sees them in
 * one total order with the releases and heads, stamped on the same clock.
 */
public sealed interface ChainTopicRecord permits EpochReleased, ChainBlock, SlotAssignment {

    /** The bridge's wall clock when it saw the event (Kafka timestamp, same clock as submissions). */
    long observedAtMs();
}
