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
 */
public record ReservationState(Status status, Instant expires, int attempts, long renewals, String lastError) {
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
