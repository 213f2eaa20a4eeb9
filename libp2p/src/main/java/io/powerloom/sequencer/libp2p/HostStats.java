package io.powerloom.sequencer.libp2p;

/**
 * A snapshot of a host's counters (for metrics).
 *
 * @param openConnections  connections currently open (direct and relayed, both directions)
 * @param relayedConnections of those, the ones running through a relay
 * @param openStreams      yamux streams currently open on all connections
 * @param bytesIn          application bytes received on streams since start
 * @param bytesOut         application bytes written to streams since start
 * @param rejectedConnections connections refused or dropped by a limit or a failed handshake
 * @param refusedPerIp     of those, inbound connections refused by a per-IP limit (connections or pending handshakes)
 * @param refusedRelayed   relayed connections refused because they came through a relay we did not configure
 * @param closedIdle       inbound connections closed after the idle timeout with no stream
 * @param queuedBytes      bytes queued for sending on all TCP connections now
 * @param readPauses       times a TCP connection stopped reading because its send queue was full
 * @param limitedCircuits  relayed connections whose relay announced a duration or data limit (they end early)
 */
public record HostStats(
        int openConnections,
        int relayedConnections,
        int openStreams,
        long bytesIn,
        long bytesOut,
        long rejectedConnections,
        long refusedPerIp,
        long refusedRelayed,
        long closedIdle,
        long queuedBytes,
        long readPauses,
        long limitedCircuits) {}
