-- One hdl.import_s3 call over several objects, with a line rejected by validation and one
-- rolled back after its rows were written (a check constraint on the history table refuses
-- it): each object's batch row, ingest audit entry and catalogue increments count that object's
-- committed lines alone, and the import has its own audit entry (docs/audit.md). Against the
-- local S3 server; skipped without it (expected/fdw_import_counts_1.out).
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
CREATE SERVER s3count FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER s3count OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE ROLE regress_s3count_feed IN ROLE hdl_provider;
SELECT hdl.register_source('regress_s3count_feed', 'S3C', 'Regress import counts feed') > 0 AS registered;
GRANT USAGE ON FOREIGN SERVER s3count TO regress_s3count_feed;
ALTER ROLE regress_s3count_feed SET hdl.s3_allowed_endpoints = :'endpoint';
CREATE USER MAPPING FOR regress_s3count_feed SERVER s3count OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');

-- Three objects (imported Patients first, then Organizations, then Practitioners). Line 2 of
-- the Practitioners fails validation; line 3 is written, then refused by the constraint, and
-- its subtransaction rolls back.
SELECT hdl._test_s3_put('s3count', 'imports/counts/Patient.ndjson', convert_to(concat_ws(chr(10),
	'{"resourceType":"Patient","id":"s3c-p1","gender":"female","birthDate":"1980-01-01"}',
	'{"resourceType":"Patient","id":"s3c-p2","gender":"male","birthDate":"1981-02-02"}',
	'{"resourceType":"Patient","id":"s3c-p3","gender":"other","birthDate":"1982-03-03"}'
	) || chr(10), 'UTF8')) > 0 AS put;
SELECT hdl._test_s3_put('s3count', 'imports/counts/Organization.ndjson', convert_to(concat_ws(chr(10),
	'{"resourceType":"Organization","id":"s3c-org-1","name":"Org One"}',
	'{"resourceType":"Organization","id":"s3c-org-2","name":"Org Two","active":true}'
	) || chr(10), 'UTF8')) > 0 AS put;
SELECT hdl._test_s3_put('s3count', 'imports/counts/Practitioner.ndjson', convert_to(concat_ws(chr(10),
	'{"resourceType":"Practitioner","id":"s3c-dr-1","name":[{"family":"One"}]}',
	'{"resourceType":"Practitioner","id":"s3c-bad","gender":"robot"}',
	'{"resourceType":"Practitioner","id":"s3c-boom","name":[{"family":"Boom"}],"active":true}',
	'{"resourceType":"Practitioner","id":"s3c-dr-2","name":[{"family":"Two"}]}'
	) || chr(10), 'UTF8')) > 0 AS put;
ALTER TABLE hdl_lake.resource_history ADD CONSTRAINT regress_no_boom CHECK (id <> 's3c-boom');
SET ROLE regress_s3count_feed;
SELECT hdl.import_s3('s3count', 's3://imports/counts/') - 'batches' AS summary;
RESET ROLE;
ALTER TABLE hdl_lake.resource_history DROP CONSTRAINT regress_no_boom;
SELECT resource_type, id FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE s.org_code = 'S3C' AND resource_type <> 'Patient' ORDER BY 1, 2;
SELECT q.line, q.sqlstate FROM hdl.import_quarantine q JOIN hdl.source s USING (source_id)
WHERE s.org_code = 'S3C' ORDER BY q.line;

-- one batch per object, each counting its own committed lines
SELECT b.kind, b.stored, b.rejected, b.resources_by_type FROM hdl.catalog_batches b
WHERE b.organisation = 'S3C' ORDER BY b.batch_id;
-- each batch's ingest audit entry lists exactly the versions it stored
SELECT a.detail ->> 'kind' AS kind, a.detail -> 'stored' AS stored, a.detail -> 'rejected' AS rejected,
       (SELECT array_agg(regexp_replace(r, '^Patient/[^/]+/', 'Patient/<pseudonymised id>/') ORDER BY r)
        FROM jsonb_array_elements_text(a.detail -> 'resources') r) AS resources
FROM hdl_audit.log a JOIN hdl.ingest_batch b ON a.subject = 'batch:' || b.batch_id
JOIN hdl.source s USING (source_id) WHERE a.event = 'ingest' AND s.org_code = 'S3C' ORDER BY b.batch_id;
-- and the import has its own entry: what was read and stored, and the object batches
SELECT a.subject, a.detail - 'batches' AS detail, jsonb_array_length(a.detail -> 'batches') AS batches,
       a.detail -> 'batches' = (SELECT jsonb_agg(batch_id ORDER BY batch_id) FROM hdl.catalog_batches WHERE organisation = 'S3C') AS same_batches
FROM hdl_audit.log a WHERE a.event = 'import' AND a.subject = 's3:s3://imports/counts/';
-- the catalogue counts what the lake holds (here and after every test that ingests)
SELECT * FROM pg_temp.catalog_mismatches();

-- The same objects again, without the constraint: s3c-boom is created now, the other good
-- lines are updates, and the catalogue increments tell creates from updates
SET ROLE regress_s3count_feed;
SELECT hdl.import_s3('s3count', 's3://imports/counts/') - 'batches' AS summary;
RESET ROLE;
SELECT b.kind, b.stored, b.rejected, b.resources_by_type FROM hdl.catalog_batches b
WHERE b.organisation = 'S3C' ORDER BY b.batch_id OFFSET 3;
SELECT d.resource_type, d.created, d.updated FROM hdl.catalog_delta d JOIN hdl.catalog_batches b USING (batch_id)
WHERE b.organisation = 'S3C' ORDER BY d.batch_id OFFSET 3;
SELECT count(*) AS import_entries FROM hdl_audit.log a WHERE a.event = 'import' AND a.subject = 's3:s3://imports/counts/';
SELECT * FROM pg_temp.catalog_mismatches();

SET client_min_messages = warning;
DROP SERVER s3count CASCADE;
ALTER ROLE regress_s3count_feed RESET ALL;
\else
\echo skipped: no local S3 server (HDL_S3_ENDPOINT is not set; start test/s3/s3rver.sh)
\endif
