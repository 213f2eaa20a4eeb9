package io.powerloom.sequencer.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the text of a setting becomes a typed value and back: the one parser of each type for every process.
 *
 * <ul>
 *   <li>durations: a number and a unit, {@code 500 ms}, {@code 250ms}, {@code 30 s}, {@code 2m}, {@code 5 min},
 *       {@code 1h}, {@code 1d} (Flink's syntax and the bridge's); a bare number is in the option's bare unit
 *       (milliseconds unless the option says otherwise);</li>
 *   <li>byte sizes: {@code 65536}, {@code 64 KiB}, {@code 64kb}, {@code 1MiB}, {@code 1 g} (powers of 1024);</li>
 *   <li>lists: items separated by commas or semicolons, blanks dropped;</li>
 *   <li>booleans: {@code true} or {@code false}; enums: one of the constants' names in lower case with {@code -}
 *       for {@code _} (case and {@code -}/{@code _} do not matter when parsing).</li>
 * </ul>
 *
 * @param <T> the type of the value
 */
public interface ValueType<T> {
    /** Parses text (never null).
     *
     * @throws IllegalArgumentException with a message saying what was expected
     */
    T parse(String text);

    /** The canonical text of a value: {@code parse(format(v))} equals {@code v}. */
    String format(T value);

    /** The type's name in the documentation. */
    String name();

    ValueType<String> STRING = simple("string", s -> s, s -> s);

    ValueType<Integer> INT = simple(
            "int",
            s -> {
                try {
                    return Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not an integer");
                }
            },
            String::valueOf);

    ValueType<Long> LONG = simple(
            "long",
            s -> {
                try {
                    return Long.parseLong(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not an integer");
                }
            },
            String::valueOf);

    ValueType<Double> DOUBLE = simple(
            "double",
            s -> {
                try {
                    double d = Double.parseDouble(s.trim());
                    if (Double.isNaN(d)) {
                        throw new NumberFormatException();
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number");
                }
            },
            String::valueOf);

    ValueType<Boolean> BOOLEAN = simple(
            "boolean",
            s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("expected true or false");
            },
            String::valueOf);

    ValueType<List<String>> LIST = simple(
            "list",
            s -> Arrays.stream(s.split("[,;]"))
                    .map(String::trim)
                    .filter(x -> !x.isEmpty())
                    .toList(),
            l -> String.join(",", l));

    /** {@code host:port} (unresolved; port 0 to 65535). */
    ValueType<java.net.InetSocketAddress> HOST_PORT = simple(
            "host:port",
            s -> {
                String t = s.trim();
                int colon = t.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("expected host:port");
                }
                int port;
                try {
                    port = Integer.parseInt(t.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected host:port, bad port");
                }
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("port out of range: " + port);
                }
                return java.net.InetSocketAddress.createUnresolved(t.substring(0, colon), port);
            },
            a -> a.getHostString() + ":" + a.getPort());

    /** Byte sizes as a number of bytes. */
    ValueType<Long> BYTES = simple("byte size", ValueType::parseBytes, ValueType::formatBytes);

    /** Durations whose bare numbers are milliseconds. */
    ValueType<Duration> DURATION = duration(ChronoUnit.MILLIS);

    /** Durations whose bare numbers are in {@code bareUnit}. */
    static ValueType<Duration> duration(ChronoUnit bareUnit) {
        return simple("duration", s -> parseDuration(s, bareUnit), ValueType::formatDuration);
    }

    /** An enum's constants, written in lower case with {@code -} for {@code _}. */
    static <E extends Enum<E>> ValueType<E> enumOf(Class<E> type) {
        Map<String, E> byName = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            byName.put(enumName(e), e);
        }
        return simple(
                "one of " + String.join(", ", byName.keySet()),
                s -> {
                    E e = byName.get(s.trim().toLowerCase(Locale.ROOT).replace('_', '-'));
                    if (e == null) {
                        throw new IllegalArgumentException("allowed values: " + String.join(", ", byName.keySet()));
                    }
                    return e;
                },
                ValueType::enumName);
    }

    /** The text of an enum constant: {@code COMMITTED_OR_EARLIEST} is {@code committed-or-earliest}. */
    static String enumName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The text of every constant of an enum, in declaration order. */
    static List<String> enumNames(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(ValueType::enumName).collect(Collectors.toList());
    }

    static <T> ValueType<T> simple(
            String name, java.util.function.Function<String, T> parse, java.util.function.Function<T, String> format) {
        return new ValueType<>() {
            @Override
            public T parse(String text) {
                return parse.apply(text);
            }

            @Override
            public String format(T value) {
                return format.apply(value);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private static Duration parseDuration(String text, ChronoUnit bareUnit) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration (e.g. 500 ms, 30 s, 5 min, 1 h)");
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration out of range");
        }
        String unit = s.substring(i).trim();
        ChronoUnit u = switch (unit) {
            case "" -> bareUnit;
            case "ns", "nano", "nanos", "nanosecond", "nanoseconds" -> ChronoUnit.NANOS;
            case "us", "µs", "micro", "micros", "microsecond", "microseconds" -> ChronoUnit.MICROS;
            case "ms", "milli", "millis", "millisecond", "milliseconds" -> ChronoUnit.MILLIS;
            case "s", "sec", "secs", "second", "seconds" -> ChronoUnit.SECONDS;
            case "m", "min", "mins", "minute", "minutes" -> ChronoUnit.MINUTES;
            case "h", "hour", "hours" -> ChronoUnit.HOURS;
            case "d", "day", "days" -> ChronoUnit.DAYS;
            default ->
                throw new IllegalArgumentException("unknown duration unit '" + unit + "' (use ms, s, min, h or d)");
        };
        try {
            return Duration.of(amount, u);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range");
        }
    }

    /** The largest unit that divides the duration: {@code 500 ms}, {@code 30 s}, {@code 5 min}, {@code 1 h}. */
    private static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (!Duration.ofMillis(ms).equals(d)) {
            return d.toNanos() + " ns";
        }
        if (ms == 0) {
            return "0 ms";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "min", "s"};
        for (int k = 0; k < sizes.length; k++) {
            if (ms % sizes[k] == 0) {
                return ms / sizes[k] + " " + names[k];
            }
        }
        return ms + " ms";
    }

    private static long parseBytes(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a size (e.g. 65536, 64 KiB, 1 MiB)");
        }
        String unit = s.substring(i).trim();
        int shift = switch (unit) {
            case "", "b", "bytes" -> 0;
            case "k", "kb", "kib", "kibibytes" -> 10;
            case "m", "mb", "mib", "mebibytes" -> 20;
            case "g", "gb", "gib", "gibibytes" -> 30;
            default ->
                throw new IllegalArgumentException("unknown size unit '" + unit + "' (use bytes, KiB, MiB or GiB)");
        };
        try {
            long n = Long.parseLong(s.substring(0, i));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size out of range");
        }
    }

    private static String formatBytes(Long bytes) {
        long b = bytes;
        String[] names = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int k = 0; k < names.length; k++) {
            long unit = 1L << shifts[k];
            if (b != 0 && b % unit == 0) {
                return b / unit + " " + names[k];
            }
        }
        return Long.toString(b);
    }

    /** Splits a list value (as {@link #LIST} does), for options whose items need more parsing. */
    static List<String> items(String text) {
        return new ArrayList<>(LIST.parse(text));
    }
}
