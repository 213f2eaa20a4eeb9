package io.powerloom.sequencer.finalize;

/**
 * What one project's decided epoch means for the snapshotters' accounting (SPEC §10), emitted by
 * {@link ProjectFinalizer} beside its result when accounting is on: the slots whose valid submission matched the
 * finalized CID, and the valid submissions that did not (discarded), each with what the discarded topic reports.
 *
 * @param dataMarket         market
 * @param epochId            epoch
 * @param projectId          project
 * @param winningCid         the finalized CID, or {@code null} when the project did not finalize (all discarded)
 * @param matchedSlots       slots whose submission matched the winner, ascending (a slot has one valid submission per
 *                           project and epoch: the last one in the window)
 * @param discardedIds       the other valid submissions' IDs, in slot order
 * @param discardedSlots     their slots, aligned
 * @param discardedCids      the CIDs they carried, aligned
 * @param discardedReceivedAtMs their receive times, aligned
 * @param windowCloseMs      event time of the window's close
 */
public record ProjectTally(
        String dataMarket,
        long epochId,
        String projectId,
        String winningCid,
        long[] matchedSlots,
        String[] discardedIds,
        long[] discardedSlots,
        String[] discardedCids,
        long[] discardedReceivedAtMs,
        long windowCloseMs)
        implements java.io.Serializable {}
