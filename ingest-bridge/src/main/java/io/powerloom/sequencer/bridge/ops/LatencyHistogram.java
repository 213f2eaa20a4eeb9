package io.powerloom.sequencer.bridge.ops;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram: fine logarithmic buckets (about 4.4 % wide, 1 µs to about 2 minutes) for
 * quantile estimates, plus the coarse cumulative buckets Prometheus histograms use.
 *
 * <p>Quantiles are reported as the upper bound of the fine bucket that holds them, so they are never
 * optimistic by more than one bucket width. Values below 1 µs count as 1 µs, above the range as the last bucket.
 */
public final class LatencyHistogram {
    /** Upper bounds (seconds) of the exported Prometheus buckets; +Inf is implicit. */
    public static final double[] PROMETHEUS_BOUNDS_SECONDS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    private static final int STEPS_PER_DOUBLING = 16;
    private static final int FINE_BUCKETS = 27 * STEPS_PER_DOUBLING; // 2^27 µs ≈ 134 s
    private static final double LOG2_STEP = 1.0 / STEPS_PER_DOUBLING;

    private final AtomicLongArray fine = new AtomicLongArray(FINE_BUCKETS);
    private final AtomicLongArray coarse = new AtomicLongArray(PROMETHEUS_BOUNDS_SECONDS.length + 1);
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    /** Records one observation. Negative values count as zero. */
    public void recordNanos(long nanos) {
        long n = Math.max(0, nanos);
        count.increment();
        sumNanos.add(n);
        fine.incrementAndGet(fineIndex(n));
        double seconds = n / 1e9;
        int i = 0;
        while (i < PROMETHEUS_BOUNDS_SECONDS.length && seconds > PROMETHEUS_BOUNDS_SECONDS[i]) {
            i++;
        }
        coarse.incrementAndGet(i);
    }

    private static int fineIndex(long nanos) {
        double micros = nanos / 1000.0;
        if (micros <= 1) {
            return 0;
        }
        int idx = (int) Math.ceil(Math.log(micros) / Math.log(2) / LOG2_STEP);
        return Math.min(idx, FINE_BUCKETS - 1);
    }

    private static double fineUpperBoundNanos(int index) {
        return Math.pow(2, index * LOG2_STEP) * 1000.0;
    }

    /** Number of observations. */
    public long count() {
        return count.sum();
    }

    /** Sum of all observations in seconds. */
    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }

    /**
     * The q-quantile (0 &lt; q ≤ 1) in milliseconds, or NaN when nothing was recorded.
     */
    public double quantileMillis(double q) {
        return snapshot().quantileMillis(q);
    }

    /** The fine bucket counts now (to compute quantiles over an interval: later snapshot minus earlier). */
    public Snapshot snapshot() {
        long[] counts = new long[FINE_BUCKETS];
        for (int i = 0; i < FINE_BUCKETS; i++) {
            counts[i] = fine.get(i);
        }
        return new Snapshot(counts);
    }

    /** Fine bucket counts at one moment. */
    public static final class Snapshot {
        private final long[] counts;

        private Snapshot(long[] counts) {
            this.counts = counts;
        }

        /** Observations recorded after {@code earlier} was taken and up to this snapshot. */
        public Snapshot minus(Snapshot earlier) {
            long[] d = new long[counts.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = counts[i] - earlier.counts[i];
            }
            return new Snapshot(d);
        }

        /** Number of observations in this snapshot. */
        public long count() {
            long total = 0;
            for (long c : counts) {
                total += c;
            }
            return total;
        }

        /** The q-quantile (0 &lt; q ≤ 1) in milliseconds, or NaN when empty. */
        public double quantileMillis(double q) {
            if (!(q > 0 && q <= 1)) {
                throw new IllegalArgumentException("quantile must be in (0, 1]: " + q);
            }
            long total = count();
            if (total == 0) {
                return Double.NaN;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return fineUpperBoundNanos(i) / 1e6;
                }
            }
            return fineUpperBoundNanos(counts.length - 1) / 1e6;
        }
    }

    /** Cumulative counts for {@link #PROMETHEUS_BOUNDS_SECONDS} followed by the +Inf bucket. */
    public long[] cumulativeBuckets() {
        long[] out = new long[coarse.length()];
        long running = 0;
        for (int i = 0; i < out.length; i++) {
            running += coarse.get(i);
            out[i] = running;
        }
        return out;
    }
}
