#!/usr/bin/env bash
# The README's first command: installs dependencies, builds and installs hdl, starts a local
# cluster with hdl preloaded (data under .hdl/ in this checkout), creates the extension,
# generates and ingests sample data (once: a second run adds nothing), builds the marts,
# schedules their refresh, and prints what it made and how to connect.
# Usage: scripts/run-lake.sh [--patients N] [--port P] [--listen] [--reset] [--stop] [--dir D] [--skip-build]
#   --patients N   sample size (default 200); the sample is loaded once per lake
#   --port P       the server's port (default 54329, or $HDL_PORT)
#   --listen       also accept TCP on localhost (scram-sha-256, password in D/password); a run without it turns TCP off
#   --reset        stop the lake and delete it (data and keys) first, then make a new one
#   --stop         stop the lake (nothing to do when it is not running)
#   --dir D        where the lake lives (default .hdl in the checkout)
#   --skip-build   use the hdl already installed and the generator already built
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PATIENTS=200
PORT=${HDL_PORT:-54329}
STATE=$ROOT/.hdl
LISTEN=0
RESET=0
STOP=0
BUILD=1
usage() { sed -n '6,13p' "$0" | sed 's/^# \{0,1\}//'; }
need() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "run-lake: $1 needs a value (try --help)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
	case "$1" in
	--patients) need "$@"; PATIENTS=$2; shift 2 ;;
	--port) need "$@"; PORT=$2; shift 2 ;;
	--dir) need "$@"; STATE=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
	--listen) LISTEN=1; shift ;;
	--reset) RESET=1; shift ;;
	--stop) STOP=1; shift ;;
	--skip-build) BUILD=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "run-lake: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
done
[[ $PATIENTS =~ ^[0-9]+$ ]] && [ "$PATIENTS" -gt 0 ] || { echo "run-lake: --patients needs a positive number" >&2; exit 2; }
[[ $PORT =~ ^[0-9]+$ ]] && [ "$PORT" -gt 0 ] && [ "$PORT" -lt 65536 ] || { echo "run-lake: --port needs a port number" >&2; exit 2; }

DATA=$STATE/data
SOCK=$STATE/run
PGBIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# Postgres refuses to run as root: as root, the cluster belongs to the postgres user.
AS_DB=""
[ "$(id -u)" -eq 0 ] && AS_DB="runuser -u postgres --"

running() { [ -f "$DATA/PG_VERSION" ] && $AS_DB "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }
stop_lake() {
	if [ ! -f "$DATA/PG_VERSION" ]; then
		echo "run-lake: there is no lake in $STATE (nothing to stop)"
	elif ! running; then
		echo "run-lake: the lake in $STATE is not running"
	else
		$AS_DB "$PGBIN/pg_ctl" -D "$DATA" stop -m fast >/dev/null
		echo "run-lake: stopped the lake in $STATE"
	fi
}

if [ "$STOP" = 1 ]; then
	stop_lake
	exit 0
fi
if [ "$RESET" = 1 ]; then
	stop_lake
	rm -rf "$DATA" "$STATE/password" "$STATE/pgpass" "$STATE/server.log"
	echo "run-lake: deleted the lake's data and keys in $STATE"
fi

# Runs a long command with its output in a log, printing a line every 20 s so a long build
# does not look stuck; on failure prints the log's end. progress: a command printing how far.
with_progress() {
	local label=$1 log=$2 progress=$3
	shift 3
	local start=$SECONDS
	"$@" >"$log" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			sleep 2
			kill -0 "$pid" 2>/dev/null || break 2
		done
		echo "   ... $label: $((SECONDS - start)) s$(eval "$progress")"
	done
	if ! wait "$pid"; then
		tail -40 "$log"
		echo "run-lake: $label failed (log: $log)" >&2
		exit 1
	fi
	echo "   $label: done in $((SECONDS - start)) s"
}

if [ "$BUILD" = 1 ]; then
	echo "== dependencies"
	bash scripts/install-deps.sh
	PGBIN=$(pg_config --bindir)
	echo "== build and install (about 6 minutes on 2 cores the first time)"
	mkdir -p "$STATE"
	total=$(make -s print-sources | wc -l)
	# shellcheck disable=SC2016 # evaluated by with_progress
	with_progress "the extension (make)" "$STATE/build.log" \
		'printf ", %s of %s files compiled" "$(grep -c "^g++.* -c " "$STATE/build.log")" "$total"' make -j2
	$SUDO make install >"$STATE/install.log" 2>&1 || { tail -20 "$STATE/install.log"; exit 1; }
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >"$STATE/cmake.log" 2>&1 || { tail -20 "$STATE/cmake.log"; exit 1; }
	# shellcheck disable=SC2016
	with_progress "the generator (cmake --build build --target hdl-synth)" "$STATE/cmake-build.log" \
		'grep -o "^\[ *[0-9]*%\]" "$STATE/cmake-build.log" | tail -1 | sed "s/^/, /"' \
		cmake --build build --target hdl-synth -j2
fi

echo "== cluster in $DATA (port $PORT)"
mkdir -p "$STATE" "$SOCK"
chmod 0700 "$SOCK" # the socket is trusted: only the server's OS user may reach it
[ -n "$AS_DB" ] && chown -R postgres:postgres "$STATE"
if [ ! -f "$DATA/PG_VERSION" ]; then
	$AS_DB "$PGBIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
	$AS_DB tee -a "$DATA/postgresql.conf" >/dev/null <<CONF
# added by scripts/run-lake.sh
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
# Settings each run decides (written again every time): the port, and TCP on localhost or not.
if ! grep -q "^include_if_exists = 'run-lake.conf'" "$DATA/postgresql.conf"; then
	echo "include_if_exists = 'run-lake.conf'" | $AS_DB tee -a "$DATA/postgresql.conf" >/dev/null
fi
listen=""
[ "$LISTEN" = 1 ] && listen=localhost
printf "# written by scripts/run-lake.sh on every run\nport = %s\nlisten_addresses = '%s'\n" "$PORT" "$listen" |
	$AS_DB tee "$DATA/run-lake.conf.new" >/dev/null
# Local socket connections are trusted (the socket directory is the server user's alone); TCP
# needs a scram-sha-256 password.
printf '# written by scripts/run-lake.sh\nlocal all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n' |
	$AS_DB tee "$DATA/pg_hba.conf" >/dev/null
restart=0
if ! cmp -s "$DATA/run-lake.conf.new" "$DATA/run-lake.conf" 2>/dev/null; then
	$AS_DB mv "$DATA/run-lake.conf.new" "$DATA/run-lake.conf"
	restart=1
else
	rm -f "$DATA/run-lake.conf.new"
fi
chmod 0700 "$DATA" # Postgres refuses a data directory others can read (a recursive chmod of the checkout)
if running && [ "$restart" = 1 ]; then
	echo "   restarting for the new port or listen setting"
	$AS_DB "$PGBIN/pg_ctl" -D "$DATA" -l "$STATE/server.log" -w restart -m fast >/dev/null
elif running; then
	$AS_DB "$PGBIN/pg_ctl" -D "$DATA" reload >/dev/null
else
	$AS_DB "$PGBIN/pg_ctl" -D "$DATA" -l "$STATE/server.log" -w start >/dev/null
fi
PSQL=("$PGBIN/psql" -X -h "$SOCK" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q)
$AS_DB "${PSQL[@]}" -d postgres -c "SELECT 1" >/dev/null
$AS_DB "${PSQL[@]}" -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'hdl'" | grep -q 1 ||
	$AS_DB "${PSQL[@]}" -d postgres -c "CREATE DATABASE hdl"
$AS_DB "${PSQL[@]}" -d hdl -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS hdl CASCADE"

if [ "$LISTEN" = 1 ]; then
	# One password per lake, made on the first --listen and kept (mode 0600), set every run.
	if [ ! -s "$STATE/password" ]; then
		(umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$STATE/password")
	fi
	printf 'localhost:%s:*:postgres:%s\n127.0.0.1:%s:*:postgres:%s\n' "$PORT" "$(cat "$STATE/password")" \
		"$PORT" "$(cat "$STATE/password")" >"$STATE/pgpass"
	chmod 0600 "$STATE/password" "$STATE/pgpass"
	[ -n "$AS_DB" ] && chown postgres:postgres "$STATE/password" "$STATE/pgpass"
	# psql reads the password from the file itself (never on a command line)
	printf '\\set pw `cat %s`\nALTER ROLE postgres PASSWORD :%s;\n' "'$STATE/password'" "'pw'" |
		$AS_DB "${PSQL[@]}" -d postgres >/dev/null
fi

echo "== sample data ($PATIENTS patients from hdl-synth, five provider feeds; loaded once)"
AS_DB="$AS_DB" PSQL_CMD="${PSQL[*]} -d hdl" bash scripts/load-sample.sh "$PATIENTS"

echo "== the lake"
$AS_DB "${PSQL[@]}" -d hdl -P pager=off -c "SELECT hdl.version() AS hdl_version, current_setting('shared_preload_libraries') AS preloaded"
$AS_DB "${PSQL[@]}" -d hdl -P pager=off -f scripts/summary.sql
cat <<TXT

hdl is running. Connect with:
  ${AS_DB:+$AS_DB }psql -h $SOCK -p $PORT -U postgres hdl
TXT
if [ "$LISTEN" = 1 ]; then
	cat <<TXT
or over TCP on localhost (GUI and BI tools, PostgREST), user postgres, password in $STATE/password:
  PGPASSFILE=$STATE/pgpass psql "host=localhost port=$PORT user=postgres dbname=hdl"
TXT
fi
dir_option=""
[ "$STATE" != "$ROOT/.hdl" ] && dir_option=" --dir $STATE"
cat <<TXT
Stop it with:
  bash scripts/run-lake.sh --stop$dir_option
TXT
