package io.powerloom.sequencer.bridge.kafka;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The bridge's wall clock in epoch milliseconds, never going backwards: if the system clock steps back
 * (NTP correction), readings stay at the highest value seen until the system clock catches up.
 *
 * <p>Every record timestamp the bridge writes (submissions' {@code receivedAtMs}, heartbeats, rejects)
 * comes from one instance, so within one bridge event time never decreases (see {@code docs/event-time.md}).
 */
public final class ReceiveClock {
    private final LongSupplier source;
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /** The system clock. */
    public ReceiveClock() {
        this(System::currentTimeMillis);
    }

    /** Any source of epoch milliseconds (tests drive it by hand). */
    public ReceiveClock(LongSupplier source) {
        this.source = source;
    }

    /** This clock as a {@link java.time.Clock} (UTC), for components that take one (the chain watcher). */
    public java.time.Clock asJavaClock() {
        ReceiveClock self = this;
        return new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException("the bridge clock is UTC only");
            }

            @Override
            public long millis() {
                return self.now();
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(self.now());
            }
        };
    }

    /** Now, not earlier than any earlier reading. */
    public long now() {
        long t = source.getAsLong();
        return last.accumulateAndGet(t, Math::max);
    }
}
