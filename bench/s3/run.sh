#!/usr/bin/env bash
# hdl_s3 vs file_fdw over the same generated NDJSON (>= 100 MB), plain and gzip, in one run:
# count(*) and a projected query. hdl_s3 reads from the local S3 server (test/s3/s3rver.sh),
# file_fdw from the same file on disk (gzip through `program 'gzip -dc'`). Needs hdl installed;
# starts a throwaway cluster as the postgres user. Usage: bench/s3/run.sh [MB] (default 110).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MB=${1:-110}
WORK=${BENCH_DIR:-/tmp/hdl-bench-s3}
PGBIN=$(pg_config --bindir)
rm -rf "$WORK" && mkdir -p "$WORK" && chmod 777 "$WORK"

echo "generating ${MB} MB of NDJSON Observations"
awk -v target=$((MB * 1024 * 1024)) 'BEGIN { n = 0; bytes = 0;
	while (bytes < target) { n++;
		line = sprintf("{\"resourceType\":\"Observation\",\"id\":\"obs-%d\",\"status\":\"%s\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":\"Heart rate\"}],\"text\":\"Heart rate\"},\"subject\":{\"reference\":\"Patient/p-%d\"},\"effectiveDateTime\":\"2024-01-%02dT10:%02d:00Z\",\"valueQuantity\":{\"value\":%d.%d,\"unit\":\"beats/minute\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}",
			n, (n % 10 == 0) ? "amended" : "final", n % 5000, 1 + n % 28, n % 60, 50 + n % 70, n % 10);
		print line; bytes += length(line) + 1 } }' >"$WORK/obs.ndjson"
gzip -kc "$WORK/obs.ndjson" >"$WORK/obs.ndjson.gz"
ls -l "$WORK"/obs.ndjson*

export HDL_S3_STATE_DIR=$WORK/s3
export $(bash test/s3/s3rver.sh start)
trap 'bash "$ROOT/test/s3/s3rver.sh" stop >/dev/null 2>&1 || true; runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" stop -m fast >/dev/null 2>&1 || true' EXIT
sign=(--aws-sigv4 "aws:amz:$HDL_S3_REGION:s3" -u "$HDL_S3_ACCESS_KEY:$HDL_S3_SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
curl -sf -X PUT "${sign[@]}" "$HDL_S3_ENDPOINT/bench" >/dev/null
curl -sf -T "$WORK/obs.ndjson" "${sign[@]}" "$HDL_S3_ENDPOINT/bench/obs.ndjson" >/dev/null
curl -sf -T "$WORK/obs.ndjson.gz" "${sign[@]}" "$HDL_S3_ENDPOINT/bench/obs.ndjson.gz" >/dev/null

runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -A trust >/dev/null
cat >>"$WORK/pg/postgresql.conf" <<CONF
shared_preload_libraries = 'hdl'
port = 55432
unix_socket_directories = '$WORK'
hdl.s3_allowed_endpoints = '$HDL_S3_ENDPOINT'
CONF
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" start -w >/dev/null
PSQL=(runuser -u postgres -- "$PGBIN/psql" -h "$WORK" -p 55432 -X -q -d postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" <<SQL
CREATE EXTENSION hdl CASCADE;
CREATE EXTENSION file_fdw;
CREATE SERVER s3 FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint '$HDL_S3_ENDPOINT');
CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id '$HDL_S3_ACCESS_KEY', secret_access_key '$HDL_S3_SECRET_KEY');
CREATE FOREIGN TABLE s3_plain (resource jsonb) SERVER s3 OPTIONS (bucket 'bench', key 'obs.ndjson');
CREATE FOREIGN TABLE s3_gzip (resource jsonb) SERVER s3 OPTIONS (bucket 'bench', key 'obs.ndjson.gz');
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
-- NDJSON through file_fdw: CSV mode with a quote and delimiter that never occur, one jsonb column.
CREATE FOREIGN TABLE file_plain (resource jsonb) SERVER files
	OPTIONS (filename '$WORK/obs.ndjson', format 'csv', quote E'\x01', delimiter E'\x02');
CREATE FOREIGN TABLE file_gzip (resource jsonb) SERVER files
	OPTIONS (program 'gzip -dc $WORK/obs.ndjson.gz', format 'csv', quote E'\x01', delimiter E'\x02');
SQL

# best of 3 runs, in milliseconds
time_query() {
	local best=""
	for _ in 1 2 3; do
		local ms
		ms=$("${PSQL[@]}" -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
		if [[ -z "$best" ]] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$ms; fi
	done
	echo "$best"
}
printf '\n%-32s %12s %12s %8s\n' "query (${MB} MB)" "file_fdw ms" "hdl_s3 ms" "speed"
for variant in plain gzip; do
	for q in "SELECT count(*) FROM %s" "SELECT count(*) FROM %s WHERE resource->>'status' = 'amended'"; do
		f=$(time_query "$(printf "$q" "file_$variant")")
		s=$(time_query "$(printf "$q" "s3_$variant")")
		label=$( [[ "$q" == *status* ]] && echo "projected ($variant)" || echo "count(*) ($variant)")
		printf '%-32s %12.0f %12.0f %7.2fx\n' "$label" "$f" "$s" "$(awk -v f="$f" -v s="$s" 'BEGIN { print f / s }')"
	done
done
echo "results agree:"
"${PSQL[@]}" -c "SELECT (SELECT count(*) FROM file_plain) AS file_rows, (SELECT count(*) FROM s3_plain) AS s3_rows,
	(SELECT count(*) FROM s3_gzip) AS s3_gzip_rows,
	(SELECT count(*) FROM file_plain WHERE resource->>'status' = 'amended') AS file_amended,
	(SELECT count(*) FROM s3_gzip WHERE resource->>'status' = 'amended') AS s3_gzip_amended"
echo "(speed = file_fdw time / hdl_s3 time; the target is >= 0.7x)"
