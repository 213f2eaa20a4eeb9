package io.powerloom.sequencer.chain.commit;

import java.util.Arrays;
import java.util.Objects;

/**
 * One accounting transaction (SPEC §10): the absolute submission counts of some slots for a day, either a periodic
 * update ({@code updateSubmissionCounts}) or the eligible slots' final counts ({@code updateEligibleSubmissionCountsForDay}).
 *
 * @param dataMarket market address
 * @param day        the day (the contract accepts only the current and the previous day: E38)
 * @param kind       periodic or final
 * @param slotIds    the slots (unsigned), sorted by the caller
 * @param counts     their counts, aligned
 */
public record CountUpdate(String dataMarket, long day, Kind kind, long[] slotIds, long[] counts) {

    /** Which contract function carries the counts. */
    public enum Kind {
        /** {@code updateSubmissionCounts}: every N epochs, the day's changed counts. */
        PERIODIC,
        /** {@code updateEligibleSubmissionCountsForDay}: after the day, the eligible slots' final counts. */
        FINAL
    }

    public CountUpdate {
        Objects.requireNonNull(dataMarket, "dataMarket");
        Objects.requireNonNull(kind, "kind");
        slotIds = Objects.requireNonNull(slotIds, "slotIds").clone();
        counts = Objects.requireNonNull(counts, "counts").clone();
    }

    @Override
    public long[] slotIds() {
        return slotIds.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Identity for de-duplication of concurrent calls in one process. */
    String key() {
        return "counts/" + dataMarket.toLowerCase() + "/" + day + "/" + kind + "/" + Arrays.toString(slotIds) + "/"
                + Arrays.toString(counts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CountUpdate u
                && day == u.day
                && kind == u.kind
                && dataMarket.equals(u.dataMarket)
                && Arrays.equals(slotIds, u.slotIds)
                && Arrays.equals(counts, u.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataMarket, day, kind, Arrays.hashCode(slotIds), Arrays.hashCode(counts));
    }

    @Override
    public String toString() {
        return "CountUpdate[" + kind + " " + dataMarket + " day " + day + ", " + slotIds.length + " slots]";
    }
}
