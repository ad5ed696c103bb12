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
timed() { psql -At -c "\\timing on" -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1; }
for level in strict structure; do
	q="SELECT count(*) FILTER (WHERE hdl.validate(doc, '$level') -> 'issue' -> 0 ->> 'severity' = 'error') FROM docs"
	refused=$(psql -At -c "$q")
	best=""
	for i in $(seq 0 "$RUNS"); do
		ms=$(timed "$q")
		[ "$i" = 0 ] && continue # warm-up
		if [ -z "$best" ] || awk "BEGIN{exit !($ms < $best)}"; then best=$ms; fi
	done
	awk -v l="$level" -v n="$resources" -v ms="$best" -v r="$refused" \
		'BEGIN{printf "hdl.validate %-9s %7d resources/s (best of '"$RUNS"': %.1f ms for %d resources; %d refused)\n", l, n / (ms / 1000), ms, n, r}'
done
