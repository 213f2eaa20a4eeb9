package io.powerloom.sequencer.job.serde;

/**
 * The former name of {@link io.powerloom.sequencer.model.serde.KeyStringSerializer}, kept only for its snapshot class:
 * savepoints taken before the move name {@code job.serde.KeyStringSerializer$Snapshot} as the key serializer of every
 * string-keyed operator, and Flink loads that class by name to restore them. Nothing else uses this class.
 */
@Deprecated
public final class KeyStringSerializer {
    private KeyStringSerializer() {}

    /** Restores as the current key serializer; written by no job any more. */
    @Deprecated
    public static final class Snapshot extends io.powerloom.sequencer.model.serde.KeyStringSerializer.Snapshot {}
}
