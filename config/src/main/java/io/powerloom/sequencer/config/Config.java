package io.powerloom.sequencer.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Resolved settings: the values given, by canonical key, as text; each is parsed by its {@link Option} when read (every
 * one was parsed once when loaded, so reading does not fail). Serializable, so a Flink job can ship it to its tasks.
 */
public final class Config implements Serializable, OptionValues {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, String> values;
    private final List<String> warnings;

    Config(Map<String, String> values, List<String> warnings) {
        this.values = new TreeMap<>(values);
        this.warnings = List.copyOf(warnings);
    }

    /** Settings given as a map, unchecked: for values built by code (tests, replays). */
    public static Config ofValues(Map<String, String> values) {
        return new Config(values, List.of());
    }

    /** The value, or the option's default when not given, or null when it has neither. */
    @Override
    public <T> T get(Option<T> option) {
        String text = values.get(option.key());
        return text == null ? option.defaultValue() : option.parse(option.key(), text);
    }

    /** The value given or the default, if any. */
    public <T> Optional<T> getOptional(Option<T> option) {
        return Optional.ofNullable(get(option));
    }

    /**
     * The value or the default.
     *
     * @throws ConfigException naming the key when there is neither
     */
    public <T> T require(Option<T> option) {
        T v = get(option);
        if (v == null) {
            throw new ConfigException(option.key(), "is required");
        }
        return v;
    }

    /** Whether a value was given (not the default). */
    public boolean isSet(Option<?> option) {
        return values.containsKey(option.key());
    }

    /** The text given for a key, or null. */
    public String raw(String key) {
        return values.get(key);
    }

    /** Every key under {@code prefix} (a pass-through prefix), with the prefix removed. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** Every value given, by canonical key. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** One line per deprecated key that was used, naming its replacement. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
