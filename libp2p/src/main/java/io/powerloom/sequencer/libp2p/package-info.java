/**
 * A small libp2p host on Netty: the subset of libp2p that Powerloom's snapshotter peers (go-libp2p, js-libp2p)
 * use to reach a sequencer, written against the libp2p specs.
 *
 * <ul>
 *   <li>Transport: TCP (Netty NIO), dialing and listening.</li>
 *   <li>Negotiation: multistream-select 1.0 ({@code /multistream/1.0.0}), both roles.</li>
 *   <li>Security: Noise XX ({@code /noise}, Noise_XX_25519_ChaChaPoly_SHA256) with the libp2p handshake payload;
 *       identity keys Ed25519, secp256k1 and RSA (2048–8192 bits), key files in the forms go-libp2p, js-libp2p and
 *       Powerloom's nodes keep them, see {@link io.powerloom.sequencer.libp2p.crypto}.</li>
 *   <li>Multiplexing: yamux ({@code /yamux/1.0.0}) with per-stream flow control, both roles; inbound streams that
 *       stay silent (go-libp2p's lazily negotiated pooled streams) live as long as their connection, and
 *       {@link io.powerloom.sequencer.libp2p.Connection#openStreamLazy} opens streams that way.</li>
 *   <li>Admission: per-IP caps on connections and handshakes, an idle timeout, relayed connections only through
 *       the configured relays, and a bound on the bytes queued for one peer (reading stops while it is
 *       exceeded).</li>
 *   <li>Services: identify ({@code /ipfs/id/1.0.0}) and ping ({@code /ipfs/ping/1.0.0}) responders.</li>
 *   <li>PubSub: a GossipSub v1.2 router ({@code /meshsub/1.2.0}, {@code 1.1.0}, {@code 1.0.0}) with StrictSign,
 *       in {@link io.powerloom.sequencer.libp2p.pubsub}; a Kademlia DHT client ({@code /ipfs/kad/1.0.0}) for
 *       bootstrap and rendezvous discovery, in {@link io.powerloom.sequencer.libp2p.kad}.</li>
 *   <li>Circuit relay v2, listening side: reservations on configured relays (renewed, re-established with backoff)
 *       and relayed connections accepted through {@code /libp2p/circuit/relay/0.2.0/stop}; dialing
 *       {@code <relay>/p2p-circuit/p2p/<id>} through {@code /hop} CONNECT.</li>
 * </ul>
 *
 * <p>Entry point: {@link io.powerloom.sequencer.libp2p.Libp2pHost#builder()}. Applications handle inbound
 * streams with a {@link io.powerloom.sequencer.libp2p.StreamHandler} per protocol and open outbound
 * streams on a {@link io.powerloom.sequencer.libp2p.Connection}. Every callback runs on the connection's
 * Netty event loop; every failure surfaces as a {@link io.powerloom.sequencer.libp2p.Libp2pException} with a
 * {@link io.powerloom.sequencer.libp2p.Libp2pException.Kind}.
 *
 * <h2>Layers</h2>
 * Each layer is a small state machine over a {@link io.powerloom.sequencer.libp2p.internal.transport.Link}
 * (a byte pipe with a receiver), so the same code runs a connection on a TCP channel or inside a relay stream:
 * {@code transport.TcpLink} → {@code multistream.MultistreamNegotiator} ({@code /noise}) →
 * {@code noise.NoiseHandshake} → {@code noise.SecureLink} → multistream ({@code /yamux/1.0.0}) →
 * {@code yamux.YamuxSession}/{@code YamuxStream} → multistream (application protocol) → your handler.
 * {@code core.Upgrader} drives the first steps, {@code core.HostCore} owns the event loops, listeners, limits and
 * counters, {@code relay.*} the circuit relay client.
 *
 * <h2>Threading</h2>
 * A connection lives on one Netty event loop, and so do all its streams and a relayed connection running inside
 * one of its streams. Handlers are called on that loop and must not block; {@link
 * io.powerloom.sequencer.libp2p.StreamContext} methods may be called from any thread (they hop onto the
 * loop).
 *
 * <h2>Flow control and memory</h2>
 * yamux gives each stream a 256 KiB receive window; this host re-grants it once half was delivered to the
 * handler. {@link io.powerloom.sequencer.libp2p.StreamContext#setReadPaused(boolean)} stops delivery and
 * grants, so a paused stream holds at most 256 KiB and its sender stalls; the memory a peer can pin is thus
 * bounded by {@code maxConnections × maxStreamsPerConnection × 256 KiB}: size those limits accordingly. What a
 * peer can make this host send (answers to its pings, window updates, resets) is bounded per TCP connection by
 * {@code maxQueuedBytesPerConnection}: the connection stops reading while more is queued. Writes
 * beyond the remote's window wait in the stream (their futures complete when sent).
 *
 * <h2>Hot path</h2>
 * Received data is handed to handlers as slices of the decrypted Noise message (no copy); writes are gathered
 * per event-loop turn and encrypted straight from the gathered buffers into one Noise message per 64 KiB
 * ({@code internal.noise.ChaChaPoly}: RFC 8439 ChaCha20-Poly1305 working on the buffers in place, the tag checked
 * before any plaintext is written; byte for byte the JDK cipher's output, without its per-message re-initialisation
 * and buffering), then flushed once. {@code Libp2pThroughputITCase}
 * measures the host (direct and through a js-libp2p relay); its figures are in docs/benchmarks.md.
 *
 * <h2>Not implemented</h2>
 * TLS security, mplex, QUIC/WebSocket transports, identify push sending, our own keep-alive pings (we answer
 * the peer's), ECDSA identities, Noise early data / muxer negotiation in the handshake extensions (peers offering
 * TLS first fall back to Noise), and acting as a relay.
 *
 * <p>The package depends only on Netty, BouncyCastle and SLF4J, so other JVM projects can reuse it.
 */
package io.powerloom.sequencer.libp2p;
