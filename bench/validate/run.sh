#!/usr/bin/env bash
# bench/validate: hdl.validate throughput (resources/s) on the shared Synthea NDJSON (7,160 resources),
# at levels strict and structure, on a throwaway cluster: the resources are loaded into a jsonb table
# first, so the timed statement is detoast + validation + the OperationOutcome only. Best of RUNS runs
# (the machines are noisy), after one warm-up run.
# Usage: [PGBIN=/other/bin] [RUNS=7] bench/validate/run.sh [--port P] [--data DIR]
#        (run as root or as a user who may run postgres; DIR defaults to $HDL_SHARED_DIR/data/synthea/ndjson)
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=55498
DATA=${HDL_SHARED_DIR:-$PWD/../shared}/data/synthea/ndjson
RUNS=${RUNS:-7}
while [ $# -gt 0 ]; do
	case "$1" in
	--port) PORT=$2; shift 2 ;;
	--data) DATA=$2; shift 2 ;;
	-h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
[ -d "$DATA" ] || { echo "no Synthea NDJSON at $DATA (set HDL_SHARED_DIR or --data)" >&2; exit 2; }
source bench/cluster.sh
bench_cluster_init validate "$PORT"
bench_cluster_start
psql -c "CREATE EXTENSION hdl CASCADE" -c "CREATE TABLE staged(doc text)" -c "CREATE TABLE docs(doc jsonb)"
for f in "$DATA"/*.ndjson; do
	[ "$(basename "$f")" = log.ndjson ] && continue
	psql -c "\\copy staged FROM '$f' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
done
psql -c "INSERT INTO docs SELECT doc::jsonb FROM staged" -c "VACUUM ANALYZE docs"
resources=$(psql -At -c "SELECT count(*) FROM docs")
# One session per level: the first statement in it also compiles the invariants of the types it meets
# (once per backend, docs/validation.md), the next RUNS are the steady state.
for level in strict structure; do
	q="SELECT count(*) FILTER (WHERE hdl.validate(doc, '$level') -> 'issue' -> 0 ->> 'severity' = 'error') FROM docs"
	refused=$(psql -At -c "$q")
	args=(-c "\\timing on")
	for i in $(seq 0 "$RUNS"); do args+=(-c "$q"); done
	mapfile -t times < <(psql -At "${args[@]}" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
	first=${times[0]}
	best=$(printf '%s\n' "${times[@]:1}" | sort -g | head -1)
	awk -v l="$level" -v n="$resources" -v ms="$best" -v f="$first" -v r="$refused" \
		'BEGIN{printf "hdl.validate %-9s %7d resources/s (best of '"$RUNS"' in one session: %.1f ms for %d resources; first statement of the session %.1f ms; %d refused)\n", l, n / (ms / 1000), ms, n, f, r}'
done
