-- hdl.read through the type's partition with a plan kept per backend (issue 21 item 4): the
-- same answers as a lookup on the lake, for every kind of caller and argument.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_read_gp LOGIN IN ROLE hdl_provider;
CREATE ROLE regress_read_engineer LOGIN IN ROLE hdl_engineer;
CREATE ROLE regress_read_analyst LOGIN IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_read_gp', 'RD001', 'Read test practice') > 0 AS registered;
SET ROLE regress_read_gp;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"rd-1","name":[{"family":"One"}]}') IS NOT NULL AS stored;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"rd-1","name":[{"family":"Two"}]}') IS NOT NULL AS stored;
-- a type without a partition of its own (the default partition)
SELECT hdl.ingest('{"resourceType":"Substance","id":"rd-1","code":{"text":"water"}}') IS NOT NULL AS stored;
RESET ROLE;

SET ROLE regress_read_engineer;
-- the current version, read many times in one session (the kept plan), equal to the lake's row
SELECT count(*) FILTER (WHERE hdl.read('Practitioner', 'rd-1') = r.resource) AS equal, count(*) AS reads
FROM generate_series(1, 20), hdl_lake.resource r WHERE r.resource_type = 'Practitioner' AND r.id = 'rd-1';
SELECT hdl.read('Practitioner', 'rd-1') -> 'name' -> 0 ->> 'family' AS family,
	hdl.read('Practitioner', 'rd-1') -> 'meta' ->> 'versionId' AS version;
SELECT hdl.read('Substance', 'rd-1') -> 'code' ->> 'text' AS default_partition;
-- the same id under another type, an unknown type, a type that is not FHIR, odd text: NULL
SELECT hdl.read('Patient', 'rd-1') IS NULL AS other_type, hdl.read('Nonsense', 'rd-1') IS NULL AS unknown_type,
	hdl.read('practitioner', 'rd-1') IS NULL AS wrong_case, hdl.read('', '') IS NULL AS empty,
	hdl.read('Practitioner', 'rd-1'' OR ''1''=''1') IS NULL AS quoted,
	hdl.read('Practitioner', repeat('x', 100000)) IS NULL AS huge_id;
-- NULL arguments: NULL (the function is strict)
SELECT hdl.read(NULL, 'rd-1') IS NULL AS null_type, hdl.read('Practitioner', NULL) IS NULL AS null_id;
-- in a transaction: an update is read back at once; after ROLLBACK the stored version again
RESET ROLE;
BEGIN;
SET ROLE regress_read_gp;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"rd-1","name":[{"family":"Rolled"}]}') IS NOT NULL AS stored;
RESET ROLE;
SELECT hdl.read('Practitioner', 'rd-1') -> 'name' -> 0 ->> 'family' AS in_transaction;
ROLLBACK;
SELECT hdl.read('Practitioner', 'rd-1') -> 'name' -> 0 ->> 'family' AS after_rollback;
-- a plan kept by this backend survives the table being rewritten (the plan cache re-plans)
VACUUM FULL hdl_lake.resource_practitioner;
SELECT hdl.read('Practitioner', 'rd-1') -> 'name' -> 0 ->> 'family' AS after_rewrite;
-- a query over many rows calls it once per row
SELECT count(hdl.read(r.resource_type, r.id)) = count(*) AS every_row_read FROM hdl_lake.resource r;

-- who may call it: engineers (and the owner); analysts and providers not
SET ROLE regress_read_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.read('Practitioner', 'rd-1')$$);
RESET ROLE;
SET ROLE regress_read_gp;
SELECT pg_temp.regress_try($$SELECT hdl.read('Practitioner', 'rd-1')$$);
RESET ROLE;
SELECT p.prosecdef AS security_definer, p.provolatile AS volatility, p.proisstrict AS strict
FROM pg_proc p WHERE p.oid = 'hdl.read(text, text)'::regprocedure;
-- a partition attached for a type that lived in the default partition: read from there at once
-- (the backend forgets which partition held the type when the lake's partitions change)
SELECT hdl.read('Substance', 'rd-1') -> 'code' ->> 'text' AS before_attach;
BEGIN;
CREATE TABLE hdl_lake.resource_substance (LIKE hdl_lake.resource INCLUDING DEFAULTS);
WITH moved AS (DELETE FROM hdl_lake.resource_other WHERE resource_type = 'Substance' RETURNING *)
INSERT INTO hdl_lake.resource_substance SELECT * FROM moved;
ALTER TABLE hdl_lake.resource ATTACH PARTITION hdl_lake.resource_substance FOR VALUES IN ('Substance');
SELECT hdl.read('Substance', 'rd-1') -> 'code' ->> 'text' AS after_attach,
	(SELECT count(*) FROM hdl_lake.resource_other WHERE resource_type = 'Substance') AS left_in_default;
ROLLBACK;
SELECT hdl.read('Substance', 'rd-1') -> 'code' ->> 'text' AS after_rollback;
-- many distinct type names in one backend
SELECT count(hdl.read('Type' || i, 'rd-1')) AS found FROM generate_series(1, 2000) i;
SELECT hdl.read('Practitioner', 'rd-1') -> 'name' -> 0 ->> 'family' AS still_read;
