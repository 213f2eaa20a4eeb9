package io.powerloom.sequencer.verify;

import java.util.Arrays;

/**
 * Protocol-chain heads over event time: which block number the sequencer had seen at a given moment (for the
 * deadline rule). Keeps the most recent {@link #MAX} heads, which covers hours of a one-block-a-second chain.
 */
public record BlockHistory(long[] observedAt, long[] numbers) {
    static final int MAX = 7200;

    public static BlockHistory empty() {
        return new BlockHistory(new long[0], new long[0]);
    }

    public BlockHistory with(long at, long number) {
        int n = observedAt.length;
        int pos = n;
        while (pos > 0 && observedAt[pos - 1] > at) {
            pos--;
        }
        long[] t = new long[n + 1];
        long[] b = new long[n + 1];
        System.arraycopy(observedAt, 0, t, 0, pos);
        System.arraycopy(numbers, 0, b, 0, pos);
        t[pos] = at;
        b[pos] = number;
        System.arraycopy(observedAt, pos, t, pos + 1, n - pos);
        System.arraycopy(numbers, pos, b, pos + 1, n - pos);
        int drop = Math.max(0, t.length - MAX);
        return drop == 0
                ? new BlockHistory(t, b)
                : new BlockHistory(Arrays.copyOfRange(t, drop, t.length), Arrays.copyOfRange(b, drop, b.length));
    }

    /** The highest block number seen at or before {@code at}, or -1 when none was. */
    public long headAt(long at) {
        int lo = 0;
        int hi = observedAt.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (observedAt[mid] <= at) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return -1;
        }
        return numbers[found];
    }
}
