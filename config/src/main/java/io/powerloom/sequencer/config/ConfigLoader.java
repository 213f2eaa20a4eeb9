package io.powerloom.sequencer.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads the settings of one process from its sources, each overriding the ones before: typically a properties file or
 * the Flink configuration, then {@code --key value} arguments, then environment variables.
 *
 * <p>Every source accepts an option's key, its deprecated keys (with one warning line naming the new key) and keys
 * under a pass-through prefix. A key that is none of these is refused, naming it and the known keys: in files and
 * arguments always, in a shared map such as the Flink configuration only under {@link #PREFIX} (other keys are the
 * map owner's). Every value is parsed and checked by {@link #load()}, which names the key of a bad one.
 */
public final class ConfigLoader {
    /** The prefix of every key. */
    public static final String PREFIX = "sequencer.";

    private final OptionSet options;
    private final Map<String, String> values = new LinkedHashMap<>();
    /** The key each value was given as, where that was a deprecated one (named in errors). */
    private final Map<String, String> givenAs = new LinkedHashMap<>();

    private final Set<String> warnings = new LinkedHashSet<>();
    private Consumer<String> onWarning = w -> {};

    private ConfigLoader(OptionSet options) {
        this.options = options;
    }

    public static ConfigLoader of(OptionSet options) {
        return new ConfigLoader(options);
    }

    /** Where each warning line goes as it is found (a logger); {@link Config#warnings()} keeps them too. */
    public ConfigLoader onWarning(Consumer<String> sink) {
        this.onWarning = sink;
        return this;
    }

    /**
     * Settings from a map every key of which must be known (a file, code).
     *
     * @param source named in errors and warnings
     */
    public ConfigLoader map(String source, Map<String, String> settings) {
        return apply(source, settings, true);
    }

    /** Settings from a map shared with others (the Flink configuration): only {@code sequencer.*} keys must be known. */
    public ConfigLoader sharedMap(String source, Map<String, String> settings) {
        return apply(source, settings, false);
    }

    /**
     * Settings from a Java properties file.
     *
     * @throws ConfigException naming the file when it cannot be read
     */
    public ConfigLoader file(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read configuration file: " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            m.put(k, p.getProperty(k));
        }
        return map(file.toString(), m);
    }

    /**
     * Settings from {@code --key value} arguments ({@link Args}); {@code --batch.size} is short for
     * {@code --sequencer.batch.size}.
     */
    public ConfigLoader args(String[] args, Set<String> flags) {
        Map<String, String> given = Args.parse(args, flags);
        Map<String, String> m = new LinkedHashMap<>();
        given.forEach((k, v) -> {
            if (canonical(k, null) == null && canonical(PREFIX + k, null) != null) {
                k = PREFIX + k;
            }
            m.put(k, v);
        });
        return apply("arguments", m, true);
    }

    public ConfigLoader args(String[] args) {
        return args(args, Set.of());
    }

    /**
     * Settings from environment variables: {@link Env#name} of each key ({@code SEQUENCER_CHAIN_RPC_URL}); of a
     * deprecated key, the old variable (the set's legacy prefix and the old key, e.g.
     * {@code SEQUENCER_BRIDGE_KAFKA_BOOTSTRAP_SERVERS}); under a pass-through prefix, the prefix's variable and the
     * rest of the key ({@code SEQUENCER_KAFKA_PRODUCER_BATCH_SIZE}). Blank variables count as unset; variables that
     * name no key are not ours (other processes', or a signer key's).
     */
    public ConfigLoader env(Map<String, String> env) {
        Map<String, String> deprecated = new LinkedHashMap<>();
        Map<String, String> current = new LinkedHashMap<>();
        String legacy = options.legacyEnvPrefix();
        for (Option<?> o : options.options()) {
            for (String d : o.deprecatedKeys()) {
                // an old variable that is also the new one's name (SEQUENCER_QUERY_HTTP_ADVERTISED) is the new one
                if (!legacy.isEmpty() && !(legacy + Env.name(d)).equals(o.envName())) {
                    putIfSet(env, legacy + Env.name(d), d, deprecated);
                }
            }
            putIfSet(env, o.envName(), o.key(), current);
        }
        for (Map.Entry<String, List<String>> p : options.passThrough().entrySet()) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
                if (e.getValue() == null || e.getValue().isBlank()) {
                    continue;
                }
                String key = Env.passThroughKey(p.getKey(), e.getKey());
                if (key != null) {
                    current.put(key, e.getValue());
                }
                if (!legacy.isEmpty()) {
                    for (String alias : p.getValue()) {
                        String variablePrefix = legacy + Env.name(alias);
                        if (e.getKey().startsWith(variablePrefix) && e.getKey().length() > variablePrefix.length()) {
                            deprecated.put(
                                    Env.passThroughKey(alias, e.getKey().substring(legacy.length())), e.getValue());
                        }
                    }
                }
            }
        }
        apply("environment (" + legacy + "*)", deprecated, true);
        return apply("environment", current, true);
    }

    private static void putIfSet(Map<String, String> env, String variable, String key, Map<String, String> out) {
        String v = env.get(variable);
        if (v != null && !v.isBlank()) {
            out.put(key, v);
        }
    }

    private ConfigLoader apply(String source, Map<String, String> settings, boolean strict) {
        // deprecated keys first, so that a source giving both keys of a setting takes the new one
        Map<String, String> fromAliases = new LinkedHashMap<>();
        Map<String, String> direct = new LinkedHashMap<>();
        Map<String, String> aliasOf = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String given = e.getKey();
            String key = canonical(given, source);
            if (key == null) {
                if (strict || given.startsWith(PREFIX)) {
                    throw new ConfigException(given, "unknown setting (in " + source + "); known settings: " + known());
                }
                continue;
            }
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (key.equals(given)) {
                direct.put(key, value);
            } else {
                fromAliases.put(key, value);
                aliasOf.put(key, given);
            }
        }
        values.putAll(fromAliases);
        givenAs.putAll(aliasOf);
        values.putAll(direct);
        direct.keySet().forEach(givenAs::remove);
        return this;
    }

    /** The canonical key of a given key, or null; warns (when {@code source} is not null) about a deprecated one. */
    private String canonical(String given, String source) {
        Option<?> o = options.find(given);
        if (o != null) {
            if (!o.key().equals(given)) {
                warn(source, given, o.key());
            }
            return o.key();
        }
        for (Map.Entry<String, List<String>> p : options.passThrough().entrySet()) {
            if (given.startsWith(p.getKey()) && given.length() > p.getKey().length()) {
                return given;
            }
            for (String alias : p.getValue()) {
                if (given.startsWith(alias) && given.length() > alias.length()) {
                    String key = p.getKey() + given.substring(alias.length());
                    warn(source, given, key);
                    return key;
                }
            }
        }
        return null;
    }

    private void warn(String source, String given, String key) {
        if (source == null) {
            return;
        }
        String line = "deprecated setting " + given + " (in " + source + "): use " + key + " instead";
        if (warnings.add(line)) {
            onWarning.accept(line);
        }
    }

    private String known() {
        List<String> keys = new ArrayList<>();
        for (Option<?> o : options.options()) {
            keys.add(o.key());
        }
        for (String p : options.passThrough().keySet()) {
            keys.add(p + "*");
        }
        return String.join(", ", keys);
    }

    /**
     * Parses and checks every value.
     *
     * @throws ConfigException naming the key and the value of the first bad one
     */
    public Config load() {
        for (Map.Entry<String, String> e : values.entrySet()) {
            Option<?> o = options.find(e.getKey());
            if (o != null) {
                String given = givenAs.get(e.getKey());
                o.parse(given == null ? e.getKey() : given + " (now " + e.getKey() + ")", e.getValue());
            }
        }
        return new Config(values, new ArrayList<>(warnings));
    }
}
