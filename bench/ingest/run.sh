#!/usr/bin/env bash
# bench/ingest: ingest throughput of hdl against a plain COPY of the same resources, measured in
# one run on one throwaway cluster (ratios, because these machines are noisy).
#   (a) COPY of the generator's NDJSON into a bare jsonb table            -> resources/s (baseline)
#   (b) hdl.ingest_bundle of the generator's transaction Bundles, strict  -> resources/s, ratio b/a
#   (c) as (b) with hdl.pseudonymise = off                                 -> pseudonymisation overhead
#   (d) as (b) with hdl.audit_ingest = off (when the audit module exists)  -> audit overhead
#   (e) the storage floor: plain INSERT ... SELECT of the rows (b) stored into the lake's own
#       tables (current + history, same partitions and indexes), no hdl code at all -> ratio e/a
#   (f) a bound for any design meeting the issue's storage requirements: the Bundles' jsonb_in
#       plus the rows written into the least storage they allow, by plain SQL   -> ratio f/a
# Usage: bench/ingest/run.sh [--patients N] [--port P]      (run as root or as a user who may run postgres)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PATIENTS=3000
PORT=55499
while [ $# -gt 0 ]; do
	case "$1" in
	--patients) PATIENTS=$2; shift 2 ;;
	--port) PORT=$2; shift 2 ;;
	-h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
source bench/cluster.sh
bench_cluster_init ingest "$PORT" "shared_buffers = 512MB
max_wal_size = 4GB
checkpoint_timeout = 30min"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target hdl-synth -j2 >/dev/null
SYNTH=build/tools/hdl-synth/hdl-synth
$SYNTH --patients "$PATIENTS" --seed 1 --format bundles --out "$WORK/bundles" --quiet
$SYNTH --patients "$PATIENTS" --seed 1 --format ndjson --out "$WORK/ndjson" --quiet
chmod -R a+rX "$WORK/bundles" "$WORK/ndjson"

bench_cluster_start

psql <<'SQL'
CREATE EXTENSION hdl CASCADE;
CREATE ROLE bench_feed IN ROLE hdl_provider;
SELECT FROM hdl.register_source('bench_feed', 'BENCH1', 'benchmark feed');
-- raw lines, loaded without JSON parsing (CSV with quote/delimiter bytes that never occur)
CREATE TABLE staged_ndjson(doc text);
CREATE TABLE staged_bundles(doc text);
CREATE TABLE baseline(doc jsonb);
GRANT SELECT ON staged_bundles TO bench_feed;
SQL
for f in "$WORK"/ndjson/*/*.ndjson; do
	psql -c "\\copy staged_ndjson FROM '$f' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
done
for f in "$WORK"/bundles/*.bundles.ndjson; do
	psql -c "\\copy staged_bundles FROM '$f' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
done

# One timed statement; prints milliseconds.
timed() { psql -At -c "\\timing on" -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1; }
resources_ndjson=$(psql -At -c "SELECT count(*) FROM staged_ndjson")
resources_bundles=$(psql -At -c "SELECT sum(jsonb_array_length(doc::jsonb -> 'entry')) FROM staged_bundles")
bundles=$(psql -At -c "SELECT count(*) FROM staged_bundles")

# Every run starts from the same state: empty lake, vault and catalogue increments, batch ids
# from 1 (ingest compacts the catalogue at every 4096th batch: no run may hit it and another not).
reset_lake() {
	psql -c "TRUNCATE hdl_lake.resource, hdl_lake.resource_history, hdl.ingest_batch, hdl_vault.identity, hdl_vault.link, hdl.catalog_delta" \
		-c "ALTER SEQUENCE hdl.ingest_batch_batch_id_seq RESTART" -c "CHECKPOINT" >/dev/null
}
ingest_all() { # $1: extra SET statements
	timed "$1 SET ROLE bench_feed; SELECT count(hdl.ingest_bundle(doc::jsonb)) FROM staged_bundles"
}

psql -c "CHECKPOINT" >/dev/null
copy_ms=$(timed "INSERT INTO baseline SELECT doc::jsonb FROM staged_ndjson")
psql -c "TRUNCATE baseline" -c "CHECKPOINT" >/dev/null
copy_ms=$(timed "COPY baseline FROM PROGRAM 'cat $WORK/ndjson/*/*.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')")
reset_lake
hdl_ms=$(ingest_all "")
# keep the rows (b) stored for (e), measured last so that it does not disturb (c) and (d)
psql -c "CREATE TABLE stored_history AS SELECT * FROM hdl_lake.resource_history" \
	-c "CREATE TABLE stored_current AS SELECT * FROM hdl_lake.resource"
stored_rows=$(psql -At -c "SELECT count(*) FROM stored_history")
reset_lake
nopseudo_ms=$(ingest_all "SET hdl.pseudonymise = off;")
audit_line=""
if psql -At -c "SELECT 1 FROM pg_settings WHERE name = 'hdl.audit_ingest'" | grep -q 1; then
	reset_lake
	noaudit_ms=$(ingest_all "SET hdl.audit_ingest = off;")
	audit_line=$(awk -v a="$hdl_ms" -v b="$noaudit_ms" 'BEGIN { printf "audit overhead:             %.1f%% (ingest %.0f ms with, %.0f ms without)", (a-b)/b*100, a, b }')
fi

# (e): the rows (b) stored, written again by plain SQL into the emptied lake tables
reset_lake
floor_ms=$(psql -At -c "\\timing on" -c "INSERT INTO hdl_lake.resource SELECT * FROM stored_current" \
	-c "INSERT INTO hdl_lake.resource_history SELECT * FROM stored_history" |
	sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk '{ t += $1 } END { print t }')

# (f): a bound for any design that meets issue #3's storage requirements, hdl's or another:
# Postgres's own parse of the same Bundles (jsonb_in, which (b) pays before hdl runs) plus the rows
# (b) stored written into the least storage those requirements allow (current rows indexed by
# type+id, patient and lastUpdated; every version recorded in a narrow change log indexed by txid
# alone, for the marts; no history bodies, no identifier index), by plain SQL. No validation,
# pseudonymisation, response Bundle, catalogue or audit.
psql -c "CREATE TABLE floor_current (LIKE stored_current INCLUDING DEFAULTS)" \
	-c "ALTER TABLE floor_current ADD PRIMARY KEY (resource_type, id)" \
	-c "CREATE INDEX ON floor_current (patient, resource_type) WHERE patient IS NOT NULL" \
	-c "CREATE INDEX ON floor_current (resource_type, last_updated)" \
	-c "CREATE TABLE floor_log (resource_type text, id text, version int, operation text, source_id int, batch_id bigint, txid xid8)" \
	-c "CREATE INDEX ON floor_log (txid)" -c "CHECKPOINT" >/dev/null
parse_ms=$(timed "SELECT count(doc::jsonb) FROM staged_bundles")
# strict validation alone (hdl.validate stores nothing), for comparison with what (f) leaves
validate_ms=$(timed "SET ROLE bench_feed; SELECT count(hdl.validate(doc::jsonb)) FROM staged_bundles")
least_ms=$(psql -At -c "\\timing on" -c "INSERT INTO floor_current SELECT * FROM stored_current" \
	-c "INSERT INTO floor_log SELECT resource_type, id, version, operation, source_id, batch_id, txid FROM stored_history" |
	sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk '{ t += $1 } END { print t }')

awk -v p="$PATIENTS" -v nr="$resources_ndjson" -v br="$resources_bundles" -v nb="$bundles" \
	-v c="$copy_ms" -v h="$hdl_ms" -v np="$nopseudo_ms" -v f="$floor_ms" -v fr="$stored_rows" \
	-v pm="$parse_ms" -v lm="$least_ms" -v vm="$validate_ms" 'BEGIN {
	copy_rate = nr / (c / 1000); hdl_rate = br / (h / 1000); np_rate = br / (np / 1000)
	printf "patients %d: %d NDJSON resources; %d transaction Bundles with %d entries\n", p, nr, nb, br
	printf "(a) COPY into jsonb:          %9.0f resources/s (%.0f ms)\n", copy_rate, c
	printf "(b) hdl.ingest_bundle strict: %9.0f resources/s (%.0f ms)\n", hdl_rate, h
	printf "    ratio b/a:                %9.2f (target >= 0.5)\n", hdl_rate / copy_rate
	printf "(e) storage floor (plain SQL): %8.0f resources/s (%.0f ms for the %d rows (b) stored); ratio e/a %.2f\n", fr / (f / 1000), f, fr, (fr / (f / 1000)) / copy_rate
	printf "(f) bound for any design:     %9.0f resources/s (Bundle parse %.0f ms + least storage %.0f ms); ratio f/a %.2f\n", br / ((pm + lm) / 1000), pm, lm, (br / ((pm + lm) / 1000)) / copy_rate
	printf "    what (f) leaves per entry for validation, pseudonymisation, response, catalogue, audit at 0.5: %.1f us\n", (2 * c - pm - lm) * 1000 / br
	printf "    strict validation alone (hdl.validate, parse excluded): %.1f us per entry\n", (vm - pm) * 1000 / br
	printf "(c) without pseudonymisation: %9.0f resources/s; pseudonymisation overhead %.1f%% (target <= 10%%)\n", np_rate, (h - np) / np * 100
}'
[ -n "$audit_line" ] && echo "$audit_line"
echo "backend memory of a large Bundle: bench/ingest/memory.sh"
