package io.powerloom.sequencer.config;

import java.util.Locale;

/** The one mapping between keys and environment variables. */
public final class Env {
    private Env() {}

    /** {@code sequencer.chain.rpc-url} is {@code SEQUENCER_CHAIN_RPC_URL}: upper case, {@code .} and {@code -} as {@code _}. */
    public static String name(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The key under a pass-through prefix that an environment variable stands for: the rest of the variable's name in
     * lower case with {@code _} as {@code .} ({@code SEQUENCER_KAFKA_PRODUCER_BATCH_SIZE} with prefix
     * {@code sequencer.kafka.producer.} is {@code sequencer.kafka.producer.batch.size}), or null when the variable is
     * not under the prefix.
     */
    public static String passThroughKey(String prefix, String variable) {
        String envPrefix = name(prefix);
        if (!variable.startsWith(envPrefix) || variable.length() == envPrefix.length()) {
            return null;
        }
        return prefix
                + variable.substring(envPrefix.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
    }
}
