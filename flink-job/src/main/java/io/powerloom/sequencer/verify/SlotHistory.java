package io.powerloom.sequencer.verify;

import java.util.Arrays;

/**
 * The registrations of one slot over event time (oldest first, at most {@link #MAX} kept), so that a submission is
 * judged against the snapshotter registered when it was received, whatever order the streams interleave in.
 */
public record SlotHistory(long[] observedAt, String[] snapshotters, boolean[] active) {
    static final int MAX = 8;

    public static SlotHistory empty() {
        return new SlotHistory(new long[0], new String[0], new boolean[0]);
    }

    /** Adds a registration, keeping time order; an identical entry is ignored (the watcher may repeat itself). */
    public SlotHistory with(long at, String snapshotter, boolean isActive) {
        int n = observedAt.length;
        int pos = n;
        while (pos > 0 && observedAt[pos - 1] > at) {
            pos--;
        }
        if (pos > 0
                && observedAt[pos - 1] == at
                && snapshotters[pos - 1].equals(snapshotter)
                && active[pos - 1] == isActive) {
            return this;
        }
        long[] t = new long[n + 1];
        String[] s = new String[n + 1];
        boolean[] a = new boolean[n + 1];
        System.arraycopy(observedAt, 0, t, 0, pos);
        System.arraycopy(snapshotters, 0, s, 0, pos);
        System.arraycopy(active, 0, a, 0, pos);
        t[pos] = at;
        s[pos] = snapshotter;
        a[pos] = isActive;
        System.arraycopy(observedAt, pos, t, pos + 1, n - pos);
        System.arraycopy(snapshotters, pos, s, pos + 1, n - pos);
        System.arraycopy(active, pos, a, pos + 1, n - pos);
        int drop = Math.max(0, t.length - MAX);
        return new SlotHistory(
                Arrays.copyOfRange(t, drop, t.length),
                Arrays.copyOfRange(s, drop, s.length),
                Arrays.copyOfRange(a, drop, a.length));
    }

    /** Index of the registration in force at {@code at}, or -1 when the slot had none yet. */
    public int indexAt(long at) {
        for (int i = observedAt.length - 1; i >= 0; i--) {
            if (observedAt[i] <= at) {
                return i;
            }
        }
        return -1;
    }
}
