package io.powerloom.sequencer.finalize;

/**
 * The former name of {@link io.powerloom.sequencer.model.ProjectEpochResultSerializer}, kept only for its snapshot
 * class: savepoints taken before the move name {@code finalize.ProjectEpochResultSerializer$Snapshot}, and Flink loads
 * that class by name to restore them. Nothing else uses this class.
 */
@Deprecated
public final class ProjectEpochResultSerializer {
    private ProjectEpochResultSerializer() {}

    /** Restores with the current serializer's layouts (older ones migrated); written by no job any more. */
    @Deprecated
    public static final class Snapshot extends io.powerloom.sequencer.model.ProjectEpochResultSerializer.Snapshot {}
}
