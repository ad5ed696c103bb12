#!/usr/bin/env bash
# The README's first command: installs dependencies, builds and installs hdl, starts a local
# cluster with hdl preloaded (data under .hdl/ in this checkout), creates the extension,
# generates and ingests sample data, builds the marts, schedules their refresh, and prints what it
# made.
# Usage: scripts/run-lake.sh [--patients N] [--port P] [--stop]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PATIENTS=200
PORT=${HDL_PORT:-54329}
while [ $# -gt 0 ]; do
	case "$1" in
	--patients) PATIENTS=$2; shift 2 ;;
	--port) PORT=$2; shift 2 ;;
	--stop) STOP=1; shift ;;
	-h|--help)
		sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	*) echo "run-lake: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
done

STATE=$ROOT/.hdl
DATA=$STATE/data
SOCK=$STATE/run
PGBIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# Postgres refuses to run as root: as root, the cluster belongs to the postgres user.
AS_DB=""
[ "$(id -u)" -eq 0 ] && AS_DB="runuser -u postgres --"

if [ "${STOP:-0}" = 1 ]; then
	$AS_DB "$PGBIN/pg_ctl" -D "$DATA" stop -m fast
	exit 0
fi

echo "== dependencies"
bash scripts/install-deps.sh
PGBIN=$(pg_config --bindir)
echo "== build and install"
make -j2 >/dev/null
$SUDO make install >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target hdl-synth -j2 >/dev/null

echo "== cluster in $DATA (port $PORT)"
mkdir -p "$STATE" "$SOCK"
[ -n "$AS_DB" ] && chown -R postgres:postgres "$STATE"
if [ ! -f "$DATA/PG_VERSION" ]; then
	$AS_DB "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust >/dev/null
	cat >>"$DATA/postgresql.conf" <<CONF
# added by scripts/run-lake.sh
listen_addresses = ''
port = $PORT
unix_socket_directories = '$SOCK'
shared_preload_libraries = 'hdl'
max_worker_processes = 16
hdl.etl_database = 'hdl'
hdl.key_file = 'hdl.keys'
CONF
	# Fresh random keys for this local lake (pseudonyms and the identity vault), in a file only the
	# server's OS user can read (hdl refuses a key file others can read; keys are never settings).
	pkey=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
	vkey=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
	(umask 077; printf 'pseudonym_key = local1:%s\nvault_key = local1:%s\n' "$pkey" "$vkey" >"$DATA/hdl.keys")
fi
# A lake made before keys left postgresql.conf: move them into the key file.
if [ ! -f "$DATA/hdl.keys" ] && grep -qE "^hdl\.(pseudonym|vault)_key = " "$DATA/postgresql.conf"; then
	(umask 077; sed -nE "s/^hdl\.((pseudonym|vault)_key) = '(.*)'\$/\1 = \3/p" "$DATA/postgresql.conf" >"$DATA/hdl.keys")
	sed -i -E '/^hdl\.(pseudonym|vault)_key = /d' "$DATA/postgresql.conf"
	echo "hdl.key_file = 'hdl.keys'" >>"$DATA/postgresql.conf"
fi
if [ -n "$AS_DB" ] && [ -f "$DATA/hdl.keys" ]; then chown postgres:postgres "$DATA/hdl.keys"; fi
if ! $AS_DB "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
	chmod 0700 "$DATA" # Postgres refuses a data directory others can read (a recursive chmod of the checkout)
	$AS_DB "$PGBIN/pg_ctl" -D "$DATA" -l "$STATE/server.log" -w start >/dev/null
fi
PSQL=("$PGBIN/psql" -h "$SOCK" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q)
$AS_DB "${PSQL[@]}" -d postgres -c "SELECT 1" >/dev/null
$AS_DB "${PSQL[@]}" -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'hdl'" | grep -q 1 ||
	$AS_DB "${PSQL[@]}" -d postgres -c "CREATE DATABASE hdl"
$AS_DB "${PSQL[@]}" -d hdl -c "CREATE EXTENSION IF NOT EXISTS hdl CASCADE"

echo "== sample data ($PATIENTS patients from hdl-synth, five provider feeds)"
AS_DB="$AS_DB" PSQL_CMD="${PSQL[*]} -d hdl" bash scripts/load-sample.sh "$PATIENTS"

echo "== the lake"
$AS_DB "${PSQL[@]}" -d hdl -P pager=off -c "SELECT hdl.version() AS hdl_version, current_setting('shared_preload_libraries') AS preloaded"
$AS_DB "${PSQL[@]}" -d hdl -P pager=off -f scripts/summary.sql
cat <<TXT

hdl is running. Connect with:
  ${AS_DB:+$AS_DB }psql -h $SOCK -p $PORT -U postgres hdl
Stop it with:
  bash scripts/run-lake.sh --stop
TXT
