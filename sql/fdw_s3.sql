-- The hdl_s3 foreign-data wrapper against a real, signature-checking S3 server on 127.0.0.1
-- (test/s3/s3rver.sh; CI exports HDL_S3_ENDPOINT and the credentials). Without it the test says
-- so and checks nothing (expected/fdw_s3_1.out). Fixtures are the small files in test/data/s3.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\getenv endpoint HDL_S3_ENDPOINT
\getenv access_key HDL_S3_ACCESS_KEY
\getenv secret_key HDL_S3_SECRET_KEY
\getenv region HDL_S3_REGION
\if :{?endpoint}
\set present true
\else
\set present false
\endif
-- try_ctx(sql): like regress_try, plus the error context lines naming an S3 object; request ids masked.
CREATE FUNCTION pg_temp.try_ctx(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE state text; msg text; det text; hnt text; ctx text;
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
		hnt = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
	RETURN regexp_replace(state || ': ' || msg, '127\.0\.0\.1:\d+', '127.0.0.1:<port>')
		|| CASE WHEN det <> '' THEN E'\nDETAIL: ' || regexp_replace(det, 'request id [^,]+', 'request id <id>') ELSE '' END
		|| CASE WHEN hnt <> '' THEN E'\nHINT: ' || hnt ELSE '' END
		|| coalesce((SELECT string_agg(E'\nCONTEXT: ' || l, '') FROM regexp_split_to_table(ctx, E'\n') l
		             WHERE l LIKE '%S3 object%' OR l LIKE 'JSON data%'), '');
END
$$;
CREATE FUNCTION pg_temp.explain(stmt text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || stmt LOOP
		RETURN NEXT line;
	END LOOP;
END
$$;
CREATE FUNCTION pg_temp.explain_json(stmt text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE doc json;
BEGIN
	EXECUTE 'EXPLAIN (COSTS ON, FORMAT JSON) ' || stmt INTO doc;
	RETURN doc::jsonb;
END
$$;
\set ECHO all
-- Engineers make the schema IMPORT FOREIGN SCHEMA writes into (they have no CREATE on the
-- database): hdl.create_import_schema, a name s3_*, owned by the caller.
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_s3_eng IN ROLE hdl_engineer;
CREATE ROLE regress_s3_analyst IN ROLE hdl_analyst;
SET ROLE regress_s3_eng;
SELECT pg_temp.regress_try('CREATE SCHEMA s3_direct');
SELECT hdl.create_import_schema('s3_bulk_eng');
SELECT nspowner::regrole AS owner FROM pg_namespace WHERE nspname = 's3_bulk_eng';
CREATE TABLE s3_bulk_eng.notes (n text);
SELECT pg_temp.regress_try($$SELECT hdl.create_import_schema('s3_bulk_eng')$$);
SELECT n, pg_temp.regress_try(format('SELECT hdl.create_import_schema(%L)', n))
FROM unnest(ARRAY['mart_x', 'hdl_lake', 'public', 's3_', 's3_Upper', 's3_x; DROP SCHEMA public', NULL]) n;
SELECT pg_temp.regress_try($$SELECT hdl.create_import_schema(repeat('a', 70))$$);
RESET ROLE;
SET ROLE regress_s3_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.create_import_schema('s3_analyst')$$);
RESET ROLE;
\if :present
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SET hdl.enable_test_functions = on;

-- Egress control: with an empty allowlist no server can be created.
SELECT pg_temp.regress_try($$CREATE SERVER s3_none FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.eu-west-2.amazonaws.com')$$);
SET hdl.s3_allowed_endpoints = 'https://*.amazonaws.com, https://s3.trusted.example:9000';
SELECT set_config('hdl.s3_allowed_endpoints', current_setting('hdl.s3_allowed_endpoints') || ', ' || :'endpoint', false) IS NOT NULL AS allowed;
-- listed exactly, by wildcard, and refused: another host, http for an https entry, a path
SELECT pg_temp.regress_try($$CREATE SERVER s3_aws FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.eu-west-2.amazonaws.com', region 'eu-west-2', url_style 'virtual')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_trusted FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'S3.Trusted.Example:9000/')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_evil FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.evil.example')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_plain FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'http://s3.trusted.example:9000')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_path FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.trusted.example:9000/bucket')$$);
SELECT pg_temp.regress_try($$ALTER SERVER s3_aws OPTIONS (SET endpoint 'https://s3.evil.example')$$);
-- Option errors: unknown names with a hint, secrets outside user mappings, missing and bad values.
SELECT pg_temp.regress_try($$CREATE SERVER s3_x FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.amazonaws.com', regoin 'eu-west-2')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_x FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.amazonaws.com', secret_access_key 'x')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_x FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.amazonaws.com', bucket 'x')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_x FOREIGN DATA WRAPPER hdl_s3 OPTIONS (region 'eu-west-2')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_x FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'https://s3.amazonaws.com', url_style 'sideways')$$);
SELECT pg_temp.regress_try($$CREATE SERVER s3_x FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'ftp://s3.amazonaws.com')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN DATA WRAPPER hdl_s3_x HANDLER hdl.s3_fdw_handler VALIDATOR hdl.s3_fdw_validator OPTIONS (endpoint 'x')$$);
CREATE SERVER s3 FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint :'endpoint', region :'region');
SELECT pg_temp.regress_try($$CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id 'a', secret_acess_key 'b')$$);
SELECT pg_temp.regress_try($$CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id 'a')$$);
SELECT pg_temp.regress_try($$CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id 'a', secret_access_key 'b', endpoint 'c')$$);
SELECT pg_temp.regress_try($$CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id 'a', access_key_id 'b', secret_access_key 'c')$$);
CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (resource jsonb) SERVER s3 OPTIONS (prefix 'x/')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (resource jsonb) SERVER s3 OPTIONS (bucket 'b', prefx 'x/')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (resource jsonb) SERVER s3 OPTIONS (bucket 'b', format 'parquet')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (resource jsonb) SERVER s3 OPTIONS (bucket 'b', compression 'zstd')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (resource jsonb) SERVER s3 OPTIONS (bucket 'b', key 'k', prefix 'p')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (resource jsonb) SERVER s3 OPTIONS (bucket 'b', resource_type 'Patientt')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (resource jsonb) SERVER s3 OPTIONS (bucket 'b', session_token 't')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (id text OPTIONS (json_kye 'id')) SERVER s3 OPTIONS (bucket 'b')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (id text OPTIONS (json_key 'id', metadata 'line_number')) SERVER s3 OPTIONS (bucket 'b')$$);
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE ft_x (id text OPTIONS (json_key 'a..b')) SERVER s3 OPTIONS (bucket 'b')$$);

-- Fixtures, written through the core client (test-only function).
SELECT hdl._test_s3_put('s3', 'bulk/export1/Patient.ndjson', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/Patient.ndjson')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/export1/Observation.000.ndjson.gz', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/Observation.000.ndjson'), true) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/export1/Observation.001.ndjson', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/Observation.001.ndjson')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/export1/manifest.json', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/manifest.json')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/csv/observations.csv', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/csv/observations.csv')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/bad/bad_json.ndjson', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/bad/bad_json.ndjson')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/bad/truncated.ndjson', pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/bad/truncated.ndjson')) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/bad/corrupt.ndjson.gz', '\x1f8b0800000000000003ffffffffdeadbeef'::bytea) > 0 AS put;
SELECT hdl._test_s3_put('s3', 'bulk/bad/truncated.ndjson.gz', substr(hdl._test_gzip(pg_read_binary_file(:'abs_srcdir' || '/test/data/s3/export1/Patient.ndjson')), 1, 60)) > 0 AS put;

-- One jsonb column per resource, over a prefix: plain and gzip objects, blank lines and CRLF skipped.
CREATE FOREIGN TABLE bulk_all (resource jsonb) SERVER s3 OPTIONS (bucket 'bulk', prefix 'export1/', format 'ndjson');
-- manifest.json is under the prefix too: a table over a whole folder reads every object in it
SELECT pg_temp.try_ctx('SELECT count(resource) FROM bulk_all');
ALTER FOREIGN TABLE bulk_all OPTIONS (SET prefix 'export1/', ADD resource_type 'Observation');
SELECT resource->>'id' AS id, resource->'valueQuantity'->'value' AS value FROM bulk_all ORDER BY 1;
SELECT count(*) FROM bulk_all;
-- Typed columns from JSON keys (dotted paths), metadata columns; only referenced ones are built.
CREATE FOREIGN TABLE observations (
	id text OPTIONS (json_key 'id'),
	"resourceType" text,
	status text,
	subject text OPTIONS (json_key 'subject.reference'),
	value numeric OPTIONS (json_key 'valueQuantity.value'),
	quantity jsonb OPTIONS (json_key 'valueQuantity'),
	missing int OPTIONS (json_key 'no.such.key'),
	object text OPTIONS (metadata 'object_key'),
	line bigint OPTIONS (metadata 'line_number'),
	resource jsonb
) SERVER s3 OPTIONS (bucket 'bulk', prefix 'export1/Observation');
SELECT id, "resourceType", status, subject, value, quantity, missing, object, line FROM observations ORDER BY id;
SELECT id, value FROM observations WHERE value > 75;
SELECT sum(value) FROM observations;
-- The plan reads only the projected columns; filters stay local and are rechecked.
SELECT * FROM pg_temp.explain('SELECT id FROM observations WHERE status = ''final''');

-- Pruning by resource type (file names) and by key prefix, shown by EXPLAIN; the bytes only with COSTS.
CREATE FOREIGN TABLE bulk (
	"resourceType" text, id text, object text OPTIONS (metadata 'object_key'), resource jsonb
) SERVER s3 OPTIONS (bucket 'bulk', objects 'export1/Patient.ndjson, export1/Observation.000.ndjson.gz,export1/Observation.001.ndjson');
SELECT * FROM pg_temp.explain('SELECT id FROM bulk WHERE "resourceType" = ''Patient''');
SELECT id FROM bulk WHERE "resourceType" = 'Patient' ORDER BY id;
SELECT * FROM pg_temp.explain('SELECT id FROM bulk WHERE resource->>''resourceType'' IN (''Observation'', ''Condition'')');
SELECT count(*) FROM bulk WHERE resource->>'resourceType' IN ('Observation', 'Condition');
SELECT * FROM pg_temp.explain('SELECT id FROM bulk WHERE object LIKE ''export1/Observation.0%'' AND "resourceType" = ''Observation''');
SELECT * FROM pg_temp.explain('SELECT id FROM bulk WHERE "resourceType" = ''Patient'' AND "resourceType" = ''Observation''');
SELECT count(*) FROM bulk WHERE "resourceType" = 'Patient' AND "resourceType" = 'Observation';
SELECT * FROM pg_temp.explain('SELECT count(*) FROM bulk');
SELECT pg_temp.explain_json($$SELECT id FROM bulk WHERE "resourceType" = 'Patient'$$) -> 0 -> 'Plan' -> 'S3 Bytes' AS patient_bytes;

-- ANALYZE samples every object; afterwards the planner uses the measured row count.
ANALYZE observations;
SELECT reltuples FROM pg_class WHERE relname = 'observations';
CREATE FOREIGN TABLE nothing (resource jsonb) SERVER s3 OPTIONS (bucket 'bulk', prefix 'no-such-prefix/');
ANALYZE nothing;
SELECT count(*) FROM nothing;

-- CSV with a header: fields by name, quoted fields, empty fields are NULL, other delimiters.
CREATE FOREIGN TABLE obs_csv (
	id text, label text OPTIONS (csv_field 'code'), value numeric, effective date, line int OPTIONS (metadata 'line_number')
) SERVER s3 OPTIONS (bucket 'bulk', key 'csv/observations.csv', format 'csv');
SELECT * FROM obs_csv ORDER BY id;
CREATE FOREIGN TABLE obs_csv_bad (id text, nope text) SERVER s3 OPTIONS (bucket 'bulk', key 'csv/observations.csv', format 'csv');
SELECT pg_temp.try_ctx('SELECT nope FROM obs_csv_bad');
SELECT pg_temp.regress_try($$CREATE FOREIGN TABLE obs_csv_x (id text OPTIONS (json_key 'id')) SERVER s3 OPTIONS (bucket 'bulk', key 'csv/observations.csv', format 'csv')$$);
SELECT pg_temp.try_ctx('SELECT * FROM obs_csv_x');
CREATE FOREIGN TABLE obs_csv_pos (a text, b text) SERVER s3 OPTIONS (bucket 'bulk', key 'csv/observations.csv', format 'csv', header 'false');
SELECT * FROM obs_csv_pos LIMIT 2;

-- Errors name the object and the line.
CREATE FOREIGN TABLE bad_json (id text) SERVER s3 OPTIONS (bucket 'bulk', key 'bad/bad_json.ndjson');
SELECT pg_temp.try_ctx('SELECT id FROM bad_json');
-- without referenced columns lines are only counted, not parsed
SELECT count(*) FROM bad_json;
CREATE FOREIGN TABLE truncated (id text) SERVER s3 OPTIONS (bucket 'bulk', key 'bad/truncated.ndjson');
SELECT pg_temp.try_ctx('SELECT id FROM truncated');
CREATE FOREIGN TABLE corrupt (id text) SERVER s3 OPTIONS (bucket 'bulk', key 'bad/corrupt.ndjson.gz');
SELECT pg_temp.try_ctx('SELECT id FROM corrupt');
CREATE FOREIGN TABLE truncated_gz (id text) SERVER s3 OPTIONS (bucket 'bulk', key 'bad/truncated.ndjson.gz');
SELECT pg_temp.try_ctx('SELECT id FROM truncated_gz');
CREATE FOREIGN TABLE not_gzip (id text) SERVER s3 OPTIONS (bucket 'bulk', key 'bad/bad_json.ndjson', compression 'gzip');
SELECT pg_temp.try_ctx('SELECT id FROM not_gzip');
CREATE FOREIGN TABLE missing (id text) SERVER s3 OPTIONS (bucket 'bulk', key 'export1/Nope.ndjson');
SELECT pg_temp.try_ctx('SELECT id FROM missing');
CREATE FOREIGN TABLE no_bucket (id text) SERVER s3 OPTIONS (bucket 'no-such-bucket', prefix '');
SELECT pg_temp.try_ctx('SELECT id FROM no_bucket');
CREATE FOREIGN TABLE bad_type (id int OPTIONS (json_key 'id')) SERVER s3 OPTIONS (bucket 'bulk', key 'export1/Patient.ndjson');
SELECT pg_temp.try_ctx('SELECT id FROM bad_type');

-- Wrong credentials: the server's 403 as a clean error with the AWS code, and no secret in it.
CREATE ROLE regress_s3_user;
GRANT USAGE ON FOREIGN SERVER s3 TO regress_s3_user;
CREATE USER MAPPING FOR regress_s3_user SERVER s3 OPTIONS (access_key_id :'access_key', secret_access_key 'wrong-secret-4711');
GRANT SELECT ON observations TO regress_s3_user;
SET ROLE regress_s3_user;
SELECT pg_temp.try_ctx('SELECT id FROM observations') AS wrong_secret;
SELECT position('wrong-secret-4711' in pg_temp.try_ctx('SELECT id FROM observations')) AS secret_shown;
-- user-mapping options are hidden from other users
SELECT usename = current_user AS own, umoptions IS NULL AS hidden FROM pg_user_mappings WHERE srvname = 's3' ORDER BY 1;
RESET ROLE;
ALTER USER MAPPING FOR regress_s3_user SERVER s3 OPTIONS (SET access_key_id 'AKIANOSUCHKEY');
SET ROLE regress_s3_user;
SELECT pg_temp.try_ctx('SELECT id FROM observations') AS unknown_key;
RESET ROLE;
-- the allowlist is checked again at scan time
SET hdl.s3_allowed_endpoints = 'https://*.amazonaws.com';
SELECT pg_temp.try_ctx('SELECT id FROM observations') AS no_longer_allowed;
SET ROLE regress_s3_user;
SELECT pg_temp.regress_try($$SET hdl.s3_allowed_endpoints = 'http://attacker.example'$$);
RESET ROLE;
RESET hdl.s3_allowed_endpoints;
SELECT set_config('hdl.s3_allowed_endpoints', :'endpoint', false) IS NOT NULL AS allowed;

-- IMPORT FOREIGN SCHEMA: from a prefix (one table per type by file name) and from a manifest.
CREATE SCHEMA fhir_prefix;
IMPORT FOREIGN SCHEMA bulk FROM SERVER s3 INTO fhir_prefix OPTIONS (prefix 'export1/');
SELECT c.relname, ft.ftoptions FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid
WHERE c.relnamespace = 'fhir_prefix'::regnamespace ORDER BY 1;
SELECT id, resource->>'gender' AS gender FROM fhir_prefix.patient ORDER BY id;
SELECT count(*) FROM fhir_prefix.observation;
CREATE SCHEMA fhir_manifest;
IMPORT FOREIGN SCHEMA bulk LIMIT TO (observation) FROM SERVER s3 INTO fhir_manifest OPTIONS (manifest 'export1/manifest.json');
SELECT c.relname, ft.ftoptions FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid
WHERE c.relnamespace = 'fhir_manifest'::regnamespace ORDER BY 1;
SELECT id FROM fhir_manifest.observation ORDER BY id;
IMPORT FOREIGN SCHEMA bulk EXCEPT (observation) FROM SERVER s3 INTO fhir_manifest OPTIONS (manifest 'export1/manifest.json');
SELECT count(*) FROM fhir_manifest.patient;
SELECT pg_temp.try_ctx($$IMPORT FOREIGN SCHEMA bulk FROM SERVER s3 INTO fhir_manifest OPTIONS (manifest 'export1/Patient.ndjson')$$);
SELECT pg_temp.try_ctx($$IMPORT FOREIGN SCHEMA bulk FROM SERVER s3 INTO fhir_manifest OPTIONS (manifest 'export1/nope.json')$$);
SELECT pg_temp.try_ctx($$IMPORT FOREIGN SCHEMA bulk FROM SERVER s3 INTO fhir_manifest OPTIONS (prefx 'export1/')$$);
-- ... and an engineer imports into the schema it made, with its own user mapping
GRANT USAGE ON FOREIGN SERVER s3 TO regress_s3_eng;
CREATE USER MAPPING FOR regress_s3_eng SERVER s3 OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
SET ROLE regress_s3_eng;
IMPORT FOREIGN SCHEMA bulk LIMIT TO (patient) FROM SERVER s3 INTO s3_bulk_eng OPTIONS (prefix 'export1/');
SELECT count(*) AS patients FROM s3_bulk_eng.patient;
RESET ROLE;

SET client_min_messages = warning;
DROP SCHEMA fhir_prefix, fhir_manifest CASCADE;
DROP SERVER s3 CASCADE;
DROP ROLE regress_s3_user;
DROP SERVER s3_aws, s3_trusted;
\else
\echo skipped: no local S3 server (HDL_S3_ENDPOINT is not set; start test/s3/s3rver.sh)
\endif
SET client_min_messages = warning;
DROP SCHEMA s3_bulk_eng CASCADE;
DROP ROLE regress_s3_eng, regress_s3_analyst;
RESET client_min_messages;
