package io.powerloom.sequencer.libp2p.internal.relay;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.ReservationState;
import io.powerloom.sequencer.libp2p.internal.core.HostCore;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one reservation on one relay: dials the relay, reserves, renews before expiry on the same connection,
 * and when the relay drops the connection, refuses, or does not answer within the exchange timeout, retries with
 * exponential backoff (0.5 s doubling up to 30 s). A failed renewal on a connection that carries relayed
 * connections keeps that connection (closing it would cut every live circuit) and retries on it; a connection
 * without circuits is closed and the retry dials afresh. All state changes run on one event loop.
 */
public final class RelayReservation {
    private static final Logger LOG = LoggerFactory.getLogger(RelayReservation.class);
    private static final long MIN_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final HostCore core;
    private final CircuitRelayClient client;
    private final Multiaddr relay;
    private final EventLoop loop;
    private volatile ReservationState state =
            new ReservationState(ReservationState.Status.CONNECTING, null, 0, 0, null, 0, 0);
    private Connection connection;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    public RelayReservation(HostCore core, CircuitRelayClient client, Multiaddr relay) {
        this.core = core;
        this.client = client;
        this.relay = relay;
        this.loop = core.group().next();
    }

    /** The relay's address (with {@code /p2p/<relay id>}). */
    public Multiaddr relay() {
        return relay;
    }

    public ReservationState state() {
        return state;
    }

    /** Starts reserving. */
    public void start() {
        loop.execute(this::connect);
    }

    /** Stops renewing and closes the relay connection. */
    public void stop() {
        loop.execute(() -> {
            stopped = true;
            if (timer != null) {
                timer.cancel(false);
            }
            state = new ReservationState(
                    ReservationState.Status.STOPPED,
                    null,
                    state.attempts(),
                    state.renewals(),
                    state.lastError(),
                    state.limitDurationSeconds(),
                    state.limitDataBytes());
            if (connection != null) {
                connection.close();
            }
        });
    }

    private void connect() {
        if (stopped) {
            return;
        }
        if (connection != null && connection.isOpen()) {
            reserve();
            return;
        }
        state = new ReservationState(
                ReservationState.Status.CONNECTING,
                null,
                state.attempts(),
                state.renewals(),
                state.lastError(),
                state.limitDurationSeconds(),
                state.limitDataBytes());
        core.dialDirect(relay)
                .whenComplete((c, e) -> loop.execute(() -> {
                    if (e != null) {
                        failed(e);
                        return;
                    }
                    if (stopped) {
                        c.close();
                        return;
                    }
                    connection = c;
                    c.closeFuture().whenComplete((v, x) -> loop.execute(() -> onDisconnected(c)));
                    reserve();
                }));
    }

    private void reserve() {
        Connection c = connection;
        client.reserve(c)
                .whenComplete((m, e) -> loop.execute(() -> {
                    if (stopped) {
                        return;
                    }
                    if (e != null) {
                        failed(e);
                        return;
                    }
                    long nowMs = System.currentTimeMillis();
                    long expireMs = m.reservationExpire() > 0 ? m.reservationExpire() * 1000 : nowMs + 3_600_000;
                    long remaining = Math.max(0, expireMs - nowMs);
                    long delay = renewDelayMs(remaining);
                    state = new ReservationState(
                            ReservationState.Status.RESERVED,
                            Instant.ofEpochMilli(expireMs),
                            0,
                            state.renewals() + 1,
                            null,
                            m.limitDurationSeconds(),
                            m.limitDataBytes());
                    LOG.info("reserved on relay {} until {} (renewing in {} s)", relay, state.expires(), delay / 1000);
                    if (state.limited()) {
                        LOG.warn(
                                "relay {} limits every relayed connection to {} s and {} bytes: pooled /collect streams will be "
                                        + "cut; configure the relay without limits",
                                relay,
                                m.limitDurationSeconds(),
                                m.limitDataBytes());
                    }
                    schedule(delay, this::connect);
                }));
    }

    /**
     * When to renew a reservation that expires in {@code remainingMs}: a quarter of the time (but at least
     * 10 s, at most half of it) before it expires, and never sooner than 1 s from now.
     */
    static long renewDelayMs(long remainingMs) {
        long margin = Math.max(remainingMs / 4, Math.min(10_000, remainingMs / 2));
        return Math.max(1000, remainingMs - margin);
    }

    private void failed(Throwable e) {
        if (stopped) {
            return;
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        boolean keep = connection != null && connection.isOpen() && core.streamCount(connection) > 0;
        if (connection != null && !keep) {
            // a relay that stopped answering may still hold the TCP connection open: start over on a new one
            Connection stale = connection;
            connection = null;
            stale.close();
        }
        int attempts = state.attempts() + 1;
        long delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(16, attempts - 1));
        // a reservation that has not expired yet still holds while the renewal is retried
        boolean stillValid = state.expires() != null && state.expires().isAfter(Instant.now());
        state = new ReservationState(
                stillValid ? ReservationState.Status.RESERVED : ReservationState.Status.BACKOFF,
                stillValid ? state.expires() : null,
                attempts,
                state.renewals(),
                String.valueOf(cause.getMessage()),
                state.limitDurationSeconds(),
                state.limitDataBytes());
        if (keep) {
            LOG.warn(
                    "renewing the reservation on relay {} failed (attempt {}): {}; keeping the connection and its "
                            + "circuits, retrying in {} ms",
                    relay,
                    attempts,
                    cause.getMessage(),
                    delay);
            schedule(delay, this::connect);
            return;
        }
        LOG.warn(
                "reservation on relay {} failed (attempt {}): {}; retrying in {} ms",
                relay,
                attempts,
                cause.getMessage(),
                delay);
        schedule(delay, this::connect);
    }

    private void onDisconnected(Connection c) {
        if (stopped || c != connection) {
            return;
        }
        connection = null;
        failed(new IllegalStateException("relay connection closed"));
    }

    private void schedule(long delayMs, Runnable r) {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = loop.schedule(r, delayMs, TimeUnit.MILLISECONDS);
    }
}
