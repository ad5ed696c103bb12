#!/usr/bin/env bash
# Loads sample data into the lake made by scripts/run-lake.sh: generates N synthetic patients with
# tools/hdl-synth (five provider feeds), registers one provider role per feed, ingests every feed's
# transaction Bundles as that role, installs and refreshes the starter marts, and schedules the
# maintenance and mart-refresh jobs. Once per lake: a feed whose role has ingested before is not
# loaded again (each feed loads in one transaction), so a second run adds nothing.
# Environment: PSQL_CMD (psql command line for the lake database), AS_DB (prefix to run commands
# as the database OS user, or empty), HDL_SYNTH (the generator; build/tools/hdl-synth/hdl-synth).
# Usage: scripts/load-sample.sh [PATIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${1:-200}
SYNTH=${HDL_SYNTH:-build/tools/hdl-synth/hdl-synth}
psql() { $AS_DB $PSQL_CMD "$@"; }
FEEDS="gp:gp_feed acute:acute_feed ambulance:ambulance_feed nhs111:nhs111_feed mental-health:mental_health_feed"

# The feeds loaded already: their roles have ingest batches.
loaded=$(psql -At -c "SELECT string_agg(s.role_name, ' ') FROM hdl.source s
	WHERE EXISTS (SELECT 1 FROM hdl.ingest_batch b WHERE b.source_id = s.source_id)
	  AND s.role_name IN ('gp_feed', 'acute_feed', 'ambulance_feed', 'nhs111_feed', 'mental_health_feed')")
todo=""
for pair in $FEEDS; do
	case " $loaded " in
	*" ${pair##*:} "*) echo "${pair%%:*}: loaded before, skipped" ;;
	*) todo="$todo $pair" ;;
	esac
done
if [ -n "$todo" ]; then
	[ -x "$SYNTH" ] || { echo "load-sample: $SYNTH is missing (cmake --build build --target hdl-synth)" >&2; exit 1; }
	OUT=$(mktemp -d /tmp/hdl-sample.XXXXXX)
	trap 'rm -rf "$OUT"' EXIT
	"$SYNTH" --patients "$PATIENTS" --seed 2024 --format bundles --out "$OUT" --quiet
	chmod -R a+rX "$OUT"
else
	echo "the sample is loaded (run-lake.sh --reset starts a new lake)"
fi

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
for pair in $todo; do
	feed=${pair%%:*}
	role=${pair##*:}
	psql -c "\\copy public.sample_bundles(doc) FROM '$OUT/$feed.bundles.ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" \
		-c "UPDATE public.sample_bundles SET feed = '$feed' WHERE feed IS NULL"
	# one statement, one transaction: the feed is loaded whole or not at all
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
