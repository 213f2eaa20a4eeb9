package io.powerloom.sequencer.libp2p;

import java.time.Instant;

/**
 * The state of this host's circuit relay v2 reservation on one relay.
 *
 * @param status       where the reservation stands
 * @param expires      when the relay said the reservation expires (null unless reserved)
 * @param attempts     reservation attempts since the last success
 * @param renewals     successful reservations (first and renewals) since start
 * @param lastError    why the last attempt failed (null if it did not)
 * @param limitDurationSeconds the relay's limit on the duration of each relayed connection (0: none)
 * @param limitDataBytes       the relay's limit on the bytes of each relayed connection (0: none)
 */
public record ReservationState(
        Status status,
        Instant expires,
        int attempts,
        long renewals,
        String lastError,
        long limitDurationSeconds,
        long limitDataBytes) {
    /** Whether the relay limits the connections it relays (then they are "limited" and end early). */
    public boolean limited() {
        return limitDurationSeconds > 0 || limitDataBytes > 0;
    }

    /** Where a reservation stands. */
    public enum Status {
        /** Dialing the relay or waiting for its answer. */
        CONNECTING,
        /** Reserved: peers can reach us through this relay. */
        RESERVED,
        /** The last attempt failed; waiting before the next one. */
        BACKOFF,
        /** The host is closed. */
        STOPPED
    }
}
