#!/usr/bin/env bash
# `make run`: the whole pipeline on the bundled sample, end to end, on this machine.
#
#   1. a local Kafka broker (started here unless one answers at SITREP_KAFKA_BOOTSTRAP)
#   2. `sitrep process` and `sitrep sink` as separate processes (logs in .sitrep/run/)
#   3. `sitrep replay samples/syria-2024/raw.jsonl`
#   4. `sitrep lag --wait` until every consumer group has committed all its input
#   5. `sitrep events` prints the resulting events from the database (SQLite by default,
#      PostgreSQL when SITREP_DATABASE_URL is set)
# Then it stops what it started; KEEP=1 leaves it running (`make stop` ends it).
set -euo pipefail
cd "$(dirname "$0")/.."
run=.sitrep/run
sitrep=.venv/bin/sitrep
mkdir -p "$run"

stop_all() {
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -e "$run/broker-started" ]; then
    bash deploy/kafka/kafka.sh down >/dev/null
    rm -f "$run/broker-started"
  fi
}

if [ "${1:-}" = "stop" ]; then stop_all; echo "run-sample: stopped"; exit 0; fi

t0=$(date +%s%N)
sample="${SITREP_SAMPLE:-samples/syria-2024/raw.jsonl}"
[ -f "$sample" ] || { echo "run-sample: sample file $sample is missing" >&2; exit 1; }

stop_all
bootstrap="${SITREP_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
if ! SITREP_KAFKA_PORT="${bootstrap##*:}" bash deploy/kafka/kafka.sh status; then
  SITREP_KAFKA_PORT="${bootstrap##*:}" bash deploy/kafka/kafka.sh up
  touch "$run/broker-started"
fi

if [ "${KEEP:-0}" != 1 ]; then trap 'stop_all' EXIT; fi

stamp="$(date +%Y%m%d-%H%M%S)"
export SITREP_TOPIC_PREFIX="${SITREP_TOPIC_PREFIX:-sitrep-sample-$stamp}"
export SITREP_GROUP_PREFIX="$SITREP_TOPIC_PREFIX"
export SITREP_SOURCES_FILE="${SITREP_SOURCES_FILE:-samples/syria-2024/sources.yaml}"
export SITREP_LOG_FORMAT="${SITREP_LOG_FORMAT:-json}"
export SITREP_DATA_DIR="$run/data"
if [ -z "${SITREP_DATABASE_URL:-}" ]; then
  export SITREP_SQLITE_PATH="${SITREP_SQLITE_PATH:-.sitrep/sample.db}"
  rm -f "$SITREP_SQLITE_PATH" "$SITREP_SQLITE_PATH"-wal "$SITREP_SQLITE_PATH"-shm
  where="SQLite file $SITREP_SQLITE_PATH"
else
  where="PostgreSQL (SITREP_DATABASE_URL)"
fi
items=$(grep -c . "$sample")

echo "run-sample: topics ${SITREP_TOPIC_PREFIX}.*, $items raw items from $sample"
"$sitrep" topics --create >/dev/null
"$sitrep" db migrate >/dev/null
"$sitrep" process >"$run/process.log" 2>&1 & echo $! >"$run/process.pid"
"$sitrep" sink >"$run/sink.log" 2>&1 & echo $! >"$run/sink.pid"
"$sitrep" replay "$sample"
if ! "$sitrep" lag --wait "${SITREP_RUN_TIMEOUT:-240}" --min-input "$items" >"$run/lag.txt"; then
  echo "run-sample: the pipeline did not drain; last lines of the logs:" >&2
  tail -n 20 "$run/process.log" "$run/sink.log" >&2
  exit 1
fi
t1=$(date +%s%N)
echo
"$sitrep" events --limit "${SITREP_RUN_ROWS:-60}"
printf '\nrun-sample: %d raw items processed in %d.%01d s; events and reports are stored in %s\n' \
  "$items" $(( (t1 - t0) / 1000000000 )) $(( (t1 - t0) / 100000000 % 10 )) "$where"
echo "run-sample: dead letters (if any) are on topic ${SITREP_TOPIC_PREFIX}.dlq.v1; logs in $run/"
if [ "${KEEP:-0}" = 1 ]; then echo "run-sample: services left running; 'make stop' ends them"; fi
