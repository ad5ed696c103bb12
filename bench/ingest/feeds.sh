#!/usr/bin/env bash
# bench/ingest/feeds.sh: do concurrent feeds scale? (issue #21 item 1). On one throwaway cluster,
# in two databases: `postgres` (hdl.etl_database: the ETL launcher announces ingest batches) and
# `inline` (no launcher there: each ingest commit sends NOTIFY hdl_ingest itself, as every
# database did before). In each, the generator's GP Bundles of two populations (seeds 1 and 2),
# one Bundle per transaction:
#   one feed:  feed A ingests population 1 then population 2
#   two feeds: feed A ingests population 1 while feed B ingests population 2
# and prints the speed-up (one feed's time / two feeds' time; 2.0 is perfect on two cores).
# Then FEEDS feeds at once (default 8), each its own population, 100 Bundles per transaction,
# and counts the feeds that failed (a deadlock, 40P01, or any error).
# Usage: [PGBIN=/other/bin] [SYNTH=path/to/hdl-synth] bench/ingest/feeds.sh [--patients N] [--feeds F] [--port P]
set -euo pipefail
cd "$(dirname "$0")/../.."
PATIENTS=1000
FEEDS=8
PORT=55496
while [ $# -gt 0 ]; do
	case "$1" in
	--patients) PATIENTS=$2; shift 2 ;;
	--feeds) FEEDS=$2; shift 2 ;;
	--port) PORT=$2; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
source bench/cluster.sh
bench_cluster_init feeds "$PORT" "shared_buffers = 512MB
max_wal_size = 4GB
checkpoint_timeout = 30min
max_connections = 40"
if [ -z "${SYNTH:-}" ]; then
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build --target hdl-synth -j2 >/dev/null
	SYNTH=build/tools/hdl-synth/hdl-synth
fi
n_pop=$(( FEEDS > 2 ? FEEDS : 2 ))
for s in $(seq 1 "$n_pop"); do
	"$SYNTH" --patients "$PATIENTS" --seed "$s" --format bundles --feeds gp --out "$WORK/pop$s" --quiet
done
chmod a+rx "$WORK"; chmod -R a+rX "$WORK"/pop*
bench_cluster_start
psql -c "CREATE DATABASE inline" >/dev/null
# (the hdl roles are cluster-wide: made by the first CREATE EXTENSION)
psql -c "CREATE EXTENSION hdl CASCADE" >/dev/null 2>&1
for f in $(seq 1 "$n_pop"); do psql -c "CREATE ROLE bench_feed$f LOGIN IN ROLE hdl_provider" >/dev/null; done
setup_db() { # database
	local db=$1
	$AS "$PGBIN/psql" -h "$WORK" -p "$PORT" -U postgres -d "$db" -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE TABLE public.staged(pop int, n int, doc text, PRIMARY KEY (pop, n));
GRANT SELECT ON public.staged TO PUBLIC;
-- one feed's ingest: the population's Bundles in order, a COMMIT every per_tx Bundles
CREATE PROCEDURE public.feed(pop int, per_tx int) LANGUAGE plpgsql AS \$\$
DECLARE
	b record;
	i int := 0;
BEGIN
	FOR b IN SELECT doc FROM public.staged s WHERE s.pop = feed.pop ORDER BY n LOOP
		PERFORM hdl.ingest_bundle(b.doc::jsonb);
		i := i + 1;
		IF i % per_tx = 0 THEN
			COMMIT;
		END IF;
	END LOOP;
END
\$\$;
GRANT EXECUTE ON PROCEDURE public.feed(int, int) TO PUBLIC;
SQL
	for f in $(seq 1 "$n_pop"); do
		$AS "$PGBIN/psql" -h "$WORK" -p "$PORT" -U postgres -d "$db" -X -q -c "SELECT FROM hdl.register_source('bench_feed$f', 'BF$f', 'bench feed $f')" >/dev/null
		$AS "$PGBIN/psql" -h "$WORK" -p "$PORT" -U postgres -d "$db" -X -q \
			-c "CREATE TEMP TABLE raw(doc text)" \
			-c "\\copy raw FROM '$WORK/pop$f/gp.bundles.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" \
			-c "INSERT INTO public.staged SELECT $f, row_number() OVER (), doc FROM raw"
	done
}
setup_db postgres
setup_db inline
dbpsql() { local db=$1; shift; $AS "$PGBIN/psql" -h "$WORK" -p "$PORT" -U postgres -d "$db" -X -q "$@"; }
reset_lake() {
	dbpsql "$1" -c "TRUNCATE hdl_lake.resource, hdl_lake.resource_history, hdl.ingest_batch, hdl_vault.identity, hdl_vault.link, hdl.catalog_delta CASCADE" \
		-c "CHECKPOINT" >/dev/null
}
now() { date +%s.%N; }
entries=$(dbpsql postgres -At -c "SELECT sum(jsonb_array_length(doc::jsonb -> 'entry')) FROM public.staged WHERE pop <= 2")
echo "feeds: $PATIENTS patients per population, GP Bundles (two populations: $entries entries), one Bundle per transaction"
for db in postgres inline; do
	reset_lake "$db"
	t0=$(now)
	dbpsql "$db" -U bench_feed1 -c "CALL public.feed(1, 1)" -c "CALL public.feed(2, 1)"
	t1=$(now)
	reset_lake "$db"
	t2=$(now)
	dbpsql "$db" -U bench_feed1 -c "CALL public.feed(1, 1)" &
	p1=$!
	dbpsql "$db" -U bench_feed2 -c "CALL public.feed(2, 1)" &
	p2=$!
	wait $p1 $p2
	t3=$(now)
	awk -v db="$db" -v one="$(echo "$t1 - $t0" | bc)" -v two="$(echo "$t3 - $t2" | bc)" -v n="$entries" 'BEGIN {
		label = (db == "postgres") ? "launcher announces (hdl.etl_database)" : "each commit notifies (other database)"
		printf "%-40s one feed %6.2f s (%6.0f entries/s), two feeds %6.2f s (%6.0f entries/s): %.2fx\n",
			label, one, n / one, two, n / two, one / two }'
done
echo "$FEEDS feeds at once, 100 Bundles per transaction (database postgres):"
reset_lake postgres
pids=()
for f in $(seq 1 "$FEEDS"); do
	dbpsql postgres -U "bench_feed$f" -c "CALL public.feed($f, 100)" >"$WORK/feed$f.out" 2>&1 &
	pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed=$((failed + 1)); done
deadlocks=$(cat "$WORK"/feed*.out | grep -c "deadlock detected" || true)
stored=$(dbpsql postgres -At -c "SELECT count(*) FROM hdl.ingest_batch")
echo "  feeds failed: $failed of $FEEDS (deadlocks: $deadlocks); batches stored: $stored"
[ "$failed" -gt 0 ] && head -5 "$WORK"/feed*.out
exit 0
