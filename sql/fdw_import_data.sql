-- hdl.import_s3 keeps what it is given: the old exact-decimal marker string stays a string,
-- decimals keep their text, and a line with a control character in a FHIR string is quarantined
-- with its element named (nothing of it stored). Against the local S3 server; skipped without
-- it (expected/fdw_import_data_1.out).
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
\set ECHO all
\if :present
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SET hdl.enable_test_functions = on;
SELECT set_config('hdl.s3_allowed_endpoints', :'endpoint', false) IS NOT NULL AS allowed;
CREATE SERVER s3data FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER s3data OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE ROLE regress_s3data_feed IN ROLE hdl_provider;
SELECT hdl.register_source('regress_s3data_feed', 'S3D', 'Regress import data feed') > 0 AS registered;
GRANT USAGE ON FOREIGN SERVER s3data TO regress_s3data_feed;
ALTER ROLE regress_s3data_feed SET hdl.s3_allowed_endpoints = :'endpoint';
CREATE USER MAPPING FOR regress_s3data_feed SERVER s3data OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');

-- The marker and decimals, at structure validation (no string formats checked).
SELECT hdl._test_s3_put('s3data', 'imports/data-marker/Practitioner.ndjson', convert_to(concat_ws(chr(10),
	'{"resourceType":"Practitioner","id":"s3-marker","name":[{"family":"\u001fhdl-number:12"}]}',
	'{"resourceType":"Observation","id":"s3-decimals","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50},"component":[{"code":{"text":"a"},"valueQuantity":{"value":0.000}},{"code":{"text":"b"},"valueQuantity":{"value":1e3}}]}'
	) || chr(10), 'UTF8')) > 0 AS put;
SET ROLE regress_s3data_feed;
SELECT hdl.import_s3('s3data', 's3://imports/data-marker/', level => 'structure') - 'batches' AS summary;
RESET ROLE;
SELECT hdl.read('Practitioner', 's3-marker') -> 'name' AS name,
       jsonb_typeof(hdl.read('Practitioner', 's3-marker') -> 'name' -> 0 -> 'family') AS type;
SELECT hdl.read('Observation', 's3-decimals') -> 'valueQuantity' ->> 'value' AS value,
       jsonb_path_query_array(hdl.read('Observation', 's3-decimals'), '$.component[*].valueQuantity.value') AS components;

-- A control character at strict validation: that line is quarantined, naming the element.
SELECT hdl._test_s3_put('s3data', 'imports/data-control/Practitioner.ndjson', convert_to(concat_ws(chr(10),
	'{"resourceType":"Practitioner","id":"s3-good","name":[{"family":"Good"}]}',
	'{"resourceType":"Practitioner","id":"s3-bad","name":[{"family":"Bad\u001b[0m"}]}'
	) || chr(10), 'UTF8')) > 0 AS put;
SET ROLE regress_s3data_feed;
SELECT hdl.import_s3('s3data', 's3://imports/data-control/') - 'batches' AS summary;
RESET ROLE;
SELECT id FROM hdl_lake.resource WHERE id IN ('s3-good', 's3-bad') ORDER BY id;
SELECT q.line, q.sqlstate, q.outcome -> 'issue' -> 0 -> 'expression' AS expression, q.outcome -> 'issue' -> 0 ->> 'diagnostics' AS diagnostics
FROM hdl.import_quarantine q JOIN hdl.source s USING (source_id) WHERE s.org_code = 'S3D' ORDER BY q.line;

SET client_min_messages = warning;
DROP SERVER s3data CASCADE;
ALTER ROLE regress_s3data_feed RESET ALL;
\else
\echo skipped: no local S3 server (HDL_S3_ENDPOINT is not set; start test/s3/s3rver.sh)
\endif

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
