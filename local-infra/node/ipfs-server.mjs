// A small, offline IPFS node for local runs and integration tests: Helia (no libp2p, no routing) with a
// persistent repository on disk, behind an HTTP server that speaks the subset of the Kubo RPC API the
// sequencer uses, with Kubo's request and response shapes:
//
//   POST /api/v0/add       multipart/form-data; cid-version, raw-leaves, pin, chunker=size-N, hash=sha2-256
//   POST /api/v0/cat       arg=<cid or /ipfs/cid>, offset, length
//   POST /api/v0/pin/add   arg=<cid>            -> {"Pins":[cid]}
//   POST /api/v0/pin/ls    [arg=<cid>]          -> {"Keys":{cid:{"Type":"recursive"}}}
//   POST /api/v0/id                             -> {"ID":"12D3Koo…",…}
//   POST /api/v0/version                        -> {"Version":…}
//
// Errors are Kubo's: HTTP 500 (400 for a missing argument) with {"Message":…,"Code":0|1,"Type":"error"}.
// Blocks are stored on disk; the last 64 MiB written are also kept in memory (RecentBlocks), so that pinning a DAG
// just added reads no file back.
//
// Usage: node ipfs-server.mjs --repo <dir> [--port <port, 0 = any>] [--exit-on-stdin-close]
// Prints one line "ipfs-server ready port=<port> id=<peer id>" on stdout once it accepts requests.

import { createHeliaLight } from 'helia'
import { unixfs } from '@helia/unixfs'
import { FsBlockstore } from 'blockstore-fs'
import { FsDatastore } from 'datastore-fs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import http from 'node:http'
import fs from 'node:fs/promises'
import path from 'node:path'

const SERVER_VERSION = '0.1.0'
const HELIA_VERSION = '7.1.15'
/** Largest request body accepted by /add (the sequencer's batch documents stay far below it). */
const MAX_BODY_BYTES = 64 * 1024 * 1024
/** Largest chunk size accepted, as Kubo (1 MiB + the largest varint-framed header). */
const MAX_CHUNK_BYTES = 1024 * 1024
const DEFAULT_CHUNK_BYTES = 262144
/** Multicodec of raw blocks (CIDv1 raw leaves, bafkrei…). */
const RAW_CODEC = 0x55

// ---------------------------------------------------------------- arguments

function parseArgs (argv) {
  const opts = { repo: null, port: 5001, exitOnStdinClose: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--repo') opts.repo = argv[++i]
    else if (a === '--port') opts.port = Number(argv[++i])
    else if (a === '--exit-on-stdin-close') opts.exitOnStdinClose = true
    else usage(`unknown argument ${a}`)
  }
  if (opts.repo == null) usage('--repo <dir> is required')
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('--port must be 0..65535')
  return opts
}

function usage (reason) {
  process.stderr.write(`ipfs-server: ${reason}\nusage: node ipfs-server.mjs --repo <dir> [--port <port>] [--exit-on-stdin-close]\n`)
  process.exit(2)
}

// ---------------------------------------------------------------- errors

/** An error reported to the client the way Kubo does. Code 0 = normal (HTTP 500), 1 = client error (HTTP 400). */
class RpcError extends Error {
  constructor (message, code = 0) {
    super(message)
    this.code = code
  }
}

function sendError (res, err) {
  const code = err instanceof RpcError ? err.code : 0
  const status = code === 1 ? 400 : 500
  sendJson(res, status, { Message: err.message ?? String(err), Code: code, Type: 'error' })
}

function sendJson (res, status, value) {
  const body = JSON.stringify(value) + '\n'
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body)
  })
  res.end(body)
}

// ---------------------------------------------------------------- repository

/** The node's identity: an Ed25519 key kept in the repository so the peer ID survives restarts. */
async function loadOrCreateIdentity (repo) {
  const file = path.join(repo, 'identity.key')
  let key
  try {
    key = privateKeyFromProtobuf(await fs.readFile(file))
  } catch (e) {
    if (e.code !== 'ENOENT') throw new Error(`cannot read identity ${file}: ${e.message}`)
    key = await generateKeyPair('Ed25519')
    await fs.writeFile(file, privateKeyToProtobuf(key), { mode: 0o600 })
  }
  return { key, peerId: peerIdFromPrivateKey(key) }
}

/** Bytes of recently written blocks kept in memory (see RecentBlocks). */
const RECENT_BLOCK_BYTES = 64 * 1024 * 1024

/**
 * The file blockstore with the blocks written last kept in memory as well (write-through, oldest dropped first, at
 * most RECENT_BLOCK_BYTES). Pinning walks a DAG just added and reads every block of it back; Kubo pins from the DAG it
 * holds in memory, and this gives the same: the walk reads no file. Reads of anything else go to the disk.
 */
class RecentBlocks {
  constructor (store, maxBytes) {
    this.store = store
    this.maxBytes = maxBytes
    this.bytes = 0
    this.recent = new Map() // multihash (base64) → block, in insertion order
  }

  static key (cid) {
    return Buffer.from(cid.multihash.bytes).toString('base64')
  }

  remember (cid, block) {
    if (!(block instanceof Uint8Array) || block.length > this.maxBytes) return
    const k = RecentBlocks.key(cid)
    if (this.recent.has(k)) return
    this.recent.set(k, block)
    this.bytes += block.length
    for (const [old, b] of this.recent) {
      if (this.bytes <= this.maxBytes) break
      this.recent.delete(old)
      this.bytes -= b.length
    }
  }

  async open () { return this.store.open() }
  async close () { return this.store.close() }

  async put (cid, block, options) {
    const key = await this.store.put(cid, block, options)
    this.remember(cid, block)
    return key
  }

  async * putMany (source, options) {
    const pending = new Map() // kept once written
    const written = this.store.putMany((async function * () {
      for await (const pair of source) {
        pending.set(RecentBlocks.key(pair.cid), pair.bytes)
        yield pair
      }
    })(), options)
    for await (const cid of written) {
      const k = RecentBlocks.key(cid)
      this.remember(cid, pending.get(k))
      pending.delete(k)
      yield cid
    }
  }

  async * get (cid, options) {
    const block = this.recent.get(RecentBlocks.key(cid))
    if (block != null) {
      yield block
      return
    }
    yield * this.store.get(cid, options)
  }

  async * getMany (source, options) {
    for await (const cid of source) yield { cid, bytes: this.get(cid, options) }
  }

  async has (cid, options) {
    return this.recent.has(RecentBlocks.key(cid)) || this.store.has(cid, options)
  }

  async delete (cid, options) {
    const k = RecentBlocks.key(cid)
    const b = this.recent.get(k)
    if (b != null) {
      this.recent.delete(k)
      this.bytes -= b.length
    }
    return this.store.delete(cid, options)
  }

  async * deleteMany (source, options) {
    for await (const cid of source) {
      await this.delete(cid, options)
      yield cid
    }
  }

  getAll (options) { return this.store.getAll(options) }
}

async function startHelia (repo) {
  await fs.mkdir(repo, { recursive: true })
  const blockstore = new RecentBlocks(new FsBlockstore(path.join(repo, 'blocks')), RECENT_BLOCK_BYTES)
  const datastore = new FsDatastore(path.join(repo, 'datastore'))
  // createHeliaLight: no libp2p, no routers, no block brokers: everything stays on this machine
  const helia = createHeliaLight({ blockstore, datastore })
  await helia.start()
  return helia
}

// ---------------------------------------------------------------- request helpers

function parseCid (arg) {
  if (arg == null || arg === '') throw new RpcError('argument "ipfs-path" is required', 1)
  let s = arg.trim()
  if (s.startsWith('/ipfs/')) s = s.slice('/ipfs/'.length)
  if (s.includes('/')) throw new RpcError(`invalid path "${arg}": paths inside a DAG are not supported here`)
  try {
    return CID.parse(s)
  } catch (e) {
    throw new RpcError(`invalid path "${arg}": ${e.message}`)
  }
}

function boolParam (params, name, dflt) {
  const v = params.get(name)
  if (v == null) return dflt
  if (v === '' || v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw new RpcError(`invalid value "${v}" for option "${name}": expected true or false`, 1)
}

function intParam (params, name, dflt) {
  const v = params.get(name)
  if (v == null) return dflt
  if (!/^\d+$/.test(v)) throw new RpcError(`invalid value "${v}" for option "${name}": expected a non-negative integer`, 1)
  return Number(v)
}

async function readBody (req, limit) {
  const declared = Number(req.headers['content-length'])
  if (Number.isInteger(declared) && declared > limit) throw new RpcError(`request body larger than ${limit} bytes`, 1)
  if (Number.isInteger(declared) && declared >= 0) {
    // one buffer of the announced size, filled as the body arrives (no list of chunks to concatenate)
    const body = Buffer.allocUnsafe(declared)
    let filled = 0
    for await (const chunk of req) {
      if (filled + chunk.length > declared) throw new RpcError('request body longer than its Content-Length', 1)
      chunk.copy(body, filled)
      filled += chunk.length
    }
    if (filled !== declared) throw new RpcError('request body shorter than its Content-Length', 1)
    return body
  }
  const chunks = []
  let total = 0
  for await (const chunk of req) {
    total += chunk.length
    if (total > limit) throw new RpcError(`request body larger than ${limit} bytes`, 1)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Splits a multipart/form-data body into parts {headers, filename, content}. */
function parseMultipart (contentType, body) {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  if (!/^multipart\/form-data/i.test(contentType ?? '') || m == null) {
    throw new RpcError('file argument \'path\' is required (expected a multipart/form-data body with a boundary)', 1)
  }
  const boundary = Buffer.from('--' + (m[1] ?? m[2]))
  const parts = []
  let pos = body.indexOf(boundary)
  if (pos < 0) throw new RpcError('malformed multipart body: opening boundary not found', 1)
  while (true) {
    pos += boundary.length
    if (body.slice(pos, pos + 2).toString() === '--') break // closing boundary
    if (body.slice(pos, pos + 2).toString() !== '\r\n') throw new RpcError('malformed multipart body: no CRLF after boundary', 1)
    pos += 2
    const headerEnd = body.indexOf('\r\n\r\n', pos)
    if (headerEnd < 0) throw new RpcError('malformed multipart body: part headers not terminated', 1)
    const headers = {}
    for (const line of body.slice(pos, headerEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':')
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
    }
    const contentStart = headerEnd + 4
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), contentStart)
    if (next < 0) throw new RpcError('malformed multipart body: closing boundary not found', 1)
    const disposition = headers['content-disposition'] ?? ''
    const fn = /filename="([^"]*)"/i.exec(disposition)
    parts.push({
      headers,
      filename: fn != null ? decodeURIComponent(fn[1]) : null,
      content: body.subarray(contentStart, next)
    })
    pos = next + 2
  }
  return parts
}

/**
 * Kubo's size-N chunker: consecutive chunks of N bytes, the last one shorter; empty content gives one empty chunk.
 * (The importer calls it with the content as an async iterable of buffers.)
 */
function fixedSizeChunker (chunkSize) {
  return async function * chunks (source) {
    // views into the request's buffer where possible: the importer only reads the chunks
    let pending = new Uint8Array(0)
    let emitted = false
    for await (const buf of source) {
      pending = pending.length === 0 ? buf : Buffer.concat([pending, buf])
      while (pending.length >= chunkSize) {
        yield pending.subarray(0, chunkSize)
        emitted = true
        pending = pending.subarray(chunkSize)
      }
    }
    if (!emitted || pending.length > 0) yield pending
  }
}

function chunkerFrom (spec) {
  if (spec == null || spec === '' || spec === 'default') return DEFAULT_CHUNK_BYTES
  const m = /^size-(\d+)$/.exec(spec)
  if (m == null) throw new RpcError(`chunker "${spec}" is not supported by this node: use size-<bytes>`)
  const n = Number(m[1])
  if (n <= 0) throw new RpcError('chunker size must be greater than 0')
  if (n > MAX_CHUNK_BYTES) throw new RpcError(`chunker parameters may not exceed the maximum chunk size of ${MAX_CHUNK_BYTES}`)
  return n
}

// ---------------------------------------------------------------- commands

function commands (helia, identity) {
  const ufs = unixfs(helia)

  /**
   * Stores one file and returns its root CID, as Kubo's add with the same options. Content that fits in one raw leaf
   * is that leaf (what the importer gives with reduceSingleLeafToSelf), hashed and stored directly, without the
   * importer's machinery; anything else goes through the UnixFS importer.
   */
  async function addFile (content, cidVersion, rawLeaves, chunkSize) {
    if (rawLeaves && content.length <= chunkSize) {
      const cid = CID.createV1(RAW_CODEC, await sha256.digest(content))
      await helia.blockstore.put(cid, content)
      return cid
    }
    return ufs.addBytes(content, { cidVersion, rawLeaves, reduceSingleLeafToSelf: true, chunker: fixedSizeChunker(chunkSize) })
  }

  async function isPinned (cid) {
    return helia.pins.isPinned(cid)
  }

  async function pin (cid) {
    if (await isPinned(cid)) return
    if (!(await helia.blockstore.has(cid))) {
      throw new RpcError(`pin: block was not found locally (offline): ipld: could not find ${cid}`)
    }
    for await (const _ of helia.pins.add(cid, { offline: true })) { /* drain */ }
  }

  return {
    async add (req, res, params) {
      const cidVersion = intParam(params, 'cid-version', 0)
      if (cidVersion !== 0 && cidVersion !== 1) throw new RpcError(`unknown CID version: ${cidVersion}`, 1)
      const rawLeaves = boolParam(params, 'raw-leaves', cidVersion === 1)
      if (cidVersion === 0 && rawLeaves) throw new RpcError('raw-leaves requires CIDv1 on this node: add cid-version=1')
      const doPin = boolParam(params, 'pin', true)
      const hash = params.get('hash') ?? 'sha2-256'
      if (hash !== 'sha2-256') throw new RpcError(`hash "${hash}" is not supported by this node: only sha2-256`)
      const chunkSize = chunkerFrom(params.get('chunker'))
      const onlyHash = boolParam(params, 'only-hash', false)
      if (onlyHash) throw new RpcError('only-hash is not supported by this node')

      const parts = parseMultipart(req.headers['content-type'], await readBody(req, MAX_BODY_BYTES))
      const files = parts.filter(p => (p.headers['content-type'] ?? 'application/octet-stream') !== 'application/x-directory')
      if (files.length === 0) throw new RpcError('file argument \'path\' is required', 1)

      const lines = []
      for (const file of files) {
        const cid = await addFile(file.content, cidVersion, rawLeaves, chunkSize)
        if (doPin) await pin(cid)
        // a single raw block is its own DAG: its size is the content's, no need to read it back
        const size = cid.code === RAW_CODEC ? file.content.length : (await ufs.stat(cid, { extended: true, offline: true })).dagSize
        lines.push(JSON.stringify({ Name: file.filename || cid.toString(), Hash: cid.toString(), Size: String(size) }))
      }
      const body = lines.join('\n') + '\n'
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
      res.end(body)
    },

    async cat (req, res, params) {
      const cid = parseCid(params.get('arg'))
      const offset = intParam(params, 'offset', 0)
      const length = params.get('length') == null ? undefined : intParam(params, 'length', 0)
      if (!(await helia.blockstore.has(cid))) {
        throw new RpcError(`block was not found locally (offline): ipld: could not find ${cid}`)
      }
      // read everything first, so that a missing inner block is reported as a clean error, not a cut stream
      const chunks = []
      try {
        for await (const chunk of ufs.cat(cid, { offset, length, offline: true })) chunks.push(chunk)
      } catch (e) {
        throw new RpcError(`cat ${cid}: ${e.message}`)
      }
      const body = Buffer.concat(chunks)
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length, 'X-Content-Length': String(body.length) })
      res.end(body)
    },

    async 'pin/add' (req, res, params) {
      const args = params.getAll('arg')
      if (args.length === 0) throw new RpcError('argument "ipfs-path" is required', 1)
      if (!boolParam(params, 'recursive', true)) throw new RpcError('direct pins are not supported by this node')
      const cids = args.map(parseCid)
      for (const cid of cids) await pin(cid)
      sendJson(res, 200, { Pins: cids.map(c => c.toString()) })
    },

    async 'pin/ls' (req, res, params) {
      const type = params.get('type') ?? 'all'
      if (!['all', 'recursive', 'direct', 'indirect'].includes(type)) {
        throw new RpcError(`invalid type '${type}', must be one of {direct, indirect, recursive, all}`, 1)
      }
      const keys = {}
      const args = params.getAll('arg')
      if (args.length > 0) {
        for (const cid of args.map(parseCid)) {
          if (!(await isPinned(cid))) throw new RpcError(`path '${cid}' is not pinned`)
          keys[cid.toString()] = { Type: 'recursive' }
        }
      } else if (type === 'all' || type === 'recursive') {
        for await (const p of helia.pins.ls()) keys[p.cid.toString()] = { Type: 'recursive' }
      }
      sendJson(res, 200, { Keys: keys })
    },

    async id (req, res) {
      sendJson(res, 200, {
        ID: identity.peerId.toString(),
        PublicKey: Buffer.from(publicKeyToProtobuf(identity.key.publicKey)).toString('base64'),
        Addresses: [],
        AgentVersion: `powerloom-ipfs-server/${SERVER_VERSION} helia/${HELIA_VERSION}`,
        ProtocolVersion: 'ipfs/0.1.0',
        Protocols: []
      })
    },

    async version (req, res) {
      sendJson(res, 200, {
        Version: SERVER_VERSION,
        Commit: '',
        Repo: 'helia-fs',
        System: `${process.arch}/${process.platform}`,
        Golang: `node-${process.version}`
      })
    }
  }
}

// ---------------------------------------------------------------- server

async function main () {
  const opts = parseArgs(process.argv.slice(2))
  const repo = path.resolve(opts.repo)
  const helia = await startHelia(repo)
  const identity = await loadOrCreateIdentity(repo)
  const handlers = commands(helia, identity)

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const prefix = '/api/v0/'
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('404 page not found\n')
      return
    }
    const handler = handlers[url.pathname.slice(prefix.length)]
    if (handler == null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('404 page not found\n')
      return
    }
    if (req.method !== 'POST') {
      req.resume()
      res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'POST' })
      res.end('405 - Method Not Allowed\n')
      return
    }
    handler(req, res, url.searchParams).catch(err => {
      if (!(err instanceof RpcError)) process.stderr.write(`ipfs-server: ${url.pathname}: ${err.stack ?? err}\n`)
      req.resume()
      if (res.headersSent) res.destroy(err)
      else sendError(res, err)
    })
  })

  let stopping = false
  async function shutdown (reason) {
    if (stopping) return
    stopping = true
    process.stderr.write(`ipfs-server: stopping (${reason})\n`)
    server.close()
    server.closeAllConnections()
    try {
      await helia.stop()
    } finally {
      process.exit(0)
    }
  }
  process.on('SIGTERM', () => { shutdown('SIGTERM') })
  process.on('SIGINT', () => { shutdown('SIGINT') })
  if (opts.exitOnStdinClose) {
    process.stdin.on('end', () => { shutdown('stdin closed') })
    process.stdin.on('error', () => { shutdown('stdin error') })
    process.stdin.resume()
  }

  server.listen(opts.port, '127.0.0.1', () => {
    const port = server.address().port
    process.stdout.write(`ipfs-server ready port=${port} id=${identity.peerId} repo=${repo}\n`)
  })
  server.on('error', err => {
    process.stderr.write(`ipfs-server: cannot listen on 127.0.0.1:${opts.port}: ${err.message}\n`)
    process.exit(1)
  })
}

main().catch(err => {
  process.stderr.write(`ipfs-server: failed to start: ${err.stack ?? err}\n`)
  process.exit(1)
})
