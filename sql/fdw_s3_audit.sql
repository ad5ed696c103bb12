-- Reads of raw S3 objects through hdl_s3 (which hold identifiers before import) are audited: one
-- durable s3_read entry per scan, naming the role, the server, table, objects and rows returned,
-- kept when the reading transaction rolls back. EXPLAIN without ANALYZE reads nothing and leaves
-- none. Needs the local S3 server (test/s3/s3rver.sh); skipped without it (fdw_s3_audit_1.out).
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
\set ECHO all
\if :present
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SET hdl.enable_test_functions = on;
SELECT set_config('hdl.s3_allowed_endpoints', :'endpoint', false) IS NOT NULL AS allowed;
CREATE SERVER regress_s3a FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint :'endpoint', region :'region');
CREATE ROLE regress_s3a_eng IN ROLE hdl_engineer;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_s3a OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE USER MAPPING FOR regress_s3a_eng SERVER regress_s3a OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
SELECT hdl._test_s3_put('regress_s3a', 'regress-audit/raw/a.ndjson', convert_to(
	E'{"resourceType":"Patient","id":"s3a-1"}\n{"resourceType":"Patient","id":"s3a-2"}\n', 'UTF8')) > 0 AS put;
SELECT hdl._test_s3_put('regress_s3a', 'regress-audit/raw/b.ndjson', convert_to(
	E'{"resourceType":"Patient","id":"s3a-3"}\n', 'UTF8')) > 0 AS put;
CREATE SCHEMA regress_s3a;
GRANT USAGE ON SCHEMA regress_s3a TO regress_s3a_eng;
CREATE FOREIGN TABLE regress_s3a.raw (resource jsonb) SERVER regress_s3a OPTIONS (bucket 'regress-audit', prefix 'raw/');
GRANT SELECT ON regress_s3a.raw TO regress_s3a_eng;
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset

-- an engineer reads the objects in place, in a transaction that rolls back: two scans, two entries
BEGIN;
SET LOCAL ROLE regress_s3a_eng;
SELECT count(*) FROM regress_s3a.raw;
SELECT resource ->> 'id' AS id FROM regress_s3a.raw LIMIT 1;
ROLLBACK;
-- EXPLAIN reads nothing; EXPLAIN ANALYZE does
EXPLAIN (COSTS OFF) SELECT * FROM regress_s3a.raw;
SELECT count(*) > 0 AS explained FROM pg_temp.regress_try('EXPLAIN ANALYZE SELECT * FROM regress_s3a.raw') x;
-- a scan that finds nothing is a read too
CREATE FOREIGN TABLE regress_s3a.none (resource jsonb) SERVER regress_s3a OPTIONS (bucket 'regress-audit', prefix 'nothing/');
SELECT count(*) FROM regress_s3a.none;
SELECT event, role_name, subject, detail - 'table_oid' AS detail FROM hdl_audit.log WHERE entry_id > :mark ORDER BY entry_id;
-- each entry committed on its own, before the reading transaction ended
SELECT count(DISTINCT txid) = count(*) AS own_transactions FROM hdl_audit.log WHERE entry_id > :mark;
SELECT count(*) FILTER (WHERE hdl.validate(resource) -> 'issue' -> 0 ->> 'severity' <> 'information') AS invalid_events
FROM hdl.audit_events WHERE event = 's3_read';
SELECT status, problem FROM hdl.audit_verify();
DROP SCHEMA regress_s3a CASCADE;
DROP USER MAPPING FOR regress_s3a_eng SERVER regress_s3a;
DROP USER MAPPING FOR CURRENT_USER SERVER regress_s3a;
DROP SERVER regress_s3a;
DROP ROLE regress_s3a_eng;
\else
\echo skipped: no local S3 server (HDL_S3_ENDPOINT is not set; start test/s3/s3rver.sh)
\endif
