#!/usr/bin/env bash
# Loads sample data into the lake made by scripts/run-lake.sh: generates N synthetic patients with
# tools/hdl-synth (five provider feeds), registers one provider role per feed, ingests every feed's
# transaction Bundles as that role, installs and refreshes the starter marts, and schedules the
# maintenance and mart-refresh jobs. Environment: PSQL_CMD (psql command line for the lake
# database), AS_DB (prefix to run commands as the database OS user, or empty).
# Usage: scripts/load-sample.sh [PATIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${1:-200}
SYNTH=build/tools/hdl-synth/hdl-synth
[ -x "$SYNTH" ] || { echo "load-sample: $SYNTH is missing (cmake --build build --target hdl-synth)" >&2; exit 1; }
OUT=$(mktemp -d /tmp/hdl-sample.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
"$SYNTH" --patients "$PATIENTS" --seed 2024 --format bundles --out "$OUT" --quiet
chmod -R a+rX "$OUT"
psql() { $AS_DB $PSQL_CMD "$@"; }

psql <<'SQL'
DO $$
DECLARE f record;
BEGIN
	FOR f IN SELECT * FROM (VALUES ('gp_feed', 'B99001', 'Meadowbank Medical Practice (GP)'),
		('acute_feed', 'R9N', 'Riverside Acute Hospital Trust'), ('ambulance_feed', 'R9A', 'Northern Ambulance Service'),
		('nhs111_feed', 'R9C', 'NHS 111 Yorkshire'), ('mental_health_feed', 'R9M', 'Dales Mental Health Trust')) v(role, org, name)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = f.role) THEN
			EXECUTE format('CREATE ROLE %I IN ROLE hdl_provider', f.role);
		END IF;
		PERFORM hdl.register_source(f.role, f.org, f.name);
	END LOOP;
END $$;
CREATE TABLE IF NOT EXISTS public.sample_bundles(feed text, doc text);
TRUNCATE public.sample_bundles;
GRANT SELECT ON public.sample_bundles TO hdl_provider;
SQL
for feed in gp acute ambulance nhs111 mental-health; do
	psql -c "\\copy public.sample_bundles(doc) FROM '$OUT/$feed.bundles.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" \
		-c "UPDATE public.sample_bundles SET feed = '$feed' WHERE feed IS NULL"
done
for pair in gp:gp_feed acute:acute_feed ambulance:ambulance_feed nhs111:nhs111_feed mental-health:mental_health_feed; do
	feed=${pair%%:*}
	role=${pair##*:}
	psql -At -c "SET ROLE $role" \
		-c "SELECT '$feed: ' || count(*) || ' bundles ingested' FROM (SELECT hdl.ingest_bundle(doc::jsonb) FROM public.sample_bundles WHERE feed = '$feed') s"
done
psql <<'SQL'
DROP TABLE public.sample_bundles;
-- The starter marts (first run) or their incremental refresh (later runs).
DO $$
DECLARE m record;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM hdl.mart) THEN
		PERFORM hdl.install_starter_marts();
	ELSE
		FOR m IN SELECT name FROM hdl.mart LOOP
			PERFORM hdl.refresh_mart(m.name);
		END LOOP;
	END IF;
	-- Jobs for the background workers: keep marts fresh, seal the audit chain, fold the catalogue.
	FOR m IN SELECT name FROM hdl.mart LOOP
		IF NOT EXISTS (SELECT 1 FROM hdl.etl_job WHERE name = 'refresh-' || m.name) THEN
			PERFORM hdl.schedule_job(name => 'refresh-' || m.name, kind => 'refresh_mart', target => m.name,
				schedule => '5 minutes');
		END IF;
	END LOOP;
	IF NOT EXISTS (SELECT 1 FROM hdl.etl_job WHERE name = 'hdl-maintenance') THEN
		PERFORM hdl.schedule_job(name => 'hdl-maintenance', kind => 'sql',
			target => 'SELECT hdl.audit_seal(); SELECT hdl.catalog_compact()', schedule => '1 minute');
	END IF;
END $$;
SELECT hdl.catalog_compact() >= 0 AS catalogue_compacted;
SQL
