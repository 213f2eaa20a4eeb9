package io.powerloom.sequencer.query.state;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Versions of the stores' contents as seen by this instance, so that an answer built from them can be kept as bytes
 * and served again until what it was built from changes. {@link UpdateState} bumps the version of a partition key
 * after every update of it (summary or detail entries); anything that changes the stores outside of that (retention,
 * a rebalance or a restore) bumps the {@link #generation()}, which invalidates everything.
 *
 * <p>Versions are kept per stripe (a hash of the partition key), in a fixed array: two keys in one stripe only cost
 * each other a rebuild, and the memory stays bounded whatever the number of keys.
 */
public final class StateVersions {
    private static final int STRIPES = 1 << 16;

    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong generation = new AtomicLong();

    /** Called after the entries of {@code pk} changed (after the writes, so a reader never misses a change). */
    public void changed(String pk) {
        stripes.incrementAndGet(stripe(pk));
    }

    /** Invalidates every version (retention removed entries, or the instance's partitions moved or were restored). */
    public void changedAll() {
        generation.incrementAndGet();
    }

    /** The version of {@code pk}'s entries. Read it before reading the entries. */
    public long of(String pk) {
        return stripes.get(stripe(pk));
    }

    /** The generation: changes when every version is invalidated at once. Read it before the versions. */
    public long generation() {
        return generation.get();
    }

    private static int stripe(String pk) {
        int h = pk.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}
