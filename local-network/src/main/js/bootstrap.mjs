// The local network's js-libp2p bootstrap node for the gossipsub path, as Powerloom runs them: the Kademlia DHT
// (/ipfs/kad/1.0.0) in server mode, so snapshotter nodes and the sequencer's ingest bridge find each other through
// the rendezvous key, and GossipSub (subscribed to no topic: it only helps peers meet).
//
// Usage: node bootstrap.mjs --modules <node_modules dir> [--port <p, 0 = any>]
// Prints one line `READY {"peerId":"12D3Koo…","addrs":["/ip4/127.0.0.1/tcp/<p>/p2p/12D3Koo…"]}` once listening.
// Stops on SIGTERM, SIGINT, or when its standard input closes (its parent died).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

function parseArgs (argv) {
  const opts = { modules: null, port: 0 }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--modules') opts.modules = argv[++i]
    else if (argv[i] === '--port') opts.port = Number(argv[++i])
    else fail(`unknown argument ${argv[i]}`)
  }
  if (opts.modules == null) fail('--modules <node_modules dir> is required')
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) fail('--port must be 0..65535')
  return opts
}

function fail (reason) {
  process.stderr.write(`bootstrap: ${reason}\nusage: node bootstrap.mjs --modules <dir> [--port <port>]\n`)
  process.exit(2)
}

const opts = parseArgs(process.argv.slice(2))

// ESM ignores NODE_PATH: import each package by the file its package.json exports
async function load (pkg) {
  const pj = JSON.parse(readFileSync(join(opts.modules, pkg, 'package.json'), 'utf8'))
  const entry = pj.exports?.['.']
  const file = typeof entry === 'string' ? entry : (entry?.import ?? entry?.default)
  if (file == null) throw new Error(`no ESM export in ${pkg}`)
  return import(pathToFileURL(join(opts.modules, pkg, file)).href)
}

const { createLibp2p } = await load('libp2p')
const { tcp } = await load('@libp2p/tcp')
const { noise } = await load('@chainsafe/libp2p-noise')
const { yamux } = await load('@chainsafe/libp2p-yamux')
const { identify } = await load('@libp2p/identify')
const { ping } = await load('@libp2p/ping')
const { kadDHT, passthroughMapper } = await load('@libp2p/kad-dht')
const { gossipsub } = await load('@libp2p/gossipsub')

const node = await createLibp2p({
  addresses: { listen: [`/ip4/127.0.0.1/tcp/${opts.port}`] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionManager: {
    inboundConnectionThreshold: 100000,
    maxIncomingPendingConnections: 10000,
    maxConnections: 10000
  },
  services: {
    identify: identify(),
    ping: ping(),
    // loopback addresses are what the local network has: keep them in DHT answers
    dht: kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true }),
    pubsub: gossipsub({ globalSignaturePolicy: 'StrictSign', D: 10, Dlo: 8, Dhi: 16, Dlazy: 10, Dout: 4, heartbeatInterval: 700 })
  }
})

process.stdout.write(`READY ${JSON.stringify({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })}\n`)

let stopping = false
async function stop (why) {
  if (stopping) return
  stopping = true
  process.stdout.write(`STOPPING ${why}\n`)
  try { await node.stop() } finally { process.exit(0) }
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
process.stdin.on('end', () => stop('stdin closed'))
process.stdin.on('error', () => stop('stdin error'))
process.stdin.resume()
