package io.powerloom.sequencer.config;

/**
 * Something that gives the value in effect of an option: a {@link Config}, or a process's own configuration object.
 * A library that declares options of its own reads them through this, whoever loaded them.
 */
public interface OptionValues {
    /** The value given, or the option's default, or null when it has neither. */
    <T> T get(Option<T> option);
}
