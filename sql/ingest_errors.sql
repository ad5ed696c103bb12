-- Every kind of bad input gets a clear error: an SQLSTATE, a message naming the element, and an
-- OperationOutcome in the detail; nothing of it is stored.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_feed') THEN
		CREATE ROLE regress_feed LOGIN IN ROLE hdl_provider;
	END IF;
END $$;
SELECT hdl.register_source('regress_feed', 'RR8', 'Regress acute trust') > 0 AS registered;
-- (only this feed's rows: other tests ingest in parallel)
CREATE TEMP VIEW feed_counts AS SELECT
	(SELECT count(*) FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id) WHERE s.role_name = 'regress_feed') AS versions,
	(SELECT count(*) FROM hdl.ingest_batch b JOIN hdl.source s USING (source_id) WHERE s.role_name = 'regress_feed') AS batches;
CREATE TEMP TABLE before AS SELECT * FROM feed_counts;
GRANT SELECT ON before TO regress_feed;
SET ROLE regress_feed;
-- not an object
SELECT pg_temp.regress_try($$SELECT hdl.ingest('[1, 2]')$$);
-- unknown resourceType
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patientt"}')$$);
-- unknown element
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","nmae":[{"family":"X"}]}')$$);
-- malformed JSON types: a string where an array of HumanName is expected, a number for a string
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","name":"Smith"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","gender":1}')$$);
-- bad date
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","birthDate":"1990-02-30"}')$$);
-- missing required element (Observation.status and Observation.code)
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","valueString":"x"}')$$);
-- two value[x]
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","valueBoolean":true}')$$);
-- bad reference
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"not a reference"}}')$$);
-- a code outside its required value set
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","status":"done","code":{"text":"x"}}')$$);
-- a Bundle given to hdl.ingest, a resource given to hdl.ingest_bundle
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Bundle","type":"batch"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Patient"}')$$);
-- Bundle types other than transaction and batch
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"collection","entry":[]}')$$);
-- DELETE, GET and PATCH entries are refused
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"Patient/1"}}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"GET","url":"Patient/1"}}]}')$$);
-- a transaction with one bad entry among good ones stores nothing, and names the bad entry
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
  {"resource":{"resourceType":"Patient","gender":"female"},"request":{"method":"POST","url":"Patient"}},
  {"resource":{"resourceType":"Patient","gender":"female"},"request":{"method":"POST","url":"Patient"}},
  {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[{"code":{"text":"a"},"valueQuantity":{"value":1}},{"code":{"text":"b"},"valueQuantity":{"value":"high"}}]},"request":{"method":"POST","url":"Observation"}}]}')$$);
-- a transaction entry without request, a reference to a fullUrl that is not in the Bundle
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:0b0c39e1-8d6f-4a58-9d37-0c1b1c1b1c1b"}},"request":{"method":"POST","url":"Observation"}}]}')$$);
-- a conditional search hdl does not resolve
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient?name=smith"}}]}')$$);
-- PUT with an id that differs from the url
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","id":"a"},"request":{"method":"PUT","url":"Patient/b"}}]}')$$);
-- an invalid validation level
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient"}', 'lenient')$$);
-- nothing above was stored, not even a batch row
RESET ROLE;
SELECT f.versions - b.versions AS new_versions, f.batches - b.batches AS new_batches FROM feed_counts f, before b;
SET ROLE regress_feed;
-- levels: minimal accepts an unknown element and a bad date; structure accepts the bad date only
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","id":"lvl-min","nmae":1,"birthDate":"1990-02-30"}', 'minimal')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","id":"lvl-struct","nmae":1}', 'structure')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","id":"lvl-struct","birthDate":"1990-02-30"}', 'structure')$$);
RESET ROLE;
-- hdl.validate stores nothing and answers with an OperationOutcome
SET ROLE regress_feed;
SELECT hdl.validate('{"resourceType":"Patient","birthDate":"1990-1-1","gender":"female"}');
SELECT hdl.validate('{"resourceType":"Patient","gender":"female"}');
RESET ROLE;
-- the level setting is superuser-only
SET ROLE regress_feed;
SET hdl.validation_level = 'minimal';  -- ERROR
RESET ROLE;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
