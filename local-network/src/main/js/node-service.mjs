// What the local network's js-libp2p service nodes (relay.mjs, bootstrap.mjs) share: the command line, loading the
// pinned packages, a TCP/Noise/yamux node with identify, ping and raised connection limits, the READY line and the
// way it stops. Written next to them by the Java side, so they import it as './node-service.mjs'.
//
// Usage of a script built on it: node <name>.mjs --modules <node_modules dir> [--port <p, 0 = any>]
// Prints one line `READY {"peerId":"12D3Koo…","addrs":["/ip4/127.0.0.1/tcp/<p>/p2p/12D3Koo…"]}` once listening.
// Stops on SIGTERM, SIGINT, or when its standard input closes (its parent died).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The options of script `name` (`--modules <dir>`, `--port <0..65535>`); exits with 2 and a usage line if bad. */
export function parseArgs (name, argv = process.argv.slice(2)) {
  const fail = (reason) => {
    process.stderr.write(`${name}: ${reason}\nusage: node ${name}.mjs --modules <dir> [--port <port>]\n`)
    process.exit(2)
  }
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

/** Imports `pkg` from `modules`: ESM ignores NODE_PATH, so by the file its package.json exports. */
export async function load (modules, pkg) {
  const pj = JSON.parse(readFileSync(join(modules, pkg, 'package.json'), 'utf8'))
  const entry = pj.exports?.['.']
  const file = typeof entry === 'string' ? entry : (entry?.import ?? entry?.default)
  if (file == null) throw new Error(`no ESM export in ${pkg}`)
  return import(pathToFileURL(join(modules, pkg, file)).href)
}

/**
 * Starts a node listening on 127.0.0.1:`opts.port` with TCP, Noise, yamux, identify, ping and `services`, prints its
 * READY line and stops it on SIGTERM, SIGINT or the end of standard input.
 */
export async function serve (opts, services) {
  const { createLibp2p } = await load(opts.modules, 'libp2p')
  const { tcp } = await load(opts.modules, '@libp2p/tcp')
  const { noise } = await load(opts.modules, '@chainsafe/libp2p-noise')
  const { yamux } = await load(opts.modules, '@chainsafe/libp2p-yamux')
  const { identify } = await load(opts.modules, '@libp2p/identify')
  const { ping } = await load(opts.modules, '@libp2p/ping')

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
    services: { identify: identify(), ping: ping(), ...services }
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
  return node
}
