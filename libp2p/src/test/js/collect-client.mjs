// A js-libp2p stand-in for Powerloom's local collector on /collect.
// Usage: node collect-client.mjs --target <multiaddr, direct or .../p2p-circuit/p2p/<id>> --file <submissions>
//          [--streams 3] [--key-type Ed25519|secp256k1] [--bad 0] [--oversized 0] [--oversized-bytes 100000]
// --file holds one submission per line: the 36-character UUID immediately followed by the Go JSON. They are
// written round-robin over --streams pooled streams, one write per submission (UUID + JSON, no separator),
// as the local collector does. --bad streams write bytes that are not a UUID, --oversized streams one message
// larger than the bridge's bound; both must be reset by the bridge while the pooled streams go on.
// Prints `RESULT {"peerId", "pooled":[{"written","ended"}], "broken":[{"kind","ended"}]}` (ended: "fin" or
// "reset"), or `ERROR {...}` and exits 1.
import { args, createNode, identity, load, runOnce, send, submissionLines } from './common.mjs'

const opts = args()
const { multiaddr } = await load('@multiformats/multiaddr')
const node = await createNode({ privateKey: await identity(opts) })
const result = { peerId: node.peerId.toString() }

/** Reads the stream to its end: "fin" when the remote closed cleanly, "reset" when it aborted the stream. */
async function ending (stream) {
  try {
    for await (const _ of stream) { /* the bridge sends nothing on /collect */ }
    return 'fin'
  } catch (e) {
    return 'reset'
  }
}

await runOnce(node, result, async () => {
  const lines = submissionLines(opts.file)
  const conn = await node.dial(multiaddr(opts.target), { signal: AbortSignal.timeout(20000) })
  result.remotePeer = conn.remotePeer.toString()
  const open = () => conn.newStream('/collect', { runOnLimitedConnection: true, signal: AbortSignal.timeout(20000) })

  const pooled = []
  for (let s = 0; s < Number(opts.streams ?? 3); s++) {
    const stream = await open()
    pooled.push({ stream, ended: ending(stream), written: 0 })
  }
  const broken = []
  for (let i = 0; i < Number(opts.bad ?? 0); i++) {
    const stream = await open()
    broken.push({ kind: 'bad', stream, ended: ending(stream) })
  }
  for (let i = 0; i < Number(opts.oversized ?? 0); i++) {
    const stream = await open()
    broken.push({ kind: 'oversized', stream, ended: ending(stream) })
  }

  // first half of the submissions, then the broken streams, then the second half
  const half = Math.floor(lines.length / 2)
  for (let i = 0; i < half; i++) {
    const p = pooled[i % pooled.length]
    await send(p.stream, Buffer.from(lines[i], 'utf8'))
    p.written++
  }
  for (const b of broken) {
    if (b.kind === 'bad') {
      await send(b.stream, Buffer.from('this-is-no-uuid-at-all-but-garbage!!{"request":{}}', 'utf8'))
    } else {
      const size = Number(opts['oversized-bytes'] ?? 100000)
      const body = '{"request":{"slotId":1,"projectId":"' + 'x'.repeat(size) + '"},"signature":"00","dataMarket":"0x00"}'
      await send(b.stream, Buffer.from('00000000-0000-4000-8000-000000000000' + body, 'utf8')).catch(() => {})
    }
  }
  result.broken = await Promise.all(broken.map(async b => ({ kind: b.kind, ended: await b.ended })))
  for (let i = half; i < lines.length; i++) {
    const p = pooled[i % pooled.length]
    await send(p.stream, Buffer.from(lines[i], 'utf8'))
    p.written++
  }
  for (const p of pooled) await p.stream.close()
  // the bridge closes its side after it read our FIN, so every byte has reached it
  result.pooled = await Promise.all(pooled.map(async p => ({ written: p.written, ended: await p.ended })))
})
