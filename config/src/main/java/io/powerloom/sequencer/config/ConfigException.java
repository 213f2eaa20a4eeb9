package io.powerloom.sequencer.config;

/** A setting is unknown, missing or malformed: names the key (as given) and why. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
    }

    /** The offending key (or file, or argument). */
    public String key() {
        return key;
    }
}
