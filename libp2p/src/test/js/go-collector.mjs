// A stand-in for Powerloom's local collector on go-libp2p v0.32 (go-yamux v4, go-multistream v0.5) that does
// what it does on the wire:
//  - dials the sequencer's multiaddr (direct TCP, or <relay>/p2p-circuit/p2p/<id>), offering /tls/1.0.0 before
//    /noise (the Noise payload carries the stream-muxer extensions);
//  - opens a pool of --streams yamux streams at once: each sends its SYN (window update) right away and nothing
//    else, since go-multistream's lazy client writes nothing until the first write;
//  - after --idle-ms, writes on every stream ONE buffer: the multistream header, `/collect` and the first
//    submission (UUID + Go JSON) together, then further submissions as plain writes; it never reads.
// js-libp2p 3 negotiates fully at stream open, so this script drives the connection's yamux muxer directly.
// Usage: node go-collector.mjs --target <multiaddr> --file <submissions, one `UUID+JSON` per line>
//          [--streams 100] [--idle-ms 0 | --write-on-stdin true] [--key-type Ed25519] [--source-ip 127.0.0.1]
// (--write-on-stdin: the streams stay idle until a line arrives on stdin, instead of for --idle-ms)
// Lines are dealt round-robin over the streams. Prints `OPENED {"streams"}` once every SYN is out, then
// `RESULT {"peerId","remotePeer","encryption","written"}`, or `ERROR {...}`.
import { args, createNode, emit, identity, load, runOnce, send, submissionLines } from './common.mjs'

const opts = args()
const { multiaddr } = await load('@multiformats/multiaddr')
const { tls } = await load('@libp2p/tls')
const { noise } = await load('@chainsafe/libp2p-noise')
const node = await createNode({
  privateKey: await identity(opts),
  encrypters: [tls(), noise()],
  // --source-ip: dial from this local address (e.g. 127.0.0.2, to be another host on loopback)
  tcpOptions: opts['source-ip'] ? { dialOpts: { localAddress: opts['source-ip'] } } : {}
})
const result = { peerId: node.peerId.toString() }

/** A multistream-select message: unsigned varint length, then the text and a newline. */
function lp (text) {
  const body = Buffer.from(text + '\n', 'utf8')
  const len = []
  let n = body.length
  while (n >= 0x80) { len.push((n & 0x7f) | 0x80); n >>>= 7 }
  len.push(n)
  return Buffer.concat([Buffer.from(len), body])
}

await runOnce(node, result, async () => {
  const lines = submissionLines(opts.file)
  const conn = await node.dial(multiaddr(opts.target), { signal: AbortSignal.timeout(30000) })
  result.remotePeer = conn.remotePeer.toString()
  result.encryption = conn.encryption
  const n = Number(opts.streams ?? 100)
  const pool = []
  for (let s = 0; s < n; s++) {
    // the raw muxer stream: yamux sends the SYN now; no multistream-select yet (lazy)
    const stream = await conn.muxer.createStream({})
    stream.addEventListener('message', () => {}) // never read by the application; let js drop what arrives
    pool.push({ stream, written: 0, first: true })
  }
  emit('OPENED', { streams: pool.length })
  if (opts['write-on-stdin']) {
    // the test says when: after something it arranged happened to the connection meanwhile
    const { createInterface } = await import('node:readline')
    await new Promise(resolve => createInterface({ input: process.stdin }).once('line', resolve))
  } else {
    await new Promise(resolve => setTimeout(resolve, Number(opts['idle-ms'] ?? 0)))
  }
  const header = Buffer.concat([lp('/multistream/1.0.0'), lp('/collect')])
  const jobs = pool.map(() => [])
  lines.forEach((l, i) => jobs[i % pool.length].push(Buffer.from(l, 'utf8')))
  await Promise.all(pool.map(async (p, i) => {
    for (const submission of jobs[i]) {
      await send(p.stream, p.first ? Buffer.concat([header, submission]) : submission)
      p.first = false
      p.written++
    }
  }))
  result.written = pool.reduce((a, p) => a + p.written, 0)
  // give the frames time to leave before the host goes (go keeps its streams open; we only stop at the end)
  await new Promise(resolve => setTimeout(resolve, 500))
})
