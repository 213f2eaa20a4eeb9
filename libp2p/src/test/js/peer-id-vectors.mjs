// Prints peer-id test vectors computed by js-libp2p: for fixed Ed25519 seeds and secp256k1 secrets,
// the protobuf PrivateKey (hex), the protobuf PublicKey (hex), the peer id and its CIDv1 form.
// Output (JSON) is committed as src/test/resources/libp2p/peer-id-vectors.json.
import { load } from './common.mjs'

const keys = await load('@libp2p/crypto', './keys')
const { peerIdFromPrivateKey } = await load('@libp2p/peer-id')
const out = []
for (let i = 0; i < 3; i++) {
  const seed = Uint8Array.from({ length: 32 }, (_, j) => (j * 13 + i * 101 + 1) & 0xff)
  const k = await keys.generateKeyPairFromSeed('Ed25519', seed)
  out.push(vector('Ed25519', k))
}
for (let i = 0; i < 3; i++) {
  const secret = Uint8Array.from({ length: 32 }, (_, j) => (j * 7 + i * 59 + 3) & 0xff)
  secret[0] = 0x11 + i // keep it below the curve order
  const k = keys.privateKeyFromRaw ? keys.privateKeyFromProtobuf(Uint8Array.from([0x08, 0x02, 0x12, 0x20, ...secret])) : null
  out.push(vector('secp256k1', k))
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n')

function vector (type, k) {
  const id = peerIdFromPrivateKey(k)
  return {
    type,
    privateKey: Buffer.from(keys.privateKeyToProtobuf(k)).toString('hex'),
    publicKey: Buffer.from(keys.publicKeyToProtobuf(k.publicKey)).toString('hex'),
    peerId: id.toString(),
    cid: id.toCID().toString()
  }
}
