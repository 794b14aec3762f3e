#!/usr/bin/env bash
# Start Debian's PostgreSQL (installing it when absent, as root) and create the sitrep role and
# database used by the tests: postgresql://sitrep:sitrep@127.0.0.1:5432/sitrep.
# PostgreSQL refuses to run as root, so the cluster runs as its own `postgres` user.
set -euo pipefail
die() { echo "pg-up: $*" >&2; exit 1; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; as root run: apt-get install -y postgresql"
  echo "pg-up: installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
command -v pg_lsclusters >/dev/null || die "pg_lsclusters missing (package postgresql-common)"
read -r ver name _ < <(pg_lsclusters -h | head -1) || true
if [ -z "${ver:-}" ]; then
  ver="$(ls /usr/lib/postgresql | sort -V | tail -1)"; name=main
  pg_createcluster "$ver" "$name" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$ver" -v n="$name" '$1==v && $2==n {print $4}' | grep -q online; then
  pg_ctlcluster "$ver" "$name" start
fi
for _ in $(seq 1 60); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='sitrep'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role sitrep login superuser password 'sitrep'\""
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='sitrep'\"" | grep -q 1 \
  || su postgres -c "createdb -O sitrep sitrep"
echo "pg-up: PostgreSQL $ver/$name ready at postgresql://sitrep:***@127.0.0.1:5432/sitrep"
