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
 */
public record HostStats(int openConnections, int relayedConnections, int openStreams, long bytesIn,
                        long bytesOut, long rejectedConnections) {}
