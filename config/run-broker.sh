#!/bin/sh
# Starts the gateway's Artemis broker in the foreground (its own JVM; exec, so this script's pid is the JVM's pid).
#   BROKER_USERS=<users file> ./run-broker.sh <data-dir> [port]     (build first: mvn -B -q -pl config/broker -am package)
# SIGTERM (kill <pid>) stops it cleanly; it prints "SATP-BROKER READY <host>:<port> <ms> ms" when it listens.
# Required: BROKER_USERS, the users file (owner-only, mode 600): user.<name>=<password> and roles.<name>=<roles>, see
#   BrokerMain's Javadoc and broker.xml's header. Without it, or with a file others may read, the broker does not start.
# Optional: BROKER_HOST (default 127.0.0.1). Any other host needs BROKER_TLS_KEY_STORE (PKCS12) and its password in
#   SATP_BROKER_TLS_KEY_STORE_PASSWORD; the acceptor then takes TLS 1.3 only.
# Optional: BROKER_JAVA_OPTS (default -Xms64m -Xmx256m), BROKER_XML (default the versioned broker.xml).
set -eu
if [ $# -lt 1 ]; then echo "usage: BROKER_USERS=<users file> $0 <data-dir> [port]" >&2; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$1
PORT=${2:-61616}
BROKER_XML=${BROKER_XML:-$HERE/broker/src/main/broker/broker.xml}
exec java ${BROKER_JAVA_OPTS:--Xms64m -Xmx256m} \
  -Dsatp.broker.data="$DATA" -Dsatp.broker.port="$PORT" -Dsatp.broker.host="${BROKER_HOST:-127.0.0.1}" \
  -Dsatp.broker.users="${BROKER_USERS:-}" ${BROKER_TLS_KEY_STORE:+-Dsatp.broker.tls.key-store="$BROKER_TLS_KEY_STORE"} \
  -cp "$HERE/broker/target/satp-broker.jar" \
  org.satpgateway.config.broker.BrokerMain "$BROKER_XML"
