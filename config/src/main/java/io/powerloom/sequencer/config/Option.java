package io.powerloom.sequencer.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One setting: exactly one key, one type, one default (or none) and one description; optionally the keys it was known
 * by before (accepted with a warning naming this key) and checks its values must pass.
 *
 * <p>Options are immutable; the {@code with…} methods return a copy. Declare each as a {@code public static final}
 * constant of one class per process (shared facts in one shared class), collected into an {@link OptionSet}.
 *
 * @param <T> the type of the value
 */
public final class Option<T> {
    private final String key;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final String description;
    private final List<String> deprecatedKeys;
    private final List<Check<T>> checks;

    private record Check<T>(Predicate<T> test, String problem) {}

    private Option(
            String key,
            ValueType<T> type,
            T defaultValue,
            String defaultText,
            String description,
            List<String> deprecatedKeys,
            List<Check<T>> checks) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.description = description;
        this.deprecatedKeys = List.copyOf(deprecatedKeys);
        this.checks = List.copyOf(checks);
    }

    public static Option<String> string(String key) {
        return new Option<>(key, ValueType.STRING, null, null, "", List.of(), List.of());
    }

    public static Option<Integer> integer(String key) {
        return new Option<>(key, ValueType.INT, null, null, "", List.of(), List.of());
    }

    public static Option<Long> longValue(String key) {
        return new Option<>(key, ValueType.LONG, null, null, "", List.of(), List.of());
    }

    public static Option<Double> decimal(String key) {
        return new Option<>(key, ValueType.DOUBLE, null, null, "", List.of(), List.of());
    }

    public static Option<Boolean> bool(String key) {
        return new Option<>(key, ValueType.BOOLEAN, null, null, "", List.of(), List.of());
    }

    /** A duration; bare numbers are milliseconds. */
    public static Option<Duration> duration(String key) {
        return new Option<>(key, ValueType.DURATION, null, null, "", List.of(), List.of());
    }

    /** A duration whose bare numbers are in {@code bareUnit}. */
    public static Option<Duration> duration(String key, ChronoUnit bareUnit) {
        return new Option<>(key, ValueType.duration(bareUnit), null, null, "", List.of(), List.of());
    }

    /** A byte size in bytes ({@code 64 KiB}, {@code 1MiB}, {@code 65536}). */
    public static Option<Long> byteSize(String key) {
        return new Option<>(key, ValueType.BYTES, null, null, "", List.of(), List.of());
    }

    public static <E extends Enum<E>> Option<E> enumeration(String key, Class<E> type) {
        return new Option<>(key, ValueType.enumOf(type), null, null, "", List.of(), List.of());
    }

    /** A list of strings (comma- or semicolon-separated). */
    public static Option<List<String>> list(String key) {
        return new Option<>(key, ValueType.LIST, null, null, "", List.of(), List.of());
    }

    /** An option of any type. */
    public static <T> Option<T> of(String key, ValueType<T> type) {
        return new Option<>(key, type, null, null, "", List.of(), List.of());
    }

    public Option<T> defaultValue(T value) {
        Objects.requireNonNull(value, "default of " + key);
        return new Option<>(key, type, value, type.format(value), description, deprecatedKeys, checks);
    }

    /**
     * A default that is not a fixed value (e.g. "bridge id" or "slots - 2"): shown in the documentation, worked out by
     * the code that reads the option ({@link Config#get} returns null when it is not set).
     */
    public Option<T> defaultDescription(String text) {
        return new Option<>(key, type, null, text, description, deprecatedKeys, checks);
    }

    public Option<T> description(String text) {
        return new Option<>(key, type, defaultValue, defaultText, text, deprecatedKeys, checks);
    }

    /** Keys this setting was known by before: still accepted, each use with one warning naming {@link #key()}. */
    public Option<T> deprecatedKeys(String... keys) {
        List<String> all = new java.util.ArrayList<>(deprecatedKeys);
        all.addAll(List.of(keys));
        return new Option<>(key, type, defaultValue, defaultText, description, all, checks);
    }

    /** A check every value must pass; {@code problem} completes "bad value for KEY: 'v' ...". */
    public Option<T> check(Predicate<T> test, String problem) {
        List<Check<T>> all = new java.util.ArrayList<>(checks);
        all.add(new Check<>(test, problem));
        return new Option<>(key, type, defaultValue, defaultText, description, deprecatedKeys, all);
    }

    /** Shorthand: values of a number type must be at least {@code min}. */
    public Option<T> atLeast(long min) {
        return check(v -> ((Number) v).longValue() >= min, "must be at least " + min);
    }

    /** Shorthand: a duration must not be negative. */
    public Option<T> notNegative() {
        return check(v -> !(v instanceof Duration d) || !d.isNegative(), "must not be negative");
    }

    public String key() {
        return key;
    }

    public ValueType<T> type() {
        return type;
    }

    /** The default, or null when there is none (or it is worked out by the code). */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean hasDefaultValue() {
        return defaultValue != null;
    }

    /** The default as documented, or null. */
    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    public List<String> deprecatedKeys() {
        return deprecatedKeys;
    }

    /** The environment variable of this option: {@code sequencer.chain.rpc-url} is {@code SEQUENCER_CHAIN_RPC_URL}. */
    public String envName() {
        return Env.name(key);
    }

    /**
     * Parses and checks a value.
     *
     * @throws ConfigException naming the key (as given: {@code givenKey}) and the value
     */
    public T parse(String givenKey, String text) {
        T v;
        try {
            v = type.parse(text);
        } catch (RuntimeException e) {
            throw new ConfigException(givenKey, "bad value '" + text + "' (" + e.getMessage() + ")");
        }
        for (Check<T> c : checks) {
            if (!c.test().test(v)) {
                throw new ConfigException(givenKey, "bad value '" + text + "': " + c.problem());
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return key;
    }
}
