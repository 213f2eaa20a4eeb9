package io.powerloom.sequencer.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one process: its own and the shared ones it reads, plus the prefixes whose keys pass through to a
 * client library unchanged ({@code sequencer.kafka.producer.*}). The name and title head its section of the
 * generated reference.
 *
 * @param name          the section's id in {@code docs/configuration.md}
 * @param title         the section's heading
 * @param options       every option, in documentation order
 * @param passThrough   pass-through prefixes, each with its deprecated alias prefixes
 * @param legacyEnvPrefix prefix of the environment variables of the deprecated keys ({@code SEQUENCER_BRIDGE_}
 *                      for {@code kafka.bootstrap.servers}), or empty
 */
public record OptionSet(
        String name,
        String title,
        List<Option<?>> options,
        Map<String, List<String>> passThrough,
        String legacyEnvPrefix) {

    public OptionSet {
        options = List.copyOf(options);
        passThrough = Collections.unmodifiableMap(new LinkedHashMap<>(passThrough));
        Map<String, Option<?>> seen = new LinkedHashMap<>();
        for (Option<?> o : options) {
            for (String k : keysOf(o)) {
                if (seen.put(k, o) != null) {
                    throw new IllegalArgumentException("key " + k + " declared twice in " + name);
                }
            }
        }
    }

    private static List<String> keysOf(Option<?> o) {
        List<String> keys = new ArrayList<>();
        keys.add(o.key());
        keys.addAll(o.deprecatedKeys());
        return keys;
    }

    public static OptionSet of(String name, String title, List<Option<?>> options) {
        return new OptionSet(name, title, options, Map.of(), "");
    }

    public OptionSet withPassThrough(String prefix, String... deprecatedPrefixes) {
        Map<String, List<String>> p = new LinkedHashMap<>(passThrough);
        p.put(prefix, List.of(deprecatedPrefixes));
        return new OptionSet(name, title, options, p, legacyEnvPrefix);
    }

    public OptionSet withLegacyEnvPrefix(String prefix) {
        return new OptionSet(name, title, options, passThrough, prefix);
    }

    /** The option whose key or deprecated key is {@code key}, or null. */
    public Option<?> find(String key) {
        for (Option<?> o : options) {
            if (o.key().equals(key) || o.deprecatedKeys().contains(key)) {
                return o;
            }
        }
        return null;
    }

    /**
     * The {@code public static final Option} fields of {@code holders}, in declaration order: declaring an option
     * there is all it takes to register it.
     */
    public static List<Option<?>> declaredIn(Class<?>... holders) {
        List<Option<?>> out = new ArrayList<>();
        for (Class<?> holder : holders) {
            for (Field f : holder.getDeclaredFields()) {
                int m = f.getModifiers();
                if (f.getType() == Option.class && Modifier.isStatic(m) && Modifier.isPublic(m)) {
                    try {
                        out.add((Option<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return out;
    }
}
