// The Hardhat node of the gateway's tests and demos (config/launcher HardhatNode starts it).
//   HARDHAT_CHAIN_ID     chain id (default 31337)
//   HARDHAT_INTERVAL_MS  0 or unset: automine (a block for each transaction); n > 0: a block every n ms
// Contracts are compiled by compile.js with solc-js, not by Hardhat (it cannot download compilers here).
const chainId = Number(process.env.HARDHAT_CHAIN_ID || 31337);
const interval = Number(process.env.HARDHAT_INTERVAL_MS || 0);

module.exports = {
  networks: {
    hardhat: {
      chainId,
      mining: interval > 0 ? { auto: false, interval } : { auto: true },
    },
  },
};
