package io.powerloom.sequencer.verify;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;

/**
 * A bounded heap copy of a small per-key state value, written through: the keyed state stays the truth (checkpoints,
 * restores, rescaling), the copy only saves reading it back on every record. A key's value is read from state the first
 * time this subtask needs it, and every write goes to both, so the copy never holds anything the state does not. The
 * least recently used keys are dropped beyond {@code maxKeys} (slot IDs come from submissions, so an attacker could
 * name any number of them) and read from state again when they come back.
 *
 * <p>Only for state that this function alone writes, and only within one subtask's life: a restore builds a new
 * function with an empty copy.
 */
final class StateMirror<K, V> {

    /** Reads the key's value from state ({@code null} when absent). */
    @FunctionalInterface
    interface Read<V> {
        V read() throws Exception;
    }

    private static final Object ABSENT = new Object();

    private final Map<K, Object> copy;

    StateMirror(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, got " + maxKeys);
        }
        this.copy = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Object> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** The key's value, from the copy or else from {@code state} (then kept). */
    @SuppressWarnings("unchecked")
    V get(K key, Read<V> state) throws Exception {
        Object v = copy.get(key);
        if (v == null) {
            V read = state.read();
            copy.put(key, read == null ? ABSENT : read);
            return read;
        }
        return v == ABSENT ? null : (V) v;
    }

    /** Records what was just written to the key's state ({@code null}: cleared). */
    void put(K key, V value) {
        copy.put(key, value == null ? ABSENT : value);
    }

    int size() {
        return copy.size();
    }

    /** A keyed value state and its heap copy: read and written only through here. */
    static final class OfValue<K, V> {
        private final ValueState<V> state;
        private final StateMirror<K, V> copy;

        OfValue(ValueState<V> state, int maxKeys) {
            this.state = state;
            this.copy = new StateMirror<>(maxKeys);
        }

        /** The current key's value; {@code key} must be the current key. */
        V value(K key) throws Exception {
            return copy.get(key, state::value);
        }

        /** Writes the current key's value ({@code null}: clears it); {@code key} must be the current key. */
        void update(K key, V value) throws Exception {
            if (value == null) {
                state.clear();
            } else {
                state.update(value);
            }
            copy.put(key, value);
        }
    }
}
