package io.powerloom.sequencer.query.api;

import io.powerloom.sequencer.query.state.StateVersions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serialized answers of the per-slot and per-epoch views, each kept with the versions ({@link StateVersions}) of the
 * partition keys it was read from: served again, byte for byte, until one of them changes. Built only from this
 * instance's own partitions (an answer read from another instance has no local version to check). Bounded by the
 * total size of the answers held ({@code query.view.cache.bytes}); an answer larger than a sixty-fourth of it is not
 * kept, and when full, the answers kept first make room.
 */
final class ViewCache {
    /** The versions an answer was built from, read before the reads that built it. */
    record Stamp(long generation, long first, long second) {}

    private record Entry(Stamp stamp, String firstKey, String secondKey, byte[] body) {}

    private final StateVersions versions;
    private final long maxBytes;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Keys in the order they were first kept: the oldest make room (each key once: it is added when new). */
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();

    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param maxBytes most bytes of answers held; 0 keeps none */
    ViewCache(StateVersions versions, long maxBytes) {
        this.versions = versions;
        this.maxBytes = maxBytes;
    }

    /** The versions of {@code first} and {@code second} (null: none) now. */
    Stamp stamp(String first, String second) {
        long g = versions.generation();
        return new Stamp(g, versions.of(first), second == null ? 0 : versions.of(second));
    }

    /** The answer kept under {@code key} if nothing it was read from has changed since, else null. Never blocks. */
    byte[] get(String key) {
        if (maxBytes == 0) {
            return null;
        }
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        Stamp s = e.stamp();
        if (s.generation() != versions.generation()
                || s.first() != versions.of(e.firstKey())
                || (e.secondKey() != null && s.second() != versions.of(e.secondKey()))) {
            return null;
        }
        hits.increment();
        return e.body();
    }

    /** Keeps {@code body}, read from {@code first} and {@code second} after {@code stamp} was taken. */
    void put(String key, Stamp stamp, String first, String second, byte[] body) {
        if (maxBytes == 0 || body.length > maxBytes / 64) {
            return;
        }
        Entry old = entries.put(key, new Entry(stamp, first, second, body));
        bytes.addAndGet(body.length - (old == null ? 0 : old.body().length));
        if (old == null) {
            order.add(key);
        }
        String victim;
        while (bytes.get() > maxBytes && (victim = order.poll()) != null) {
            Entry gone = entries.remove(victim);
            if (gone != null) {
                bytes.addAndGet(-gone.body().length);
            }
        }
    }

    /** Counts an answer built because none was kept (or it was out of date). */
    void miss() {
        misses.increment();
    }

    long hits() {
        return hits.sum();
    }

    /** Answers built (and, when they fit, kept). */
    long misses() {
        return misses.sum();
    }

    long bytes() {
        return bytes.get();
    }

    int size() {
        return entries.size();
    }
}
