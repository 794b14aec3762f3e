#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller in one JVM) for development and tests.
#
#   deploy/kafka/kafka.sh up      resolve jars (first time), format storage (first time), start, wait
#   deploy/kafka/kafka.sh down    stop the broker started by `up`
#   deploy/kafka/kafka.sh status  exit 0 when the broker answers
#
# Settings (environment):
#   SITREP_KAFKA_PORT        plaintext listener on 127.0.0.1 (default 9092)
#   SITREP_KAFKA_SASL_PORT   SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256; default PORT+2)
#   SITREP_KAFKA_HOME        cache folder for jars, data and logs (default <repo>/.cache/kafka)
#   SITREP_KAFKA_HEAP        JVM heap (default 512m)
# The SASL listener's users (for tests of client security settings) are sitrep/sitrep-secret.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port="${SITREP_KAFKA_PORT:-9092}"
sasl_port="${SITREP_KAFKA_SASL_PORT:-$((port + 2))}"
ctrl_port="$((port + 1))"
home="${SITREP_KAFKA_HOME:-$repo/.cache/kafka}"
libs="$home/libs"
data="$home/data-$port"
logs="$home/logs-$port"
pidfile="$home/kafka-$port.pid"
conf="$home/server-$port.properties"

die() { echo "kafka.sh: $*" >&2; exit 1; }

need_tools() {
  command -v java >/dev/null 2>&1 || die "Java 17+ is required (Kafka 4 brokers run on Java 17). Install it: apt-get install openjdk-17-jre-headless"
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  [ "${v%%.*}" -ge 17 ] 2>/dev/null || die "Java $v found; Kafka 4 needs Java 17 or newer (set JAVA_HOME or PATH)"
}

resolve_jars() {
  if [ -f "$libs/.resolved" ] && [ "$libs/.resolved" -nt "$here/pom.xml" ]; then return; fi
  command -v mvn >/dev/null 2>&1 || die "Maven is required to resolve the Kafka jars from Maven Central. Install it: apt-get install maven"
  echo "kafka.sh: resolving Apache Kafka jars from Maven Central into $libs (first run only)"
  rm -rf "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$libs" -DincludeScope=runtime \
    || die "Maven could not resolve the Kafka jars (is Maven Central reachable?)"
  touch "$libs/.resolved"
}

python_check() {
  # Fallback readiness probe without kafka-tools: the broker answers a Kafka ApiVersions request.
  python3 - "$port" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    client = b"probe"
    body = struct.pack(">hhih", 18, 0, 1, len(client)) + client
    s.sendall(struct.pack(">i", len(body)) + body)
    head = s.recv(4)
    size = struct.unpack(">i", head)[0]
    data = b""
    while len(data) < size:
        chunk = s.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    err = struct.unpack(">h", data[4:6])[0]
    sys.exit(0 if err == 0 else 1)
except Exception:
    sys.exit(1)
PY
}

write_config() {
  mkdir -p "$data" "$logs"
  cat > "$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$ctrl_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctrl_port,SASL_PLAINTEXT://127.0.0.1:$sasl_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sasl_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_sitrep="sitrep-secret";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
log.dirs=$data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
log.segment.bytes=67108864
log.cleaner.dedupe.buffer.size=16777216
PROPS
}

cmd_up() {
  need_tools
  resolve_jars
  if python_check; then echo "kafka.sh: a broker already answers on 127.0.0.1:$port"; return 0; fi
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    java -cp "$libs/*" -Dlog4j2.configurationFile="$here/log4j2.yaml" kafka.tools.StorageTool format \
      --config "$conf" --cluster-id "sitrep-local-kafka-01" --standalone \
      --add-scram 'SCRAM-SHA-256=[name=sitrep,password=sitrep-secret]' >"$logs/format.log" 2>&1 \
      || { cat "$logs/format.log" >&2; die "formatting KRaft storage in $data failed"; }
  fi
  # shellcheck disable=SC2086
  nohup java -Xms128m -Xmx"${SITREP_KAFKA_HEAP:-512m}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -Djava.awt.headless=true -Dkafka.logs.dir="$logs" \
      -Dlog4j2.configurationFile="$here/log4j2.yaml" \
      -cp "$libs/*" kafka.Kafka "$conf" >"$logs/server.out" 2>&1 &
  echo $! > "$pidfile"
  local i
  for i in $(seq 1 120); do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      tail -30 "$logs/server.out" >&2; die "the broker exited during start-up (log: $logs/server.out)"
    fi
    if python_check; then echo "kafka.sh: broker up on 127.0.0.1:$port (SASL on $sasl_port) after ${i}x0.5s"; return 0; fi
    sleep 0.5
  done
  tail -30 "$logs/server.out" >&2
  die "the broker did not answer within 60 s (log: $logs/server.out)"
}

cmd_down() {
  [ -f "$pidfile" ] || { echo "kafka.sh: no broker started by this script on port $port"; return 0; }
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  echo "kafka.sh: broker on port $port stopped"
}

cmd_status() { python_check; }

cmd_wipe() { cmd_down; rm -rf "$data" "$logs"; echo "kafka.sh: data for port $port removed"; }

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  wipe) cmd_wipe ;;
  *) echo "usage: $0 up|down|status|wipe" >&2; exit 2 ;;
esac
