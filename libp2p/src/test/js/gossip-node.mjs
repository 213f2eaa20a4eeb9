// A js-libp2p GossipSub node (the @libp2p/gossipsub of js-libp2p 3, StrictSign, Powerloom's mesh degrees), optionally
// with the Kademlia DHT. Usage:
//   node gossip-node.mjs [--topics a,b] [--connect addr1,addr2] [--dht server|client] [--provide rendezvous]
// Prints READY {"peerId","addrs"} and MSG {"topic","from","id","data"} per message (data as UTF-8).
// Commands on stdin, one JSON object a line:
//   {"cmd":"publish","topic":t,"data":s}            -> PUBLISHED {"recipients","mesh","topicPeers"}
//   {"cmd":"received"}                              -> RECEIVED {"data":[...]} (every message heard, as UTF-8)
//   {"cmd":"score","peer":id}                       -> SCORE {"peer","score"}
//   {"cmd":"mesh","topic":t}                        -> MESH {"peers":[...]}
//   {"cmd":"connect","addr":a}                      -> CONNECTED {"peer"}
//   {"cmd":"provide","key":rendezvous}              -> PROVIDED {"key"}
//   {"cmd":"findProviders","key":rendezvous}        -> PROVIDERS {"peers":[...]}
// With --discover rendezvous the node looks up the rendezvous providers every second and dials new ones (as a go
// node's routing discovery does), so a peer that advertises the rendezvous joins the mesh.
import { createInterface } from 'node:readline'
import { createHash } from 'node:crypto'
import { args, createNode, emit, identity, load } from './common.mjs'

const opts = args()
const { gossipsub } = await load('@libp2p/gossipsub')
const services = {
  pubsub: gossipsub({
    globalSignaturePolicy: 'StrictSign',
    D: 10, Dlo: 8, Dhi: 16, Dlazy: 10, Dout: 4,
    heartbeatInterval: 700,
    floodPublish: true,
    allowPublishToZeroTopicPeers: true,
    emitSelf: false
  })
}
if (opts.dht) {
  const { kadDHT, passthroughMapper } = await load('@libp2p/kad-dht')
  services.dht = kadDHT({
    protocol: '/ipfs/kad/1.0.0',
    clientMode: opts.dht === 'client',
    peerInfoMapper: passthroughMapper,
    allowQueryWithZeroPeers: true
  })
}
const node = await createNode({
  privateKey: await identity(opts),
  listen: [`/ip4/127.0.0.1/tcp/${opts.port ?? 0}`],
  services,
  // A go snapshotter (go-libp2p) does not drop a connection because one ping was slow. js-libp2p's connection monitor
  // does: on a loaded machine its adaptive timeout, learnt from sub-millisecond loopback pings, aborts connections
  // that still hold gossip in flight, and in a mesh this small every topic peer is a mesh peer, so no IHAVE gossip
  // brings those messages back. Slow pings are logged, not fatal.
  connectionMonitor: { abortConnectionOnPingFailure: false }
})
const { multiaddr } = await load('@multiformats/multiaddr')
const { CID } = await load('multiformats', './cid')
const raw = await load('multiformats', './codecs/raw')
const { create: digest } = await load('multiformats', './hashes/digest')

function rendezvousCid (s) {
  const h = createHash('sha256').update(s).digest()
  return CID.createV1(raw.code, digest(0x12, h))
}

const pubsub = node.services.pubsub
for (const t of (opts.topics ? String(opts.topics).split(',') : [])) pubsub.subscribe(t)
const received = []
pubsub.addEventListener('gossipsub:message', (evt) => {
  const { msg, msgId } = evt.detail
  received.push(Buffer.from(msg.data).toString('utf8'))
  emit('MSG', { topic: msg.topic, from: msg.from?.toString(), id: msgId, data: Buffer.from(msg.data).toString('utf8') })
})
for (const a of (opts.connect ? String(opts.connect).split(',') : [])) {
  await node.dial(multiaddr(a))
}
if (node.services.dht && opts.connect) {
  // the DHT learns a server peer only once identify has run on the connection
  for (let i = 0; i < 100 && (node.services.dht.routingTable?.size ?? 1) === 0; i++) {
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
if (opts.provide && node.services.dht) {
  const key = rendezvousCid(String(opts.provide))
  // eslint-disable-next-line no-unused-vars
  for await (const _ of node.services.dht.provide(key)) { /* drain */ }
}
async function providers (key) {
  const out = []
  for await (const ev of node.services.dht.findProviders(rendezvousCid(key))) {
    if (ev.name === 'PROVIDER') for (const p of ev.providers) out.push(p)
  }
  return out
}
if (opts.discover && node.services.dht) {
  const key = String(opts.discover)
  const timer = setInterval(async () => {
    try {
      for (const p of await providers(key)) {
        if (p.id.equals(node.peerId) || node.getConnections(p.id).length > 0) continue
        await node.dial(p.multiaddrs.length > 0 ? p.multiaddrs : p.id).catch(() => {})
      }
    } catch { /* next round */ }
  }, 1000)
  timer.unref?.()
}
emit('READY', { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  try {
    const c = JSON.parse(line)
    if (c.cmd === 'publish') {
      const r = await pubsub.publish(c.topic, Buffer.from(c.data, 'utf8'))
      emit('PUBLISHED', { recipients: r.recipients.length, mesh: pubsub.getMeshPeers(c.topic).length, topicPeers: pubsub.getSubscribers(c.topic).length })
    } else if (c.cmd === 'received') {
      emit('RECEIVED', { data: received })
    } else if (c.cmd === 'score') {
      emit('SCORE', { peer: c.peer, score: String(pubsub.getScore(c.peer)) })
    } else if (c.cmd === 'mesh') {
      emit('MESH', { peers: pubsub.getMeshPeers(c.topic) })
    } else if (c.cmd === 'connect') {
      const conn = await node.dial(multiaddr(c.addr))
      emit('CONNECTED', { peer: conn.remotePeer.toString() })
    } else if (c.cmd === 'provide') {
      // eslint-disable-next-line no-unused-vars
      for await (const _ of node.services.dht.provide(rendezvousCid(c.key))) { /* drain */ }
      emit('PROVIDED', { key: c.key })
    } else if (c.cmd === 'findProviders') {
      emit('PROVIDERS', { peers: (await providers(c.key)).map(p => p.id.toString()) })
    }
  } catch (e) {
    emit('ERROR', { message: String(e?.stack ?? e) })
  }
})
const stop = async () => { try { await node.stop() } finally { process.exit(0) } }
rl.on('close', stop)
process.on('SIGTERM', stop)
