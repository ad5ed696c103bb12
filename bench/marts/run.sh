#!/usr/bin/env bash
# Marts benchmark (not part of CI): a throwaway cluster with hdl preloaded, a lake of >= 200k
# resources from tools/hdl-synth loaded through hdl.ingest_bundle, then bench.sql: the starter
# marts built by hdl against hand-written jsonb SQL producing the same rows (checked equal with
# EXCEPT), and incremental refresh after changing 1% of the resources against a full rebuild.
#
#   bench/marts/run.sh                 # hdl must be installed (make install) first
#   PATIENTS=4000 PORT=55491 WORK=/tmp/hdl-bench-marts SYNTH=/path/to/hdl-synth bench/marts/run.sh
#   KEEP=1 bench/marts/run.sh          # leave the cluster running (stop: pg_ctl -D $WORK/pgdata stop)
#   REUSE=1 bench/marts/run.sh         # reuse a loaded cluster in $WORK (skip initdb and load)
#   PGBIN=/other/bin bench/marts/run.sh # a server tree with hdl installed elsewhere (make install DESTDIR=...)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PATIENTS=${PATIENTS:-4000}
PORT=${PORT:-55491}
WORK=${WORK:-/tmp/hdl-bench-marts}
SYNTH=${SYNTH:-$ROOT/build/tools/hdl-synth/hdl-synth}
PGBIN=${PGBIN:-$(pg_config --bindir)}
RUN=()
[ "$(id -u)" -eq 0 ] && RUN=(runuser -u postgres --)
psql_() { "${RUN[@]}" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h /tmp -p "$PORT" -d bench "$@"; }

mkdir -p "$WORK"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK"
if [ "${REUSE:-0}" != 1 ]; then
	if [ ! -f "$WORK/synth/gp.bundles.ndjson" ]; then
		echo "== generating $PATIENTS patients with $SYNTH"
		"$SYNTH" --out "$WORK/synth" --patients "$PATIENTS" --quiet
	fi
	chmod -R a+rX "$WORK/synth"
	"${RUN[@]}" "$PGBIN/pg_ctl" -D "$WORK/pgdata" stop -m fast >/dev/null 2>&1 || true
	rm -rf "$WORK/pgdata"
	"${RUN[@]}" "$PGBIN/initdb" -D "$WORK/pgdata" -A trust >/dev/null
	{
		echo "port = $PORT"
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '/tmp'"
		echo "shared_preload_libraries = 'hdl'"
		echo "shared_buffers = 512MB"
		echo "work_mem = 64MB"
		echo "maintenance_work_mem = 256MB"
		echo "max_wal_size = 8GB"
		echo "synchronous_commit = off"
		echo "fsync = off"
		echo "full_page_writes = off"
		echo "hdl.key_file = 'hdl.keys'"
	} | "${RUN[@]}" tee -a "$WORK/pgdata/postgresql.conf" >/dev/null
	"${RUN[@]}" tee "$WORK/pgdata/hdl.keys" <"$ROOT/test/regress.keys" >/dev/null
	"${RUN[@]}" chmod 0600 "$WORK/pgdata/hdl.keys"
fi
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/postmaster.log" -w start >/dev/null 2>&1 || true
if [ "${REUSE:-0}" != 1 ]; then
	"${RUN[@]}" "$PGBIN/createdb" -h /tmp -p "$PORT" bench
	psql_ -c "CREATE EXTENSION hdl CASCADE" -c "CREATE SCHEMA bench" -c "CREATE TABLE bench.staging(feed text, n bigserial, doc jsonb)"
	psql_ <<'SQL'
CREATE PROCEDURE bench.load(p_feed text) LANGUAGE plpgsql AS $$
DECLARE
	d record;
	i int := 0;
BEGIN
	FOR d IN SELECT doc FROM bench.staging WHERE feed = p_feed ORDER BY n LOOP
		PERFORM hdl.ingest_bundle(d.doc);
		i := i + 1;
		IF i % 100 = 0 THEN
			COMMIT;
		END IF;
	END LOOP;
END
$$;
GRANT USAGE ON SCHEMA bench TO hdl_provider;
GRANT SELECT ON bench.staging TO hdl_provider;
SQL
	start=$(date +%s)
	for feed in gp acute ambulance nhs111 mental-health; do
		role="bench_${feed//-/_}"
		psql_ -c "CREATE ROLE $role IN ROLE hdl_provider" \
			-c "SELECT hdl.register_source('$role', upper(left(replace('$feed', '-', ''), 8)), 'bench $feed feed')"
		psql_ -c "\\copy bench.staging(doc) FROM '$WORK/synth/$feed.bundles.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" \
			-c "UPDATE bench.staging SET feed = '$feed' WHERE feed IS NULL"
		echo "== loading $feed"
		psql_ -c "SET ROLE $role" -c "CALL bench.load('$feed')"
	done
	echo "load: $(( $(date +%s) - start )) s"
	# A quiet start: the load's dirty buffers written and its WAL segments recycled, so the first
	# rounds do not share the machine with the checkpointer and new WAL files being zero-filled.
	psql_ -c "VACUUM ANALYZE" -c "CHECKPOINT"
fi
psql_ -v hand="$HERE/hand.sql" -f "$HERE/bench.sql"
[ "${KEEP:-0}" = 1 ] || "${RUN[@]}" "$PGBIN/pg_ctl" -D "$WORK/pgdata" stop -m fast >/dev/null
