#!/usr/bin/env bash
# bench/read: hdl.read latency against a plain primary-key lookup on the lake from a client
# (pgbench, one client), on a throwaway cluster holding N generated Observations. Also the SQL
# function hdl.read was before (planned at every call over the partitioned parent). Best of RUNS
# alternating runs of SECONDS each, per protocol (simple, prepared); prints ratios to the plain
# lookup measured in the same run.
# Usage: [PGBIN=/other/bin] [RUNS=3] [SECONDS_EACH=10] bench/read/run.sh [--port P] [--resources N]
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=55497
N=50000
RUNS=${RUNS:-3}
SECS=${SECONDS_EACH:-10}
while [ $# -gt 0 ]; do
	case "$1" in
	--port) PORT=$2; shift 2 ;;
	--resources) N=$2; shift 2 ;;
	-h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
source bench/cluster.sh
bench_cluster_init read "$PORT"
bench_cluster_start
psql -c "CREATE EXTENSION hdl CASCADE" -c "CREATE ROLE bench_feed IN ROLE hdl_provider" \
	-c "SELECT hdl.register_source('bench_feed', 'BENCH1', 'bench feed')" >/dev/null
# Bundles of 500 Observations (the lake's other partitions get a Practitioner each way too).
psql -c "SET ROLE bench_feed" -c "
SELECT count(hdl.ingest_bundle(jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction', 'entry',
	(SELECT jsonb_agg(jsonb_build_object('resource', jsonb_build_object('resourceType', 'Observation', 'id', 'o' || i,
		'status', 'final', 'code', jsonb_build_object('text', 'heart rate'),
		'valueQuantity', jsonb_build_object('value', i % 200, 'unit', '/min')),
		'request', jsonb_build_object('method', 'PUT', 'url', 'Observation/o' || i)))
	 FROM generate_series(b * 500 + 1, least(b * 500 + 500, $N)) i))))
FROM generate_series(0, ($N - 1) / 500) b" >/dev/null
psql -c "VACUUM ANALYZE" -c "
CREATE FUNCTION public.read_sql(type text, id text) RETURNS jsonb
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS \$\$
	SELECT resource FROM hdl_lake.resource r
	WHERE r.resource_type OPERATOR(pg_catalog.=) \$1 AND r.id OPERATOR(pg_catalog.=) \$2 \$\$"
S=$WORK/scripts
mkdir -p "$S"
printf '\\set i random(1, %d)\nSELECT hdl.read($$Observation$$, $$o$$ || :i);\n' "$N" >"$S/hdl_read.sql"
printf '\\set i random(1, %d)\nSELECT resource FROM hdl_lake.resource WHERE resource_type = $$Observation$$ AND id = $$o$$ || :i;\n' "$N" >"$S/plain.sql"
printf '\\set i random(1, %d)\nSELECT public.read_sql($$Observation$$, $$o$$ || :i);\n' "$N" >"$S/sql_function.sql"
chmod -R a+rX "$S"
run() { # script protocol -> average latency in ms
	$AS "$PGBIN/pgbench" -h "$WORK" -p "$PORT" -U postgres -n -c 1 -T "$SECS" -M "$2" -f "$S/$1.sql" postgres 2>/dev/null |
		sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'
}
echo "hdl.read against a plain lookup: $N Observations, pgbench 1 client, best of $RUNS x ${SECS}s"
for proto in simple prepared; do
	declare -A best=()
	for r in $(seq 1 "$RUNS"); do
		for s in plain hdl_read sql_function; do
			t=$(run "$s" "$proto")
			if [ -z "${best[$s]:-}" ] || awk -v a="$t" -v b="${best[$s]}" 'BEGIN { exit !(a < b) }'; then best[$s]=$t; fi
		done
	done
	for s in plain hdl_read sql_function; do
		awk -v s="$s" -v p="$proto" -v t="${best[$s]}" -v base="${best[plain]}" \
			'BEGIN { printf "%-9s %-13s %7.3f ms  %5.2fx the plain lookup\n", p, s, t, t / base }'
	done
	unset best
done
