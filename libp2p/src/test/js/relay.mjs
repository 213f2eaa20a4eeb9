// A circuit relay v2 server for the interop tests, without limits (long-lived pooled streams)
// (--default-limits: js-libp2p's defaults instead, 2 minutes and 128 KiB per relayed connection).
// Usage: node relay.mjs --port <p> [--ttl-ms <reservation ttl>] [--default-limits] ; prints `READY {"peerId","addrs"}`.
// Command on stdin: `refuse-hop` stops serving the hop protocol (new reservations, renewals and circuits are
// refused, as a relay that is restarting its service or over its limits does) while the circuits already open go
// on; prints `REFUSING {}`.
import { args, createNode, emit, identity, load, stopOnSignal } from './common.mjs'

const opts = args()
const { circuitRelayServer } = await load('@libp2p/circuit-relay-v2')
const { createInterface } = await import('node:readline')
const node = await createNode({
  privateKey: await identity(opts),
  listen: [`/ip4/127.0.0.1/tcp/${opts.port ?? 0}`],
  services: {
    relay: circuitRelayServer({
      maxInboundHopStreams: 10000,
      maxOutboundStopStreams: 10000,
      reservations: opts['default-limits']
        ? { maxReservations: 1000 }
        : {
            maxReservations: 1000,
            reservationTtl: Number(opts['ttl-ms'] ?? 2 * 60 * 60 * 1000),
            applyDefaultLimit: false // no Limit at all: relayed connections are not "limited"
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
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.trim() === 'refuse-hop') {
    await node.unhandle('/libp2p/circuit/relay/0.2.0/hop')
    emit('REFUSING', {})
  }
})
