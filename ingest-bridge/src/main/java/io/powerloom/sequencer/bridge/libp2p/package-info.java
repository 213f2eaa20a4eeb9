/**
 * A small libp2p host on Netty: the subset of libp2p that Powerloom's snapshotter peers (go-libp2p, js-libp2p)
 * use to reach a sequencer, written against the libp2p specs.
 *
 * <ul>
 *   <li>Transport: TCP (Netty NIO), dialing and listening.</li>
 *   <li>Negotiation: multistream-select 1.0 ({@code /multistream/1.0.0}), both roles.</li>
 *   <li>Security: Noise XX ({@code /noise}, Noise_XX_25519_ChaChaPoly_SHA256) with the libp2p handshake payload;
 *       identity keys Ed25519 and secp256k1 (RSA verify only), see {@link io.powerloom.sequencer.bridge.libp2p.crypto}.</li>
 *   <li>Multiplexing: yamux ({@code /yamux/1.0.0}) with per-stream flow control, both roles.</li>
 *   <li>Services: identify ({@code /ipfs/id/1.0.0}) and ping ({@code /ipfs/ping/1.0.0}) responders.</li>
 *   <li>Circuit relay v2, listening side: reservations on configured relays (renewed, re-established with backoff)
 *       and relayed connections accepted through {@code /libp2p/circuit/relay/0.2.0/stop}; dialing
 *       {@code <relay>/p2p-circuit/p2p/<id>} through {@code /hop} CONNECT.</li>
 * </ul>
 *
 * <p>Entry point: {@link io.powerloom.sequencer.bridge.libp2p.Libp2pHost#builder()}. Applications handle inbound
 * streams with a {@link io.powerloom.sequencer.bridge.libp2p.StreamHandler} per protocol and open outbound
 * streams on a {@link io.powerloom.sequencer.bridge.libp2p.Connection}. Every callback runs on the connection's
 * Netty event loop; every failure surfaces as a {@link io.powerloom.sequencer.bridge.libp2p.Libp2pException} with a
 * {@link io.powerloom.sequencer.bridge.libp2p.Libp2pException.Kind}.
 *
 * <p>The package depends only on Netty and BouncyCastle, so other JVM projects can reuse it.
 */
package io.powerloom.sequencer.bridge.libp2p;
