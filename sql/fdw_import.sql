-- hdl.import_s3 (through the one ingest pipeline, with quarantine, resubmit, stop_on_error and
-- progress seen from another session) and hdl.export_mart_s3 (NDJSON, CSV, gzip, multipart),
-- against the local S3 server; skipped without it (expected/fdw_import_1.out).
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
CREATE FUNCTION pg_temp.try_ctx(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE state text; msg text; det text; ctx text;
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, ctx = PG_EXCEPTION_CONTEXT;
	RETURN state || ': ' || msg || CASE WHEN det <> '' THEN E'\nDETAIL: ' || det ELSE '' END
		|| coalesce((SELECT string_agg(E'\nCONTEXT: ' || l, '') FROM regexp_split_to_table(ctx, E'\n') l
		             WHERE l LIKE '%S3 object%'), '');
END
$$;
\set ECHO all
\if :present
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE EXTENSION IF NOT EXISTS dblink;
SET hdl.enable_test_functions = on;
SELECT set_config('hdl.s3_allowed_endpoints', :'endpoint', false) IS NOT NULL AS allowed;
CREATE SERVER s3 FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
SELECT hdl._test_s3_put('s3', 'imports/export1/Patient.ndjson', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/Patient.ndjson')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'imports/export1/Observation.000.ndjson.gz', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/Observation.000.ndjson'), true) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'imports/export1/Observation.001.ndjson', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/Observation.001.ndjson')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'imports/export1/manifest.json', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/manifest.json')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'imports/import2/Observation.ndjson', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/import2/Observation.ndjson')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'marts/README', 'exports land here') > 0 AS put;
SELECT hdl._test_s3_put('s3', 'imports/corrupt/Patient.ndjson.gz', '\x1f8b0800000000000003ffffffffdeadbeef'::bytea) > 0 AS put;

-- The importer is a registered provider source with its own user mapping.
CREATE ROLE regress_s3_feed LOGIN IN ROLE hdl_provider;
SELECT hdl.register_source('regress_s3_feed', 'S3F', 'Regress bulk export feed') > 0 AS registered;
GRANT USAGE ON FOREIGN SERVER s3 TO regress_s3_feed;
ALTER ROLE regress_s3_feed SET hdl.s3_allowed_endpoints = :'endpoint';
CREATE USER MAPPING FOR regress_s3_feed SERVER s3 OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
-- not a source: refused before anything is read
CREATE ROLE regress_s3_stranger IN ROLE hdl_provider;
GRANT USAGE ON FOREIGN SERVER s3 TO regress_s3_stranger;
SET ROLE regress_s3_stranger;
SELECT pg_temp.regress_try($$SELECT hdl.import_s3('s3', 'imports/export1/')$$);
RESET ROLE;
CREATE ROLE regress_s3_watcher IN ROLE hdl_engineer;

-- A whole export: plain and gzip NDJSON (manifest.json is not NDJSON and is skipped).
SET ROLE regress_s3_feed;
SELECT hdl.import_s3('s3', 's3://imports/export1/') - 'batches' AS summary;
RESET ROLE;
SELECT b.kind, b.stored, b.rejected, b.resource_counts FROM hdl.ingest_batch b JOIN hdl.source s USING (source_id)
WHERE s.role_name = 'regress_s3_feed' ORDER BY b.batch_id;
-- pseudonymised like any ingest: no NHS number in the lake, patients and references by pseudonym
SELECT count(*) AS leaks FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id)
WHERE s.role_name = 'regress_s3_feed' AND h.resource::text ~ '9434765919|9434765870|Quill|Brook';
SELECT resource_type, patient ~ '^[0-9a-f]{64}$' AND id = s.org_code || '.' || left(patient, 63 - length(s.org_code)) AS pseudonym
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE s.role_name = 'regress_s3_feed' AND resource_type = 'Patient';
SELECT id, resource->'subject'->>'reference' ~ '^Patient/[0-9a-f]{64}$' AS linked FROM hdl_lake.resource
WHERE resource_type = 'Observation' AND id IN ('o1', 'o2', 'o3') ORDER BY id;

-- stop_on_error: the first bad line fails the import, naming object and line; nothing is kept.
SET ROLE regress_s3_feed;
SELECT pg_temp.try_ctx($$SELECT hdl.import_s3('s3', 'imports/import2/', stop_on_error => true)$$);
SELECT pg_temp.try_ctx($$SELECT hdl.import_s3('s3', 'imports/corrupt/')$$);
RESET ROLE;
SELECT count(*) FROM hdl_lake.resource WHERE id IN ('q1', 'q4');

-- Progress seen from another session while the import's transaction is open: Observation/q4
-- already exists and this session holds its row lock, so the import (an update of q4) stops at
-- line 4 until the lock is released.
SET ROLE regress_s3_feed;
SELECT hdl.ingest('{"resourceType":"Observation","id":"q4","status":"preliminary","code":{"text":"pulse"}}') -> 'meta' ->> 'versionId' AS q4_version;
RESET ROLE;
BEGIN;
SELECT id FROM hdl_lake.resource WHERE resource_type = 'Observation' AND id = 'q4' FOR UPDATE;
SELECT dblink_connect('feed', format('dbname=%s user=regress_s3_feed port=%s host=%s', current_database(),
	current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT dblink_send_query('feed', $$SELECT hdl.import_s3('s3', 'imports/import2/') - 'batches'$$);
DO $$ BEGIN
	FOR i IN 1..300 LOOP
		PERFORM pg_stat_clear_snapshot();
		EXIT WHEN EXISTS (SELECT 1 FROM hdl.import_progress WHERE lines = 3);
		PERFORM pg_sleep(0.1);
	END LOOP;
END $$;
SELECT server, files_done, files_total, resources, rejected, lines, bytes_done > 0 AS bytes, bytes_total > 0 AS total
FROM hdl.import_progress;
-- engineers see every import under way, providers only their own
SET LOCAL ROLE regress_s3_watcher;
SELECT server, role_name, source_id = (SELECT source_id FROM hdl.source WHERE org_code = 'S3F') AS source, lines
FROM hdl.import_progress;
SET LOCAL ROLE regress_s3_stranger;
SELECT count(*) AS stranger_sees FROM hdl.import_progress;
SET LOCAL ROLE regress_s3_feed;
SELECT count(*) AS importer_sees FROM hdl.import_progress;
RESET ROLE;
COMMIT;
SELECT * FROM dblink_get_result('feed') AS t(summary jsonb);
SELECT dblink_disconnect('feed');
SELECT count(*) AS running FROM hdl.import_progress;

-- The quarantine: object, line, raw line and OperationOutcome; only the importing role sees its lines.
SELECT object_key, line, left(raw, 40) AS raw, sqlstate, outcome->'issue'->0->>'code' AS code,
	outcome->'issue'->0->>'diagnostics' AS diagnostics FROM hdl.import_quarantine ORDER BY line;
SET ROLE regress_s3_stranger;
SELECT count(*) FROM hdl.import_quarantine;
RESET ROLE;
-- Resubmit: as stored (still bad), with a corrected resource, then all that is left.
SET ROLE regress_s3_feed;
SELECT quarantine_id AS q2 FROM hdl.import_quarantine WHERE line = 2 AND object_key LIKE 'import2/%' \gset
SELECT quarantine_id AS q3 FROM hdl.import_quarantine WHERE line = 3 AND object_key LIKE 'import2/%' \gset
SELECT pg_temp.regress_try(format('SELECT hdl.resubmit_quarantine(%s)', :q3)) ~ 'unknown element' AS still_invalid;
SELECT hdl.resubmit_quarantine(:q3, '{"resourceType":"Observation","id":"q3","status":"final","code":{"text":"pulse"},"valueInteger":1}')->>'id' AS resubmitted;
SELECT pg_temp.regress_try('SELECT hdl.resubmit_quarantine(0)');
SELECT quarantine_id = :q2 AS is_q2, status FROM hdl.resubmit_quarantine();
SELECT line FROM hdl.import_quarantine ORDER BY line;
RESET ROLE;
SELECT id, version FROM hdl_lake.resource WHERE resource_type = 'Observation' AND id LIKE 'q%' ORDER BY id;

-- Export: a mart to NDJSON, CSV and gzip, read back through the FDW; multipart when large.
CREATE TABLE mart.regress_obs (id text, code text, value numeric, note text);
INSERT INTO mart.regress_obs VALUES ('o1', 'heart rate', 72, NULL), ('o2', 'weight, morning', 81.50, 'said "fine"'),
	('o3', 'height', 1.68, E'two\nlines');
SELECT * FROM hdl.export_mart_s3('regress_obs', 's3', 's3://marts/obs.ndjson', 'ndjson');
CREATE FOREIGN TABLE obs_back (id text, code text, value numeric, note text, resource jsonb)
	SERVER s3 OPTIONS (bucket 'marts', key 'obs.ndjson');
SELECT id, code, value, note FROM obs_back ORDER BY id;
SELECT rows, parts FROM hdl.export_mart_s3('mart.regress_obs', 's3', 'marts/obs.csv', 'csv');
CREATE FOREIGN TABLE obs_csv_back (id text, code text, value numeric, note text)
	SERVER s3 OPTIONS (bucket 'marts', key 'obs.csv', format 'csv');
SELECT * FROM obs_csv_back ORDER BY id;
SELECT rows, parts FROM hdl.export_mart_s3('regress_obs', 's3', 'marts/obs.csv.gz', 'csv');
ALTER FOREIGN TABLE obs_csv_back OPTIONS (SET key 'obs.csv.gz', ADD compression 'gzip');
SELECT * FROM obs_csv_back ORDER BY id;
SELECT rows, parts FROM hdl.export_mart_s3('regress_obs', 's3', 'marts/obs.ndjson.z', 'ndjson', 'gzip');
ALTER FOREIGN TABLE obs_back OPTIONS (SET key 'obs.ndjson.z');
SELECT count(*), sum(value) FROM obs_back;
CREATE TABLE mart.regress_big AS SELECT g AS n, repeat('x', 50) AS filler FROM generate_series(1, 120000) g;
SELECT rows, bytes > 5 * 1024 * 1024 AS over_one_part, parts FROM hdl.export_mart_s3('regress_big', 's3', 'marts/big.csv', 'csv', 'none', 5);
CREATE FOREIGN TABLE big_back (n int, filler text) SERVER s3 OPTIONS (bucket 'marts', key 'big.csv', format 'csv');
SELECT count(*), sum(n), min(length(filler)) FROM big_back;
-- every export is in the audit trail
SELECT event, subject, detail ->> 'format' AS format, detail ->> 'rows' AS rows FROM hdl_audit.log
WHERE event = 'export' ORDER BY entry_id;
-- refused: not a mart, a bad format or compression, no key
SELECT pg_temp.regress_try($$SELECT hdl.export_mart_s3('hdl_lake.resource', 's3', 'marts/lake.ndjson', 'ndjson')$$);
SELECT pg_temp.regress_try($$SELECT hdl.export_mart_s3('regress_obs', 's3', 'marts/x', 'parquet')$$);
SELECT pg_temp.regress_try($$SELECT hdl.export_mart_s3('regress_obs', 's3', 'marts/x', 'csv', 'zstd')$$);
SELECT pg_temp.regress_try($$SELECT hdl.export_mart_s3('regress_obs', 's3', 'marts', 'csv')$$);
SELECT pg_temp.regress_try($$SELECT hdl.export_mart_s3('no_such_mart', 's3', 'marts/x', 'csv')$$);

-- the catalogue's lineage of foreign tables: table <- server <- bucket and objects
CREATE FOREIGN TABLE regress_lineage (resource jsonb) SERVER s3 OPTIONS (bucket 'imports', prefix 'export1/', format 'ndjson');
SELECT foreign_table, server, endpoint = :'endpoint' AS endpoint, bucket, objects, format
FROM hdl.catalog_foreign_tables WHERE foreign_table = 'regress_lineage'::regclass;
DROP FOREIGN TABLE regress_lineage;

-- ETL jobs of kinds export_s3 and import_s3 go through the same functions
SELECT hdl.schedule_job('regress-export', 'export_s3', 'regress_obs', '@daily',
	options => '{"server": "s3", "location": "s3://marts/job/obs.ndjson", "format": "ndjson"}') > 0 AS scheduled;
SELECT status, rows_out, error FROM hdl.run_job_now('regress-export');
SELECT hdl.unschedule_job('regress-export');
-- an import job runs as the role that scheduled it: an engineer that is also a registered source
GRANT hdl_engineer TO regress_s3_feed;
SET ROLE regress_s3_feed;
SELECT hdl.schedule_job('regress-import', 'import_s3', 's3', '@daily',
	options => '{"location": "s3://imports/export1/"}') > 0 AS scheduled;
SELECT status, rows_out >= 0 AS counted, error FROM hdl.run_job_now('regress-import');
SELECT hdl.unschedule_job('regress-import');
RESET ROLE;
REVOKE hdl_engineer FROM regress_s3_feed;

SET client_min_messages = warning;
DROP TABLE mart.regress_obs, mart.regress_big;
DROP SERVER s3 CASCADE;
DROP ROLE regress_s3_stranger, regress_s3_watcher;
ALTER ROLE regress_s3_feed RESET ALL;
\else
\echo skipped: no local S3 server (HDL_S3_ENDPOINT is not set; start test/s3/s3rver.sh)
\endif

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
