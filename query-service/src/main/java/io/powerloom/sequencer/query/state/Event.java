package io.powerloom.sequencer.query.state;

/** Kinds of routed events: the {@code "k"} field of each value on the routed topic. */
public final class Event {
    /** A submission from the bridge (real or simulation). */
    public static final String SUBMISSION = "sub";
    /** A job rejection. */
    public static final String REJECTED = "rej";
    /** A bridge rejection of /collect input. */
    public static final String BRIDGE_REJECTED = "brej";
    /** A job record of the finalized topic. */
    public static final String FINALIZED = "fin";
    /** A batch outcome. */
    public static final String BATCH = "batch";
    /** An epoch-end outcome. */
    public static final String EPOCH_END = "end";
    /** An epoch release from the chain watcher. */
    public static final String RELEASE = "rel";
    /** The chain watcher's DayStarted (the market's current day), or its retraction. */
    public static final String DAY_STARTED = "dayStart";
    /** A slot count of the accounting stage. */
    public static final String SLOT_COUNT = "count";
    /** A day's eligible-nodes commit of the accounting stage. */
    public static final String DAY_ELIGIBLE = "elig";
    /** A discarded submission of the accounting stage. */
    public static final String DISCARDED = "disc";
    /** An input record that could not be decoded. */
    public static final String UNDECODABLE = "bad";

    private Event() {}
}
