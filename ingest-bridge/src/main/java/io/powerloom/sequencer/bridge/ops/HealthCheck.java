package io.powerloom.sequencer.bridge.ops;

/**
 * One readiness condition shown on {@code /healthz}.
 *
 * @param name   short name, e.g. {@code kafka}
 * @param ok     whether the condition holds
 * @param detail what was seen (shown to operators)
 */
public record HealthCheck(String name, boolean ok, String detail) {}
