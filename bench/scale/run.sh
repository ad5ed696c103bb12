#!/usr/bin/env bash
# bench/scale: grows a generated lake in STEPS steps on a throwaway cluster and measures, per step
# (issue #21 item 7; ratios within one run, because these machines are noisy):
#   ingest   one feed alone, then two feeds at once (different sources, populations of the same
#            size, one Bundle per transaction): entries/s and the two-feed speed-up
#   disk     the lake's tables (current + history, with indexes and TOAST) and the database
#            against the raw NDJSON of everything ingested so far
#   marts    the starter marts: incremental refresh after the step's ingest, full rebuild, and an
#            incremental refresh with nothing changed (the fixed cost)
#   read     hdl.read against a plain primary-key lookup (pgbench, prepared, one client)
#   views    the catalogue and console views (ms)
# Each step adds 3 x PATIENTS GP patients (about 28 entries each): the defaults reach ~1M resources.
# Usage: [PGBIN=/other/bin] [SYNTH=path/to/hdl-synth] bench/scale/run.sh [--steps K] [--patients P] [--port N]
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS=3
PATIENTS=4000
PORT=55495
while [ $# -gt 0 ]; do
	case "$1" in
	--steps) STEPS=$2; shift 2 ;;
	--patients) PATIENTS=$2; shift 2 ;;
	--port) PORT=$2; shift 2 ;;
	-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
source bench/cluster.sh
bench_cluster_init scale "$PORT" "shared_buffers = 1GB
max_wal_size = 8GB
checkpoint_timeout = 30min"
if [ -z "${SYNTH:-}" ]; then
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build --target hdl-synth -j2 >/dev/null
	SYNTH=build/tools/hdl-synth/hdl-synth
fi
bench_cluster_start
chmod a+rx "$WORK"
q() { psql -At "$@"; }
ms() { psql -At -c "\\timing on" "$@" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1; }
now() { date +%s.%N; }
q -c "CREATE EXTENSION hdl CASCADE" >/dev/null 2>&1
psql <<'SQL' >/dev/null
CREATE TABLE public.staged(pop text, n int, doc text, PRIMARY KEY (pop, n));
GRANT SELECT ON public.staged TO PUBLIC;
CREATE PROCEDURE public.feed(p text) LANGUAGE plpgsql AS $$
DECLARE b record;
BEGIN
	FOR b IN SELECT doc FROM public.staged s WHERE s.pop = p ORDER BY n LOOP
		PERFORM hdl.ingest_bundle(b.doc::jsonb);
		COMMIT;
	END LOOP;
END $$;
GRANT EXECUTE ON PROCEDURE public.feed(text) TO PUBLIC;
CREATE TABLE public.read_ids(n int PRIMARY KEY, id text);
GRANT SELECT ON public.read_ids TO PUBLIC;
SELECT count(*) FROM hdl.install_starter_marts();
SQL
for f in a b c; do
	q -c "CREATE ROLE scale_$f LOGIN IN ROLE hdl_provider" -c "SELECT hdl.register_source('scale_$f', 'SC${f^^}', 'scale feed $f')" >/dev/null
done
marts=$(q -c "SELECT string_agg(name, ' ' ORDER BY name) FROM hdl.marts")
raw=0
S=$WORK/scripts
mkdir -p "$S"
run_pgbench() { $AS "$PGBIN/pgbench" -h "$WORK" -p "$PORT" -U postgres -n -c 1 -T 5 -M prepared -f "$1" postgres 2>/dev/null |
	sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'; }
printf '%-5s %9s | %8s %8s %6s | %7s %7s %7s %6s | %9s %9s %9s | %6s %6s %5s | %s\n' step resources \
	"1 feed/s" "2 feeds/s" ratio "lake MB" "db MB" "raw MB" "lake/raw" "mart incr" "mart full" "no change" \
	"read" plain ratio "views ms"
for step in $(seq 1 "$STEPS"); do
	for f in a b c; do
		seed=$((step * 10 + $(printf '%d' "'$f") - 96))
		"$SYNTH" --patients "$PATIENTS" --seed "$seed" --format bundles --feeds gp --out "$WORK/gen" --quiet
		"$SYNTH" --patients "$PATIENTS" --seed "$seed" --format ndjson --feeds gp --out "$WORK/gen-ndjson" --quiet
		raw=$((raw + $(cat "$WORK"/gen-ndjson/gp/*.ndjson | wc -c)))
		chmod -R a+rX "$WORK/gen"
		q -c "CREATE TEMP TABLE raw(doc text)" \
			-c "\\copy raw FROM '$WORK/gen/gp.bundles.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" \
			-c "INSERT INTO public.staged SELECT '$step$f', row_number() OVER (), doc FROM raw" >/dev/null
		rm -rf "$WORK/gen" "$WORK/gen-ndjson"
	done
	entries() { q -c "SELECT sum(jsonb_array_length(doc::jsonb -> 'entry')) FROM public.staged WHERE pop = ANY ('{$1}')"; }
	ea=$(entries "${step}a"); ebc=$(entries "${step}b,${step}c")
	t0=$(now); $AS "$PGBIN/psql" -h "$WORK" -p "$PORT" -U scale_a -d postgres -X -q -c "CALL public.feed('${step}a')"; t1=$(now)
	$AS "$PGBIN/psql" -h "$WORK" -p "$PORT" -U scale_b -d postgres -X -q -c "CALL public.feed('${step}b')" & p1=$!
	$AS "$PGBIN/psql" -h "$WORK" -p "$PORT" -U scale_c -d postgres -X -q -c "CALL public.feed('${step}c')" & p2=$!
	wait $p1 $p2; t2=$(now)
	q -c "DELETE FROM public.staged" -c "VACUUM ANALYZE" >/dev/null
	incr=0; full=0; none=0
	for m in $marts; do
		incr=$(echo "$incr + $(ms -c "SELECT hdl.refresh_mart('$m')")" | bc)
		full=$(echo "$full + $(ms -c "SELECT hdl.refresh_mart('$m', 'full')")" | bc)
		none=$(echo "$none + $(ms -c "SELECT hdl.refresh_mart('$m')")" | bc)
	done
	q -c "TRUNCATE public.read_ids" -c "INSERT INTO public.read_ids SELECT row_number() OVER (), id FROM hdl_lake.resource WHERE resource_type = 'Observation'" >/dev/null
	nobs=$(q -c "SELECT count(*) FROM public.read_ids")
	printf '\\set i random(1, %d)\nSELECT hdl.read($$Observation$$, (SELECT id FROM public.read_ids WHERE n = :i));\n' "$nobs" >"$S/read.sql"
	printf '\\set i random(1, %d)\nSELECT resource FROM hdl_lake.resource WHERE resource_type = $$Observation$$ AND id = (SELECT id FROM public.read_ids WHERE n = :i);\n' "$nobs" >"$S/plain.sql"
	chmod -R a+rX "$S"
	read_ms=$(run_pgbench "$S/read.sql"); plain_ms=$(run_pgbench "$S/plain.sql")
	views=0
	for v in catalog_resource_types catalog_elements catalog_sources catalog_batches catalog_marts console_jobs console_runs console_failures console_marts console_ingest_volume console_imports; do
		views=$(echo "$views + $(ms -c "SELECT count(*) FROM hdl.$v")" | bc)
	done
	resources=$(q -c "SELECT count(*) FROM hdl_lake.resource")
	lake=$(q -c "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'hdl_lake' AND c.relkind = 'r'")
	db=$(q -c "SELECT pg_database_size('postgres')")
	awk -v step="$step" -v res="$resources" -v ea="$ea" -v ebc="$ebc" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v lake="$lake" -v db="$db" \
		-v raw="$raw" -v incr="$incr" -v full="$full" -v none="$none" -v rd="$read_ms" -v pl="$plain_ms" -v views="$views" 'BEGIN {
		r1 = ea / (t1 - t0); r2 = ebc / (t2 - t1)
		printf "%-5s %9d | %8.0f %8.0f %5.2fx | %7.0f %7.0f %7.0f %5.2fx | %7.0f ms %7.0f ms %7.0f ms | %6.3f %6.3f %4.2fx | %.0f\n",
			step, res, r1, r2, r2 / r1, lake / 1048576, db / 1048576, raw / 1048576, lake / raw,
			incr, full, none, rd, pl, rd / pl, views }'
done
echo "(mart times are the sum over the starter marts: $marts)"
