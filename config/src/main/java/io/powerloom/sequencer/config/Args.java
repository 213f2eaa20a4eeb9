package io.powerloom.sequencer.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The one command-line parser of every process: {@code --key value} or {@code --key=value}. */
public final class Args {
    private Args() {}

    /**
     * Parses arguments into keys and values in order (a later one wins).
     *
     * @param flags keys that take no value ({@code --help}); they map to {@code "true"}
     * @throws ConfigException on an argument that is not {@code --key}, or a key without its value
     */
    public static Map<String, String> parse(String[] args, Set<String> flags) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() < 3) {
                throw new ConfigException(a, "unexpected argument: use --<key> <value> or --<key>=<value>");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (flags.contains(key)) {
                value = "true";
            } else {
                if (i + 1 >= args.length) {
                    throw new ConfigException("--" + key, "missing value");
                }
                value = args[++i];
            }
            out.remove(key);
            out.put(key, value);
        }
        return out;
    }

    public static Map<String, String> parse(String[] args) {
        return parse(args, Set.of());
    }
}
