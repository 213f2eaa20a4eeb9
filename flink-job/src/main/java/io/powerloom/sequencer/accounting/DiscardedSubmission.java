package io.powerloom.sequencer.accounting;

/**
 * A valid submission whose CID did not match its project's finalized CID (or whose project did not finalize): it does
 * not count for its slot (SPEC §10) and is written to the discarded topic for operators' queries.
 *
 * @param dataMarket   market
 * @param epochId      epoch
 * @param day          the day of the epoch
 * @param projectId    project
 * @param slotId       slot
 * @param submissionId the submission's UUID
 * @param snapshotCid  the CID it carried
 * @param winningCid   the project's finalized CID, or {@code null} when it did not finalize
 * @param receivedAtMs bridge receive time
 */
public record DiscardedSubmission(
        String dataMarket,
        long epochId,
        long day,
        String projectId,
        long slotId,
        String submissionId,
        String snapshotCid,
        String winningCid,
        long receivedAtMs)
        implements java.io.Serializable {}
