// A circuit relay v2 server for the interop tests, with limits raised for long-lived pooled streams.
// Usage: node relay.mjs --port <p> [--ttl-ms <reservation ttl>] ; prints `READY {"peerId","addrs"}`.
import { args, createNode, emit, identity, load, stopOnSignal } from './common.mjs'

const opts = args()
const { circuitRelayServer } = await load('@libp2p/circuit-relay-v2')
const node = await createNode({
  privateKey: await identity(opts),
  listen: [`/ip4/127.0.0.1/tcp/${opts.port ?? 0}`],
  services: {
    relay: circuitRelayServer({
      maxInboundHopStreams: 10000,
      maxOutboundStopStreams: 10000,
      reservations: {
        maxReservations: 1000,
        reservationTtl: Number(opts['ttl-ms'] ?? 2 * 60 * 60 * 1000),
        defaultDurationLimit: 24 * 60 * 60 * 1000,
        defaultDataLimit: BigInt(1) << BigInt(40)
      }
    })
  }
})
node.addEventListener('connection:close', (e) => emit('CLOSED', { peer: e.detail.remotePeer.toString() }))
emit('READY', { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })
stopOnSignal(node)
if (opts['drop-after-ms']) {
  // close every connection once, to test that reservations come back
  setTimeout(async () => {
    for (const c of node.getConnections()) await c.close().catch(() => {})
    emit('DROPPED', {})
  }, Number(opts['drop-after-ms']))
}
