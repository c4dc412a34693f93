#!/bin/sh
# Starts the gateway's Artemis broker in the foreground (its own JVM; exec, so this script's pid is the JVM's pid).
#   ./run-broker.sh <data-dir> [port]          (build first: mvn -B -q -pl config/broker -am package)
# SIGTERM (kill <pid>) stops it cleanly; it prints "SATP-BROKER READY 127.0.0.1:<port> <ms> ms" when it listens.
# Optional: SATP_BROKER_USER / SATP_BROKER_PASSWORD switch security on with that one user.
# Optional: BROKER_JAVA_OPTS (default -Xms64m -Xmx256m), BROKER_XML (default the versioned broker.xml).
set -eu
if [ $# -lt 1 ]; then echo "usage: $0 <data-dir> [port]" >&2; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$1
PORT=${2:-61616}
BROKER_XML=${BROKER_XML:-$HERE/broker/src/main/broker/broker.xml}
exec java ${BROKER_JAVA_OPTS:--Xms64m -Xmx256m} \
  -Dsatp.broker.data="$DATA" -Dsatp.broker.port="$PORT" -Dsatp.broker.host=127.0.0.1 \
  -cp "$HERE/broker/target/satp-broker.jar" \
  org.satpgateway.config.broker.BrokerMain "$BROKER_XML"
