#!/bin/sh
# The benchmark: builds what it needs, starts the embedded default (two brokers, two gateways, H2 logs or with
# --postgres one PostgreSQL server for both logs), warms up, drives transfers through G1's back-office REST interface
# at 1, 8, 32 and 128 in flight, then kills one gateway with SIGKILL under load and times its recovery. Prints a
# table and writes target/benchmark/benchmark-<time>.json and .txt. With --ledger evm each gateway runs on its own EVM
# chain (a Hardhat node) instead of the reference ledger. Options: config/benchmark.sh --help
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
echo "building the gateway (mvn -B -q -DskipTests -pl config/launcher -am package) ..."
mvn -B -q -Dstyle.color=never -DskipTests -pl config/launcher -am package
exec java -cp "$ROOT/config/launcher/target/satp-launcher.jar" org.satpgateway.launcher.BenchmarkMain \
    --out "$ROOT/target/benchmark" "$@"
