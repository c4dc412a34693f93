// Compiles contracts/AssetCustody.sol with solc-js (the compiler inside the pinned npm package: Hardhat cannot
// download compilers here) and writes its ABI and creation bytecode where the Java connector loads them from.
// Usage: node compile.js [output folder]  (default: the ejb module's resources; the tests compile into a folder of
// their own and compare).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const source = 'contracts/AssetCustody.sol';
const out = path.resolve(process.argv[2]
    || path.join(__dirname, '..', '..', 'ejb', 'src', 'main', 'resources', 'org', 'satpgateway', 'ledger', 'evm'));

const input = {
  language: 'Solidity',
  sources: { [source]: { content: fs.readFileSync(path.join(__dirname, source), 'utf8') } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    viaIR: true,
    evmVersion: 'paris',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) {
  console.error(e.formattedMessage);
}
if (errors.length > 0) {
  process.exit(1);
}
const contract = output.contracts[source].AssetCustody;
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'AssetCustody.abi.json'), JSON.stringify(contract.abi, null, 2) + '\n');
fs.writeFileSync(path.join(out, 'AssetCustody.bin'), contract.evm.bytecode.object + '\n');
console.log(`compiled ${source} with solc ${solc.version()} into ${out}`);
