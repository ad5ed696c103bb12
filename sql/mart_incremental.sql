-- Incremental refresh equals a full rebuild, always: rounds of random creates and updates
-- (deterministic seed), some committed in the refreshing transaction itself or rolled back,
-- each followed by an incremental refresh compared with a full rebuild of the same view
-- (EXCEPT ALL both ways empty). The concurrent case is specs/mart_refresh.spec.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_prop_feed IN ROLE hdl_provider;
SELECT hdl.register_source('regress_prop_feed', 'PROP1', 'property test feed') > 0 AS registered;
SELECT setseed(0.4242);
-- a random create or update of one of 40 practitioners, with 0 to 3 names and a birth date of
-- changing precision (a sequence, so that the random draws stay those of the seed)
CREATE TEMP SEQUENCE birth_dates;
GRANT USAGE ON SEQUENCE pg_temp.birth_dates TO regress_prop_feed;
CREATE FUNCTION pg_temp.random_practitioner() RETURNS jsonb LANGUAGE sql VOLATILE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('resourceType', 'Practitioner', 'id', 'prop-' || (1 + floor(random() * 40))::int,
		'gender', (ARRAY['male', 'female', 'other', NULL])[1 + floor(random() * 4)::int],
		'active', CASE WHEN random() < 0.5 THEN true END,
		'birthDate', (ARRAY['1971', '1972-03', '1973-04-05', NULL])[1 + (nextval('pg_temp.birth_dates') % 4)::int],
		'name', (SELECT jsonb_agg(jsonb_build_object('family', (ARRAY['Ash', 'Birch', 'Cedar', 'Dogwood'])[1 + floor(random() * 4)::int],
			'given', jsonb_build_array('G' || n))) FROM generate_series(1, floor(random() * 4)::int) n)))
$$;
\set view '{"name":"prop","resource":"Practitioner","where":[{"path":"id.startsWith(''prop-'')"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"gender","path":"gender","type":"code"},{"name":"active","path":"active","type":"boolean"},{"name":"born","path":"birthDate"}]},{"forEachOrNull":"name","column":[{"name":"family","path":"family"},{"name":"given","path":"given","collection":true}]}]}'
SELECT hdl.create_mart('prop_inc', :'view')::text, hdl.create_mart('prop_full', :'view')::text;
-- rows in the incremental mart, rows missing from it, rows it has in excess
CREATE FUNCTION pg_temp.compare(OUT mart_rows bigint, OUT missing bigint, OUT extra bigint) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM hdl.refresh_mart('prop_full', 'full');
	SELECT count(*) INTO mart_rows FROM mart.prop_inc;
	SELECT count(*) INTO missing FROM (SELECT * FROM mart.prop_full EXCEPT ALL SELECT * FROM mart.prop_inc) d;
	SELECT count(*) INTO extra FROM (SELECT * FROM mart.prop_inc EXCEPT ALL SELECT * FROM mart.prop_full) d;
END
$$;
\set ingest 'SET ROLE regress_prop_feed; SELECT count(hdl.ingest(pg_temp.random_practitioner())) AS ingested FROM generate_series(1, 15); RESET ROLE;'
\set refresh 'SELECT hdl.refresh_mart(''prop_inc'') > 0 AS changed; SELECT * FROM pg_temp.compare();'
-- rounds of ingests committed before the refresh
:ingest :refresh
:ingest :ingest :refresh
:ingest :refresh
-- ingests in the refreshing transaction, after its refresh: the next refresh picks them up
BEGIN; SELECT hdl.refresh_mart('prop_inc') >= 0 AS refreshed; :ingest COMMIT;
:refresh
-- a rolled-back ingest changes nothing
BEGIN; :ingest ROLLBACK;
SELECT hdl.refresh_mart('prop_inc') AS changed; SELECT * FROM pg_temp.compare();
-- ingests before the refresh in its own transaction (the next refresh consumes that
-- transaction's changes again: harmless, and it would catch later writes of the transaction)
BEGIN; :ingest SELECT hdl.refresh_mart('prop_inc') > 0 AS changed; COMMIT;
SELECT * FROM pg_temp.compare();
-- a resource created in the refreshing transaction before its refresh is in the mart already:
-- the next refresh replaces its rows (a create normally needs no delete), never adds them twice
BEGIN;
SET ROLE regress_prop_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"prop-own-1","name":[{"family":"Elm","given":["A"]},{"family":"Oak"}]}') ->> 'id' AS created;
RESET ROLE;
SELECT hdl.refresh_mart('prop_inc') AS changed;
COMMIT;
:refresh
SELECT count(*) AS rows_of_own_create FROM mart.prop_inc WHERE _resource_key = 'Practitioner/prop-own-1';
-- a create by another transaction: rows inserted, none deleted
SET ROLE regress_prop_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"prop-new-1","name":[{"family":"Yew"}]}') ->> 'id' AS created;
RESET ROLE;
SELECT hdl.refresh_mart('prop_inc') AS changed;
SELECT last_refresh_changes, detail ->> 'rows_deleted' AS rows_deleted FROM hdl.mart,
	LATERAL (SELECT detail FROM hdl_audit.log WHERE event = 'mart_refresh' AND subject = 'mart.prop_inc' ORDER BY entry_id DESC LIMIT 1) a
WHERE name = 'prop_inc';
SELECT * FROM pg_temp.compare();
-- a rolled-back refresh leaves its watermark where it was
:ingest
BEGIN; SELECT hdl.refresh_mart('prop_inc') > 0 AS changed; ROLLBACK;
:refresh
:ingest :ingest :ingest :refresh
-- nothing new: nothing changes
SELECT hdl.refresh_mart('prop_inc') AS changed;
SELECT count(DISTINCT _resource_key) AS resources, count(*) AS mart_rows FROM mart.prop_inc;
-- the inferred date column is typed in both marts, its FHIR text alongside: the same rows
SELECT born_text, to_char(born, 'YYYY-MM-DD') AS born, count(*) > 0 AS present FROM (SELECT born, born_text FROM mart.prop_inc UNION ALL SELECT born, born_text FROM mart.prop_full) b
GROUP BY 1, 2 ORDER BY 1;
SELECT format_type(atttypid, atttypmod) AS born_type FROM pg_attribute WHERE attrelid = 'mart.prop_inc'::regclass AND attname = 'born';
-- a type kept in the default partitions together with other types (Basic): the same contract
SELECT hdl.create_mart('prop_basic', '{"name":"basic","resource":"Basic","where":[{"path":"id.startsWith(''prop-'')"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"code","path":"code.text"}]}]}')::text;
SET ROLE regress_prop_feed;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Basic', 'id', 'prop-b' || n, 'code', jsonb_build_object('text', 'v1')))) AS ingested
FROM generate_series(1, 3) n;
RESET ROLE;
SELECT hdl.refresh_mart('prop_basic') AS changed;
SET ROLE regress_prop_feed;
SELECT hdl.ingest('{"resourceType":"Basic","id":"prop-b2","code":{"text":"v2"}}') #>> '{meta,versionId}' AS version,
	hdl.ingest('{"resourceType":"Basic","id":"prop-b4","code":{"text":"v1"}}') #>> '{meta,versionId}' AS created;
RESET ROLE;
SELECT hdl.refresh_mart('prop_basic') AS changed;
SELECT * FROM mart.prop_basic ORDER BY id;
SELECT hdl.drop_mart('prop_inc'), hdl.drop_mart('prop_full'), hdl.drop_mart('prop_basic');

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
