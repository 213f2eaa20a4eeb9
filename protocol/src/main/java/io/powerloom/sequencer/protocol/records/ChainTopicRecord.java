package io.powerloom.sequencer.protocol.records;

/**
 * A record of the {@value Topics#PROTOCOL_CHAIN} topic: an epoch release, a chain head, a slot registration, a day's
 * start or an accounting parameter change. Slot
 * registrations are written here too (besides the compacted {@value Topics#SLOTS} topic), so that the job sees them in
 * one total order with the releases and heads, stamped on the same clock.
 */
public sealed interface ChainTopicRecord
        permits EpochReleased, ChainBlock, SlotAssignment, DayStarted, AccountingParameterUpdated {

    /** The bridge's wall clock when it saw the event (Kafka timestamp, same clock as submissions). */
    long observedAtMs();
}
