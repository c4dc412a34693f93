#!/bin/sh
# The chaos command: builds what it needs, starts the embedded default (two brokers, two gateways, H2 logs or with
# --postgres one PostgreSQL server for both logs), runs transfers through G1's back-office REST interface while it
# kills a gateway (or both) with SIGKILL at random moments and restarts it on the same folders, waits until every
# transfer has ended on both sides, and checks that no asset was lost or duplicated, total supply is unchanged and
# both gateways agree on each outcome. Prints a table and writes target/chaos/chaos-<time>.json and .txt; exits
# non-zero when a check fails. Options: config/chaos.sh --help
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
echo "building the gateway (mvn -B -q -DskipTests -pl config/launcher -am package) ..."
mvn -B -q -Dstyle.color=never -DskipTests -pl config/launcher -am package
exec java -cp "$ROOT/config/launcher/target/satp-launcher.jar" org.satpgateway.launcher.ChaosMain \
    --out "$ROOT/target/chaos" "$@"
