-- The lake as a FHIR Bulk Data export in S3 (hdl.export_lake_s3, ETL jobs of kind export_lake):
-- refusals that leave nothing, a full export read back through IMPORT FOREIGN SCHEMA with its
-- manifest and compared with the lake, _type and _since, an incremental series (changes only,
-- nothing lost, rolled-back work never exported), and the audit entries. Against the local S3
-- server; skipped without it (expected/lake_export_1.out).
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\getenv endpoint HDL_S3_ENDPOINT
\getenv access_key HDL_S3_ACCESS_KEY
\getenv secret_key HDL_S3_SECRET_KEY
\if :{?endpoint}
\set present true
\else
\set present false
\endif
-- What an export may hold: the lake's current versions but those of patients opted out now
-- (issue 19; the opt_outs test leaves a list in force).
CREATE VIEW pg_temp.exportable AS SELECT r.* FROM hdl_lake.resource r
	WHERE r.patient IS NULL OR r.patient NOT IN (SELECT o.patient FROM hdl.opted_out_patients o);
-- The rows of a Bulk Data folder read back (schema: an IMPORT FOREIGN SCHEMA of its manifest) that
-- differ from the lake's current versions, per type, both ways; and the counts.
CREATE FUNCTION pg_temp.export_mismatches(schema_name text, only_ids text[] DEFAULT NULL)
RETURNS TABLE (resource_type text, exported bigint, lake bigint, differing bigint) LANGUAGE plpgsql AS $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT ft.resource_type, ft.foreign_table FROM hdl.catalog_foreign_tables ft
		WHERE ft.foreign_table::text LIKE schema_name || '.%' ORDER BY 1 LOOP
		RETURN QUERY EXECUTE format($q$
			WITH e AS (SELECT resource FROM %s), l AS (SELECT r.resource FROM pg_temp.exportable r
				WHERE r.resource_type = %L AND (%L::text[] IS NULL OR r.id = ANY (%L::text[])))
			SELECT %L::text, (SELECT count(*) FROM e), (SELECT count(*) FROM l),
				(SELECT count(*) FROM ((SELECT * FROM e EXCEPT ALL SELECT * FROM l) UNION ALL (SELECT * FROM l EXCEPT ALL SELECT * FROM e)) d)$q$,
			t.foreign_table, t.resource_type, only_ids, only_ids, t.resource_type);
	END LOOP;
END
$$;
\set ECHO all
\if :present
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SET hdl.enable_test_functions = on;
SELECT set_config('hdl.s3_allowed_endpoints', :'endpoint', false) IS NOT NULL AS allowed;
CREATE SERVER s3lx FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER s3lx OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
SELECT hdl._test_s3_put('s3lx', 's3://lakeexp/README', 'lake exports land here') > 0 AS bucket;
CREATE ROLE regress_lx_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_lx_analyst IN ROLE hdl_analyst;
CREATE ROLE regress_lx_feed IN ROLE hdl_provider;
GRANT USAGE ON FOREIGN SERVER s3lx TO regress_lx_engineer, regress_lx_analyst, regress_lx_feed;
CREATE USER MAPPING FOR regress_lx_engineer SERVER s3lx OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE USER MAPPING FOR regress_lx_analyst SERVER s3lx OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE USER MAPPING FOR regress_lx_feed SERVER s3lx OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
ALTER ROLE regress_lx_engineer SET hdl.s3_allowed_endpoints = :'endpoint';
SELECT hdl.register_source('regress_lx_feed', 'LX1', 'lake export feed') > 0 AS registered;
SET ROLE regress_lx_feed;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Practitioner', 'id', 'lx-dr-' || n,
	'name', jsonb_build_array(jsonb_build_object('family', 'Lx' || n))))) AS ingested FROM generate_series(1, 3) n;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Basic', 'id', 'lx-b-' || n,
	'code', jsonb_build_object('text', 'v1')))) AS ingested FROM generate_series(1, 2) n;
RESET ROLE;
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset

-- Refused, and nothing written: not an engineer, missing arguments, bad types, bad places.
SET ROLE regress_lx_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/analyst/')$$) AS analyst;
SELECT pg_temp.regress_try($$SELECT hdl.etl_export_lake('s3lx', '{"location": "s3://lakeexp/analyst/"}')$$) AS analyst_job;
SET ROLE regress_lx_feed;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/feed/')$$) AS provider;
SET ROLE regress_lx_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3(NULL, 's3://lakeexp/x/')$$) AS null_server;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', NULL)$$) AS null_location;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('nowhere', 's3://lakeexp/x/')$$) AS no_server;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', '')$$) AS empty_location;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', 's3:///x/')$$) AS no_bucket_named;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/x/', types => ARRAY['Patient', NULL])$$) AS null_type;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/x/', types => ARRAY['patient'])$$) AS bad_type;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/x/', types => '{}')$$) AS no_types;
SELECT pg_temp.regress_try($$SELECT hdl._export_lake('s3lx', 's3://lakeexp/x/', now(), NULL, 'a series')$$) AS series_and_since;
SELECT pg_temp.regress_try($$SELECT hdl.etl_export_lake('s3lx', '{"location": "s3://lakeexp/x/", "types": "Patient"}')$$) AS types_not_array;
SELECT pg_temp.regress_try($$SELECT hdl.etl_export_lake('s3lx', '{}')$$) AS job_without_location;
SELECT pg_temp.regress_try($$SELECT hdl.export_lake_s3('s3lx', 's3://no-such-bucket/x/')$$) LIKE 'HV000: %NoSuchBucket%' AS no_bucket;
-- the engineer cannot write the export record (the watermark of a series) itself
SELECT pg_temp.regress_try($$INSERT INTO hdl.lake_export (exported_by, server, location, transaction_time, snapshot,
	resources, objects, bytes, manifest) VALUES ('x', 's3lx', 'x', now(), pg_current_snapshot(), 0, 0, 0, '{}')$$) AS forge;
RESET ROLE;
SELECT count(*) AS export_rows FROM hdl.lake_export;
SELECT count(*) AS audit_entries FROM hdl_audit.log WHERE entry_id > :mark;
SELECT count(*) AS objects_written FROM unnest(hdl._test_s3_keys('s3lx', 's3://lakeexp/')) key WHERE key ~ '^(x|analyst|feed)/';

-- A full export: one gzip NDJSON file per type in the lake, then the manifest, which it returns.
SET ROLE regress_lx_engineer;
SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/full') AS manifest \gset
RESET ROLE;
SELECT :'manifest'::jsonb ->> 'transactionTime' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS instant,
	(:'manifest'::jsonb ->> 'transactionTime')::timestamptz <= now() AS not_later,
	:'manifest'::jsonb ->> 'request' AS request, :'manifest'::jsonb -> 'requiresAccessToken' AS token,
	:'manifest'::jsonb -> 'error' AS error;
-- every type of the lake, in order, with its count; the urls are the objects written
SELECT (SELECT array_agg(o ->> 'type' ORDER BY ord) FROM jsonb_array_elements(:'manifest'::jsonb -> 'output') WITH ORDINALITY x(o, ord))
	= (SELECT array_agg(DISTINCT resource_type ORDER BY resource_type) FROM pg_temp.exportable) AS every_type,
	(SELECT bool_and((o ->> 'count')::bigint = (SELECT count(*) FROM pg_temp.exportable r WHERE r.resource_type = o ->> 'type'))
	 FROM jsonb_array_elements(:'manifest'::jsonb -> 'output') o) AS counts,
	(SELECT bool_and(o ->> 'url' = 's3://lakeexp/full/' || (o ->> 'type') || '.ndjson.gz')
	 FROM jsonb_array_elements(:'manifest'::jsonb -> 'output') o) AS urls,
	hdl._test_s3_keys('s3lx', 's3://lakeexp/full/')
	@> ((SELECT array_agg(substr(o ->> 'url', 14)) FROM jsonb_array_elements(:'manifest'::jsonb -> 'output') o)
	    || ARRAY['full/manifest.json']) AS objects,
	substr(hdl._test_s3_get('s3lx', 's3://lakeexp/full/Basic.ndjson.gz'), 1, 2) = '\x1f8b'::bytea AS gzip,
	convert_from(hdl._test_s3_get('s3lx', 's3://lakeexp/full/manifest.json'), 'UTF8')::jsonb = :'manifest'::jsonb AS manifest_object;
-- recorded, compressed, audited (counts, no content)
SELECT location, series, since, resources = (SELECT count(*) FROM pg_temp.exportable) AS resources,
	objects = (SELECT count(DISTINCT resource_type) FROM pg_temp.exportable) AS objects,
	bytes < (SELECT sum(length(resource::text)) FROM hdl_lake.resource) AS compressed, exported_by,
	manifest = :'manifest'::jsonb AS manifest, transaction_time = (:'manifest'::jsonb ->> 'transactionTime')::timestamptz AS tt
FROM hdl.lake_export ORDER BY export_id DESC LIMIT 1;
SELECT event, role_name, subject, detail ->> 'location' AS location,
	(detail ->> 'resources')::bigint = (SELECT count(*) FROM pg_temp.exportable) AS resources
FROM hdl_audit.log WHERE entry_id > :mark;
-- read back through IMPORT FOREIGN SCHEMA with the manifest: equal to the lake, type by type
SET ROLE regress_lx_engineer;
SELECT hdl.create_import_schema('s3_lx_full');
IMPORT FOREIGN SCHEMA lakeexp FROM SERVER s3lx INTO s3_lx_full OPTIONS (manifest 'full/manifest.json');
RESET ROLE;
SELECT count(*) > 0 AS types, bool_and(exported = lake) AS counts_equal, sum(differing) AS differing
FROM pg_temp.export_mismatches('s3_lx_full');
SELECT resource ->> 'resourceType' AS type, resource -> 'name' -> 0 ->> 'family' AS family
FROM s3_lx_full.practitioner WHERE resource -> 'name' -> 0 ->> 'family' LIKE 'Lx%' ORDER BY 2;

-- _type: only the types asked for (duplicates once), and the request says so
SET ROLE regress_lx_engineer;
SELECT m ->> 'request' AS request, jsonb_array_length(m -> 'output') AS files, m -> 'output' -> 0 ->> 'type' AS type,
	(m -> 'output' -> 0 ->> 'count')::bigint = (SELECT count(*) FROM hdl_lake.resource WHERE resource_type = 'Basic') AS count
FROM hdl.export_lake_s3('s3lx', 's3://lakeexp/basic/', types => ARRAY['Basic', 'Basic']) m;
-- a type with nothing in the lake: no file, an empty output
SELECT m -> 'output' AS output, m ->> 'request' AS request FROM hdl.export_lake_s3('s3lx', 's3://lakeexp/none/', types => ARRAY['EffectEvidenceSynthesis']) m;
RESET ROLE;

-- _since: the changes after an earlier export's transactionTime, and nothing else
SET ROLE regress_lx_feed;
SELECT hdl.ingest('{"resourceType":"Basic","id":"lx-b-1","code":{"text":"v2"}}') -> 'meta' ->> 'versionId' AS updated;
SELECT hdl.ingest('{"resourceType":"Basic","id":"lx-b-3","code":{"text":"v1"}}') -> 'meta' ->> 'versionId' AS created;
SET ROLE regress_lx_engineer;
SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/since/', since => (:'manifest'::jsonb ->> 'transactionTime')::timestamptz) AS since_manifest \gset
SELECT hdl.create_import_schema('s3_lx_since');
IMPORT FOREIGN SCHEMA lakeexp FROM SERVER s3lx INTO s3_lx_since OPTIONS (manifest 'since/manifest.json');
RESET ROLE;
SELECT :'since_manifest'::jsonb ->> 'request' = '$export?_since=' || (:'manifest'::jsonb ->> 'transactionTime') AS request,
	jsonb_path_query_array(:'since_manifest'::jsonb, '$.output[*].type') AS types;
SELECT resource ->> 'id' LIKE '%lx-b-%' AS ours, resource -> 'code' ->> 'text' AS code, resource -> 'meta' ->> 'versionId' AS version
FROM s3_lx_since.basic ORDER BY resource ->> 'id';
SELECT * FROM pg_temp.export_mismatches('s3_lx_since',
	(SELECT array_agg(id) FROM pg_temp.exportable WHERE last_updated > (:'manifest'::jsonb ->> 'transactionTime')::timestamptz));

-- An incremental series: an ETL job of kind export_lake. Run 1 exports everything, run 2 what
-- changed since (an update, a create; a rolled-back ingest never), run 3 nothing; each run in a
-- folder of its own with its manifest.
SET ROLE regress_lx_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('lx-nowhere', 'export_lake', 'nowhere', '1 day', options => '{"location": "s3://lakeexp/s/"}')$$) AS bad_server;
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('lx-noloc', 'export_lake', 's3lx', '1 day')$$) AS no_location;
SELECT hdl.schedule_job('lx-series', 'export_lake', 's3lx', '1 day', enabled => false, options => '{"location": "s3://lakeexp/series"}') > 0 AS scheduled;
SELECT status AS run1_status, rows_out AS run1_rows FROM hdl.run_job_now('lx-series') \gset
RESET ROLE;
SELECT :'run1_status' AS status, :run1_rows = (SELECT count(*) FROM pg_temp.exportable) AS everything;
SET ROLE regress_lx_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"lx-dr-2","name":[{"family":"Lx2b"}]}') -> 'meta' ->> 'versionId' AS updated;
SELECT hdl.ingest('{"resourceType":"Basic","id":"lx-b-4","code":{"text":"v1"}}') -> 'meta' ->> 'versionId' AS created;
BEGIN;
SELECT hdl.ingest('{"resourceType":"Basic","id":"lx-b-rolled-back","code":{"text":"v1"}}') -> 'meta' ->> 'versionId' AS rolled_back;
ROLLBACK;
SET ROLE regress_lx_engineer;
SELECT status, rows_out FROM hdl.run_job_now('lx-series');
SELECT status, rows_out FROM hdl.run_job_now('lx-series');
RESET ROLE;
-- (run 1 held the whole lake, every type of it; the lake is what earlier tests left)
SELECT row_number() OVER (ORDER BY export_id) AS run, series,
	CASE WHEN row_number() OVER (ORDER BY export_id) = 1
		THEN (resources = (SELECT count(*) - 1 FROM pg_temp.exportable))::text -- all but lx-b-4, created after it
		ELSE resources::text END AS resources,
	location ~ '^s3://lakeexp/series/\d{8}T\d{6}\.\d{3}Z/$' AS own_folder,
	since IS NOT DISTINCT FROM lag(transaction_time) OVER (ORDER BY export_id) AS since_previous,
	CASE WHEN row_number() OVER (ORDER BY export_id) = 1
		THEN (jsonb_path_query_array(manifest, '$.output[*].type')
		      = (SELECT jsonb_agg(DISTINCT resource_type ORDER BY resource_type) FROM pg_temp.exportable))::text
		ELSE jsonb_path_query_array(manifest, '$.output[*].type')::text END AS types
FROM hdl.lake_export e WHERE series IS NOT NULL ORDER BY export_id;
SELECT set_config('regress.run2', substr(location, 14) || 'manifest.json', false) IS NOT NULL AS run2
FROM hdl.lake_export WHERE series IS NOT NULL ORDER BY export_id OFFSET 1 LIMIT 1;
SET ROLE regress_lx_engineer;
SELECT hdl.create_import_schema('s3_lx_run2');
DO $$ BEGIN EXECUTE format('IMPORT FOREIGN SCHEMA lakeexp FROM SERVER s3lx INTO s3_lx_run2 OPTIONS (manifest %L)',
	current_setting('regress.run2')); END $$;
RESET ROLE;
SELECT resource ->> 'resourceType' AS type, resource -> 'meta' ->> 'versionId' AS version,
	coalesce(resource -> 'name' -> 0 ->> 'family', resource -> 'code' ->> 'text') AS content
FROM (SELECT resource FROM s3_lx_run2.practitioner UNION ALL SELECT resource FROM s3_lx_run2.basic) x ORDER BY 1, 3;
SELECT event, subject, detail ->> 'series' AS series, (detail ->> 'resources')::bigint = e.resources AS resources
FROM hdl_audit.log l JOIN hdl.lake_export e ON e.location = l.detail ->> 'location'
WHERE l.entry_id > :mark AND l.detail ->> 'series' IS NOT NULL ORDER BY l.entry_id;
-- the job's runs in the console's terms
SELECT kind, target FROM hdl.etl_job WHERE name = 'lx-series';

-- Opted-out patients never leave (issue 19): not in a one-off export, not in a run of a series;
-- when the opt-out is withdrawn the series' next run brings all their resources back, changed or
-- not. Resources without a patient (Practitioner, Basic) are not touched.
SET ROLE regress_lx_feed;
SELECT hdl.ingest(jsonb_build_object('resourceType', 'Patient', 'id', 'lx-p-' || n, 'gender', 'female',
	'identifier', jsonb_build_array(jsonb_build_object('system', 'https://fhir.nhs.uk/Id/nhs-number',
	'value', CASE n WHEN 1 THEN '9991000003' ELSE '9991000011' END)))) ->> 'id' IS NOT NULL AS patient
FROM generate_series(1, 2) n;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Observation', 'id', 'lx-o-' || n, 'status', 'final',
	'code', jsonb_build_object('text', 'lx'), 'subject', jsonb_build_object('reference', 'Patient/lx-p-' || n)))) AS observations
FROM generate_series(1, 2) n;
RESET ROLE;
CREATE TEMP VIEW lx_people AS SELECT r.patient, r.resource_type, r.resource FROM hdl_lake.resource r
	WHERE r.patient IN (SELECT p.patient FROM hdl_lake.resource p JOIN hdl.source s USING (source_id)
		WHERE s.org_code = 'LX1' AND p.resource_type = 'Patient');
SET ROLE regress_lx_engineer;
SELECT entries, added FROM hdl.load_opt_outs(current_date, '9991000003');
SELECT hdl.export_lake_s3('s3lx', 's3://lakeexp/optout/') IS NOT NULL AS exported;
SELECT hdl.create_import_schema('s3_lx_oo');
IMPORT FOREIGN SCHEMA lakeexp FROM SERVER s3lx INTO s3_lx_oo OPTIONS (manifest 'optout/manifest.json');
RESET ROLE;
-- of the two people, only the one who did not opt out left, with her observation
SELECT p.resource_type, p.patient IN (SELECT patient FROM hdl.opted_out_patients) AS opted_out,
	p.resource IN (SELECT resource FROM s3_lx_oo.patient UNION ALL SELECT resource FROM s3_lx_oo.observation) AS exported
FROM lx_people p ORDER BY 2, 1;
SELECT sum(differing) AS differing, bool_and(exported = lake) AS counts_equal FROM pg_temp.export_mismatches('s3_lx_oo');
-- a series: its next run has nothing of hers; after the withdrawal her resources come back
SET ROLE regress_lx_engineer;
SELECT hdl.schedule_job('lx-series-oo', 'export_lake', 's3lx', '1 day', enabled => false,
	options => '{"location": "s3://lakeexp/series-oo/", "types": ["Patient", "Observation"]}') > 0 AS scheduled;
SELECT status AS run1_status, rows_out AS run1_rows FROM hdl.run_job_now('lx-series-oo') \gset
RESET ROLE;
SELECT :'run1_status' AS status,
	:run1_rows = (SELECT count(*) FROM pg_temp.exportable WHERE resource_type IN ('Patient', 'Observation')) AS everything_allowed,
	(SELECT count(*) FROM hdl.lake_export_excluded WHERE series = 's3lx s3://lakeexp/series-oo/') AS left_out;
SET ROLE regress_lx_feed;
SELECT hdl.ingest('{"resourceType":"Observation","id":"lx-o-1","status":"amended","code":{"text":"lx"},"subject":{"reference":"Patient/lx-p-1"}}') -> 'meta' ->> 'versionId' AS her_change;
RESET ROLE;
SET ROLE regress_lx_engineer;
SELECT status, rows_out AS nothing_of_hers FROM hdl.run_job_now('lx-series-oo');
SELECT entries, withdrawn FROM hdl.load_opt_outs(current_date, '9991000038');
SELECT status, rows_out AS hers_again FROM hdl.run_job_now('lx-series-oo');
SELECT status, rows_out AS then_nothing FROM hdl.run_job_now('lx-series-oo');
RESET ROLE;
SELECT row_number() OVER (ORDER BY export_id) AS run, CASE WHEN export_id = min(export_id) OVER () THEN NULL ELSE resources END AS resources,
	jsonb_path_query_array(manifest, '$.output[*].type') AS types
FROM hdl.lake_export e WHERE series = 's3lx s3://lakeexp/series-oo/' ORDER BY export_id;
SELECT count(*) AS left_out_now FROM hdl.lake_export_excluded WHERE series = 's3lx s3://lakeexp/series-oo/';
-- what left on withdrawal is her current record and her amended observation
SELECT set_config('regress.run3', substr(location, 14) || 'manifest.json', false) IS NOT NULL AS run3
FROM hdl.lake_export WHERE series = 's3lx s3://lakeexp/series-oo/' ORDER BY export_id OFFSET 2 LIMIT 1;
SET ROLE regress_lx_engineer;
SELECT hdl.create_import_schema('s3_lx_oo3');
DO $$ BEGIN EXECUTE format('IMPORT FOREIGN SCHEMA lakeexp FROM SERVER s3lx INTO s3_lx_oo3 OPTIONS (manifest %L)',
	current_setting('regress.run3')); END $$;
RESET ROLE;
SELECT e.resource ->> 'resourceType' AS type, e.resource ->> 'status' AS status,
	e.resource IN (SELECT resource FROM lx_people) AS hers_current
FROM (SELECT resource FROM s3_lx_oo3.patient UNION ALL SELECT resource FROM s3_lx_oo3.observation) e ORDER BY 1;
SET ROLE regress_lx_engineer;
SELECT hdl.unschedule_job('lx-series-oo');
RESET ROLE;

-- Clean up what the test made (the lake keeps its rows, as every test's).
SET ROLE regress_lx_engineer;
SELECT hdl.unschedule_job('lx-series');
SET client_min_messages = warning;
DROP SCHEMA s3_lx_full, s3_lx_since, s3_lx_run2, s3_lx_oo, s3_lx_oo3 CASCADE;
RESET client_min_messages;
RESET ROLE;
DROP USER MAPPING FOR regress_lx_engineer SERVER s3lx;
DROP USER MAPPING FOR regress_lx_analyst SERVER s3lx;
DROP USER MAPPING FOR regress_lx_feed SERVER s3lx;
\endif

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
SELECT * FROM pg_temp.catalog_mismatches();
