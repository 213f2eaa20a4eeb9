// Shared helpers for the js-libp2p interop peers used by the Java libp2p ITCases.
// Packages come from local-infra/node/node_modules (or $POWERLOOM_NODE_MODULES); ESM ignores NODE_PATH, so
// each package is imported by the file its package.json "exports" names.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const modulesDir = process.env.POWERLOOM_NODE_MODULES ??
  resolve(here, '../../../../local-infra/node/node_modules')

/** Imports `pkg` (optionally a subpath export such as './keys') from the pinned node_modules. */
export async function load (pkg, sub = '.') {
  const pj = JSON.parse(readFileSync(join(modulesDir, pkg, 'package.json'), 'utf8'))
  const entry = pj.exports?.[sub]
  const file = typeof entry === 'string' ? entry : (entry?.import ?? entry?.default)
  if (file == null) throw new Error(`no ESM export ${sub} in ${pkg}`)
  return import(pathToFileURL(join(modulesDir, pkg, file)).href)
}

/** --name value pairs (flags without a value are true). */
export function args () {
  const out = {}
  const a = process.argv.slice(2)
  for (let i = 0; i < a.length; i++) {
    if (!a[i].startsWith('--')) continue
    const k = a[i].slice(2)
    if (i + 1 < a.length && !a[i + 1].startsWith('--')) out[k] = a[++i]
    else out[k] = true
  }
  return out
}

/** The identity: --key <hex protobuf PrivateKey>, else a fresh key of --key-type (Ed25519 | secp256k1). */
export async function identity (opts) {
  const keys = await load('@libp2p/crypto', './keys')
  if (opts.key) return keys.privateKeyFromProtobuf(Buffer.from(opts.key, 'hex'))
  return keys.generateKeyPair(opts['key-type'] ?? 'Ed25519')
}

/**
 * A js-libp2p node with TCP, Noise (or `encrypters`), yamux, identify and ping (plus `services`). `connectionMonitor`
 * goes to libp2p's connection monitor (by default it pings every connection every 10 s and aborts the connection,
 * with whatever it still had to send, when a ping misses its adaptive timeout).
 */
export async function createNode ({ privateKey, listen = [], services = {}, connectionManager = {}, encrypters, tcpOptions = {}, connectionMonitor }) {
  const { createLibp2p } = await load('libp2p')
  const { tcp } = await load('@libp2p/tcp')
  const { noise } = await load('@chainsafe/libp2p-noise')
  const { yamux } = await load('@chainsafe/libp2p-yamux')
  const { identify } = await load('@libp2p/identify')
  const { ping } = await load('@libp2p/ping')
  const { circuitRelayTransport } = await load('@libp2p/circuit-relay-v2')
  return createLibp2p({
    privateKey,
    addresses: { listen },
    transports: [tcp(tcpOptions), circuitRelayTransport()],
    connectionEncrypters: encrypters ?? [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      inboundConnectionThreshold: 100000,
      maxIncomingPendingConnections: 10000,
      maxConnections: 10000,
      ...connectionManager
    },
    ...(connectionMonitor ? { connectionMonitor } : {}),
    services: { identify: identify(), ping: ping(), ...services }
  })
}

/** Prints one machine-readable line for the Java side: `<TAG> <json>`. */
export function emit (tag, obj) {
  process.stdout.write(`${tag} ${JSON.stringify(obj)}\n`)
}

/** Writes `bytes` on `stream`, waiting (at most 30 s) for it to drain when its buffer is full. */
export async function send (stream, bytes) {
  if (!stream.send(bytes)) await stream.onDrain({ signal: AbortSignal.timeout(30000) })
}

/** The non-empty lines of a submissions file (one `UUID+JSON` per line). */
export function submissionLines (file) {
  return readFileSync(file, 'utf8').split('\n').filter(l => l.length > 0)
}

/**
 * The end of a one-shot client: runs `body`, then prints `RESULT <result>`, stops `node` and exits 0; if anything
 * throws, prints `ERROR {...result, error}`, stops `node` and exits 1.
 */
export async function runOnce (node, result, body) {
  try {
    await body()
    emit('RESULT', result)
    await node.stop()
    process.exit(0)
  } catch (e) {
    emit('ERROR', { ...result, error: String(e?.stack ?? e) })
    await node.stop().catch(() => {})
    process.exit(1)
  }
}

/** Deterministic test bytes: byte i of stream s is (i * 31 + s * 7 + 11) & 0xff. */
export function pattern (streamIndex, offset, length) {
  const b = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) b[i] = ((offset + i) * 31 + streamIndex * 7 + 11) & 0xff
  return b
}

/** Exit cleanly on SIGTERM/stdin close so the Java side can stop us. */
export function stopOnSignal (node) {
  const stop = async () => { try { await node.stop() } finally { process.exit(0) } }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}
