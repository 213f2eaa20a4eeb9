// Writes an identity key file as Powerloom's Go sequencer keeps it: base64 text of libp2p's marshalled
// PrivateKey protobuf, produced here by an independent implementation (@libp2p/crypto).
// Usage: node keygen.mjs --out <file> [--key-type RSA|Ed25519|secp256k1] [--bits 2048]
// Prints `KEY {"peerId"}`.
import { writeFileSync } from 'node:fs'
import { args, emit, load } from './common.mjs'

const opts = args()
const keys = await load('@libp2p/crypto', './keys')
const { peerIdFromPrivateKey } = await load('@libp2p/peer-id')
const type = opts['key-type'] ?? 'RSA'
const key = type === 'RSA'
  ? await keys.generateKeyPair('RSA', Number(opts.bits ?? 2048))
  : await keys.generateKeyPair(type)
writeFileSync(opts.out, Buffer.from(keys.privateKeyToProtobuf(key)).toString('base64'))
emit('KEY', { peerId: peerIdFromPrivateKey(key).toString() })
