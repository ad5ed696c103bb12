#!/usr/bin/env bash
# bench/ingest/memory.sh: backend memory while ingesting one large transaction Bundle (default
# ~50 MB, stored as jsonb). Samples the backend's anonymous resident memory (RssAnon: palloc and malloc, not shared
# buffers) every 20 ms and prints the peak above the idle backend, as a multiple of the Bundle's size.
# Usage: bench/ingest/memory.sh [--entries N] [--port P]
set -euo pipefail
cd "$(dirname "$0")/../.."
ENTRIES=40000
PORT=55498
while [ $# -gt 0 ]; do
	case "$1" in
	--entries) ENTRIES=$2; shift 2 ;;
	--port) PORT=$2; shift 2 ;;
	-h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
source bench/cluster.sh
bench_cluster_init memory "$PORT"
bench_cluster_start
psql <<SQL
CREATE EXTENSION hdl CASCADE;
CREATE ROLE bench_feed IN ROLE hdl_provider;
SELECT FROM hdl.register_source('bench_feed', 'BENCH1', 'benchmark feed');
-- One transaction Bundle: a patient and $ENTRIES observations referring to it by urn:uuid.
-- Stored as jsonb: the measured statement then shows hdl's memory, not jsonb_in's parse of the
-- text (Postgres's own parser alone needs several times a document's size).
CREATE TABLE big(doc jsonb);
INSERT INTO big SELECT jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction', 'entry',
	jsonb_build_array(jsonb_build_object('fullUrl', 'urn:uuid:00000000-0000-4000-8000-000000000001',
		'resource', jsonb_build_object('resourceType', 'Patient', 'identifier', jsonb_build_array(jsonb_build_object(
			'system', 'https://fhir.nhs.uk/Id/nhs-number', 'value', '9434765919')), 'gender', 'female'),
		'request', jsonb_build_object('method', 'POST', 'url', 'Patient')))
	|| (SELECT jsonb_agg(jsonb_build_object('fullUrl', 'urn:uuid:' || gen_random_uuid(),
		'resource', jsonb_build_object('resourceType', 'Observation', 'status', 'final',
			'category', jsonb_build_array(jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
				'system', 'http://terminology.hl7.org/CodeSystem/observation-category', 'code', 'vital-signs')))),
			'code', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object('system', 'http://loinc.org',
				'code', '8867-4', 'display', 'Heart rate')), 'text', 'Heart rate'),
			'subject', jsonb_build_object('reference', 'urn:uuid:00000000-0000-4000-8000-000000000001'),
			'effectiveDateTime', '2024-01-01T10:00:00+00:00',
			'valueQuantity', jsonb_build_object('value', 60 + i % 40, 'unit', 'beats/minute',
				'system', 'http://unitsofmeasure.org', 'code', '/min'),
			'note', jsonb_build_array(jsonb_build_object('text', repeat('observation note ', 40)))),
		'request', jsonb_build_object('method', 'POST', 'url', 'Observation'))) FROM generate_series(1, $ENTRIES) i));
GRANT SELECT ON big TO bench_feed;
SQL
SIZE=$(psql -At -c "SELECT octet_length(doc::text) FROM big")
# The measured session: report its pid, wait for the sampler, ingest.
$AS "$PGBIN/psql" -h "$WORK" -p "$BENCH_PORT" -U postgres -d postgres -X -q -At >"$WORK/session.out" 2>&1 <<SQL &
\o $WORK/pid
SELECT pg_backend_pid();
\o
SELECT pg_sleep(1);
SET ROLE bench_feed;
${HDL_BENCH_STATEMENT:-SELECT jsonb_array_length(hdl.ingest_bundle(doc) -> 'entry') FROM big;}
SQL
SESSION=$!
for _ in $(seq 1 100); do [ -s "$WORK/pid" ] && break; sleep 0.05; done
PID=$(tr -d ' \n' <"$WORK/pid")
anon() { awk '/^RssAnon/ { print $2 }' "/proc/$PID/status" 2>/dev/null || echo 0; }
BASE=$(anon)
PEAK=$BASE
while kill -0 "$SESSION" 2>/dev/null; do
	NOW=$(anon)
	[ -n "$NOW" ] && [ "$NOW" -gt "$PEAK" ] && PEAK=$NOW
	sleep 0.02
done
wait "$SESSION" || true
ENTRIES_OUT=$(tail -1 "$WORK/session.out")
awk -v s="$SIZE" -v b="$BASE" -v p="$PEAK" -v e="$ENTRIES_OUT" 'BEGIN {
	printf "bundle: %.1f MB, %s entries answered\n", s / 1048576, e
	printf "backend anonymous memory: idle %.1f MB, peak %.1f MB, growth %.1f MB = %.2fx the bundle (target <= 3x, issue 13)\n",
		b / 1024, p / 1024, (p - b) / 1024, (p - b) * 1024 / s
}'
