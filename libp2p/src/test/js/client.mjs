// A js-libp2p client: dials --target (direct or /p2p-circuit), then optionally
//   --protocol P --streams S --bytes N --chunk C : writes N pattern bytes on each of S streams, closes them;
//   --echo : reads back what the remote sends and checks it equals what was written;
//   --ping : pings the target (direct connections); --identify : reports what identify learned.
// Prints `RESULT {...}` and exits 0, or `ERROR {...}` and exits 1.
import { createHash } from 'node:crypto'
import { args, createNode, identity, load, pattern, runOnce, send } from './common.mjs'

const opts = args()
const { multiaddr } = await load('@multiformats/multiaddr')
const node = await createNode({ privateKey: await identity(opts) })
const result = { peerId: node.peerId.toString() }
await runOnce(node, result, async () => {
  const ma = multiaddr(opts.target)
  const conn = await node.dial(ma, { signal: AbortSignal.timeout(20000) })
  result.remotePeer = conn.remotePeer.toString()
  result.limited = conn.limits != null
  if (opts.protocol) {
    const streams = Number(opts.streams ?? 1)
    const total = Number(opts.bytes ?? 1000)
    const chunk = Number(opts.chunk ?? 500)
    result.streams = await Promise.all(Array.from({ length: streams }, async (_, s) => {
      const stream = await conn.newStream(opts.protocol, { runOnLimitedConnection: true, signal: AbortSignal.timeout(20000) })
      const sent = createHash('sha256')
      const received = createHash('sha256')
      let receivedBytes = 0
      // always read to the end: the remote's FIN tells us it has everything we sent (closing our side only
      // means our bytes left this process, and stopping the node right after could cut a relayed circuit)
      const reading = (async () => { for await (const b of stream) { const u = b.subarray(); received.update(u); receivedBytes += u.length } })()
      for (let off = 0; off < total; off += chunk) {
        const b = pattern(s, off, Math.min(chunk, total - off))
        sent.update(b)
        await send(stream, b)
      }
      await stream.close()
      await reading
      return { sent: total, sha256: sent.digest('hex'), received: receivedBytes, receivedSha256: received.digest('hex') }
    }))
  }
  if (opts.ping) result.pingMs = await node.services.ping.ping(ma)
  if (opts.identify) {
    await new Promise(r => setTimeout(r, 300))
    const peer = await node.peerStore.get(conn.remotePeer)
    result.protocols = peer.protocols
    result.agentVersion = new TextDecoder().decode(peer.metadata.get('AgentVersion') ?? new Uint8Array())
    result.listenAddrs = peer.addresses.map(a => a.multiaddr.toString())
  }
})
