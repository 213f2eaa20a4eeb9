package io.powerloom.sequencer.protocol.records;

/** A record of the {@value Topics#PROTOCOL_CHAIN} topic: an epoch release or a chain head. */
public sealed interface ChainTopicRecord permits EpochReleased, ChainBlock {

    /** The bridge's wall clock when it saw the event (Kafka timestamp, same clock as submissions). */
    long observedAtMs();
}
