-- The lake's partitions as ingestion writes them (straight into the partition, as COPY does):
-- a type lands in its own partition, a type without one in the default partition, a partition
-- a DBA adds is used from the next call, and what hdl cannot honour there is refused cleanly.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_parts LOGIN IN ROLE hdl_provider;
SELECT hdl.register_source('regress_parts', 'RP001', 'Regress partitions') > 0 AS registered;

-- a type with its own partition, created fresh (server id) and by client id, then updated
SET ROLE regress_parts;
SELECT hdl.ingest('{"resourceType":"Location","name":"Ward 1"}') ->> 'resourceType' AS stored;
SELECT hdl.ingest('{"resourceType":"Location","id":"ward-2","name":"Ward 2"}') -> 'meta' ->> 'versionId' AS version;
SELECT hdl.ingest('{"resourceType":"Location","id":"ward-2","name":"Ward 2b"}') -> 'meta' ->> 'versionId' AS version;
-- a type without one: the default partition
SELECT hdl.ingest('{"resourceType":"Substance","id":"water","code":{"text":"water"}}') -> 'meta' ->> 'versionId' AS version;
RESET ROLE;
SELECT r.tableoid::regclass AS partition, r.resource_type, r.version, r.resource ->> 'name' AS name
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id) WHERE s.org_code = 'RP001' ORDER BY 2, 3;
SELECT h.tableoid::regclass AS partition, h.resource_type, h.version, h.operation, h.txid IS NOT NULL AS has_txid
FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id) WHERE s.org_code = 'RP001' ORDER BY 2, 3, 4;
-- the indexes were maintained: lookups by key and by last_updated find the rows
SET enable_seqscan = off;
SELECT count(*) AS by_key FROM hdl_lake.resource WHERE resource_type = 'Location' AND id = 'ward-2';
SELECT count(*) AS by_time FROM hdl_lake.resource WHERE resource_type = 'Substance' AND last_updated > now() - interval '1 day';
RESET enable_seqscan;

-- a DBA adds partitions for a new type: the next call writes there
CREATE TABLE hdl_lake.resource_specimen PARTITION OF hdl_lake.resource FOR VALUES IN ('Specimen');
CREATE TABLE hdl_lake.history_specimen PARTITION OF hdl_lake.resource_history FOR VALUES IN ('Specimen');
SET ROLE regress_parts;
SELECT hdl.ingest('{"resourceType":"Specimen","id":"spec-1","status":"available"}') -> 'meta' ->> 'versionId' AS version;
RESET ROLE;
SELECT tableoid::regclass AS partition, id, version FROM hdl_lake.resource WHERE resource_type = 'Specimen';
SELECT tableoid::regclass AS partition, id, version FROM hdl_lake.resource_history WHERE resource_type = 'Specimen';

-- an INSERT trigger on a partition would be skipped: refused, and nothing is stored
CREATE FUNCTION pg_temp.regress_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER regress_noop BEFORE INSERT ON hdl_lake.history_specimen FOR EACH ROW EXECUTE FUNCTION pg_temp.regress_noop();
SET ROLE regress_parts;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Specimen","id":"spec-1","status":"unavailable"}')$$);
RESET ROLE;
SELECT id, version, resource ->> 'status' AS status FROM hdl_lake.resource WHERE resource_type = 'Specimen';
DROP TRIGGER regress_noop ON hdl_lake.history_specimen;
-- a statement trigger too
CREATE TRIGGER regress_noop_stmt AFTER INSERT ON hdl_lake.resource_specimen FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.regress_noop();
SET ROLE regress_parts;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Specimen","status":"available"}')$$) ~ '^0A000: INSERT triggers on "resource_specimen"' AS refused;
RESET ROLE;
SELECT count(*) AS specimens FROM hdl_lake.resource_history WHERE resource_type = 'Specimen';
DROP TRIGGER regress_noop_stmt ON hdl_lake.resource_specimen;

-- a partition partitioned again cannot be written directly: refused, nothing stored
CREATE TABLE hdl_lake.resource_flag PARTITION OF hdl_lake.resource FOR VALUES IN ('Flag') PARTITION BY LIST (id);
SET ROLE regress_parts;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Flag","status":"active","code":{"text":"x"},"subject":{"reference":"Location/ward-2"}}')$$);
RESET ROLE;
SELECT count(*) AS flags FROM hdl_lake.resource_history WHERE resource_type = 'Flag';

-- the empty one goes; the Specimen partitions stay with their rows (the catalogue counts them)
DROP TABLE hdl_lake.resource_flag;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
