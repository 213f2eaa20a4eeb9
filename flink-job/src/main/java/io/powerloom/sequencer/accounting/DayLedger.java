package io.powerloom.sequencer.accounting;

import java.util.Map;
import java.util.TreeMap;

/**
 * One market's counts for one day, in state: per slot (ascending) the count of submissions that matched their
 * project's finalized CID, and the count last sent in a periodic update. A Flink POJO.
 */
public class DayLedger {
    public long day;
    public long[] slots = new long[0];
    public long[] counts = new long[0];
    public long[] sent = new long[0];

    public DayLedger() {}

    DayLedger(long day) {
        this.day = day;
    }

    /** Adds {@code increments} (slot → matched submissions) to the counts. */
    void add(TreeMap<Long, Long> increments) {
        TreeMap<Long, long[]> merged = new TreeMap<>();
        for (int i = 0; i < slots.length; i++) {
            merged.put(slots[i], new long[] {counts[i], sent[i]});
        }
        for (Map.Entry<Long, Long> e : increments.entrySet()) {
            merged.computeIfAbsent(e.getKey(), k -> new long[2])[0] += e.getValue();
        }
        int n = merged.size();
        slots = new long[n];
        counts = new long[n];
        sent = new long[n];
        int i = 0;
        for (Map.Entry<Long, long[]> e : merged.entrySet()) {
            slots[i] = e.getKey();
            counts[i] = e.getValue()[0];
            sent[i++] = e.getValue()[1];
        }
    }

    /** The count of a slot (0 when it has none). */
    long count(long slot) {
        int i = java.util.Arrays.binarySearch(slots, slot);
        return i >= 0 ? counts[i] : 0;
    }
}
