// A misbehaving pubsub peer: opens a raw /meshsub/1.1.0 stream to --target and writes hand-built RPC frames, each
// exactly as a gossipsub peer would put it on the wire (varint length + protobuf RPC), but broken in one way.
// Usage: node gossip-attacker.mjs --target addr --topic t --foreign-topic f --max-size n
// Commands on stdin (one a line): bad-signature | foreign-topic | oversized | malformed-envelope | valid:<json>
// Each prints SENT {"kind"}.
import { createInterface } from 'node:readline'
import { args, createNode, emit, identity, load } from './common.mjs'

const opts = args()
const nodeKey = await identity(opts)
const node = await createNode({ privateKey: nodeKey, listen: [] })
const { multiaddr } = await load('@multiformats/multiaddr')

function varint (n) {
  const out = []
  let v = BigInt(n)
  while (v >= 0x80n) { out.push(Number((v & 0x7fn) | 0x80n)); v >>= 7n }
  out.push(Number(v))
  return Buffer.from(out)
}
function field (num, bytes) {
  return Buffer.concat([varint((num << 3) | 2), varint(bytes.length), bytes])
}
function u64 (n) {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(n))
  return b
}

let seq = BigInt(Date.now()) * 1000n
async function message (topic, data, { corrupt = false } = {}) {
  const from = node.peerId.toMultihash().bytes
  const seqno = u64(++seq)
  const unsigned = Buffer.concat([field(1, Buffer.from(from)), field(2, data), field(3, seqno), field(4, Buffer.from(topic))])
  const sig = Buffer.from(await nodeKey.sign(Buffer.concat([Buffer.from('libp2p-pubsub:'), unsigned])))
  if (corrupt) sig[sig.length - 1] ^= 0xff
  return Buffer.concat([unsigned, field(5, sig)])
}
function rpc (msg) {
  const body = field(2, msg)
  return Buffer.concat([varint(body.length), body])
}

const stream = await node.dialProtocol(multiaddr(String(opts.target)), '/meshsub/1.1.0')
emit('READY', { peerId: node.peerId.toString() })

const send = async (buf) => { if (!stream.send(buf)) await stream.onDrain() }
const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  try {
    const topic = String(opts.topic)
    if (line === 'bad-signature') {
      await send(rpc(await message(topic, Buffer.from('{"epoch_id":1,"submissions":[]}'), { corrupt: true })))
    } else if (line === 'foreign-topic') {
      await send(rpc(await message(String(opts['foreign-topic']), Buffer.from('{"epoch_id":1}'))))
    } else if (line === 'malformed-envelope') {
      await send(rpc(await message(topic, Buffer.from('this is not json'))))
    } else if (line.startsWith('valid:')) {
      await send(rpc(await message(topic, Buffer.from(line.slice(6)))))
    } else if (line === 'oversized') {
      const n = Number(opts['max-size']) + 1
      await send(Buffer.concat([varint(n), Buffer.alloc(1024)]))
    }
    emit('SENT', { kind: line.split(':')[0] })
  } catch (e) {
    emit('ERROR', { message: String(e?.stack ?? e) })
  }
})
const stop = async () => { try { await node.stop() } finally { process.exit(0) } }
rl.on('close', stop)
process.on('SIGTERM', stop)
