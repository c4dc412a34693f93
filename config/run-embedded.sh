#!/bin/sh
# The embedded default in one command: builds what it needs (first run: a few minutes), then starts one Artemis
# broker per gateway and two gateways (G1, G2) on Payara Micro with H2 logs and reference ledgers, submits a transfer,
# prints its progress step by step and the final balances on both ledgers, and stops everything.
#   config/run-embedded.sh            one transfer, then stop
#   config/run-embedded.sh --stay     leave the gateways running (prints the URLs); Ctrl-C stops everything
#   config/run-embedded.sh --ledger evm [--block-ms 1000]
#                                     each gateway on its own EVM chain (a Hardhat node, config/evm) instead of the
#                                     reference ledger; needs Node.js and npm (the first run installs config/evm)
# Needs only a JDK 17 and Maven (and Node.js for --ledger evm). The work folder is target/embedded (recreated on
# every run).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
echo "building the gateway (mvn -B -q -DskipTests -pl config/launcher -am package) ..."
mvn -B -q -Dstyle.color=never -DskipTests -pl config/launcher -am package
exec java -jar "$ROOT/config/launcher/target/satp-launcher.jar" --work "$ROOT/target/embedded" "$@"
