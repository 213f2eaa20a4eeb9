package io.powerloom.sequencer.verify;

/**
 * The former name of {@link io.powerloom.sequencer.model.SignedSubmissionSerializer}, kept only for its snapshot
 * class: savepoints taken before the move name {@code verify.SignedSubmissionSerializer$Snapshot}, and Flink loads that
 * class by name to restore them. Nothing else uses this class.
 */
@Deprecated
public final class SignedSubmissionSerializer {
    private SignedSubmissionSerializer() {}

    /** Restores with the current serializer's layouts (older ones migrated); written by no job any more. */
    @Deprecated
    public static final class Snapshot extends io.powerloom.sequencer.model.SignedSubmissionSerializer.Snapshot {}
}
