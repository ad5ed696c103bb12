-- The catalogue: sources, batches, resource types and element paths, kept per ingest batch,
-- equal to the counts computed from hdl_lake itself (before and after compaction), with
-- COMMENTs on every view and column, readable by the roles that need it.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_cat_feed IN ROLE hdl_provider;
CREATE ROLE regress_cat_analyst IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_cat_feed', 'CAT1', 'Catalogue test feed') > 0 AS registered;

-- the element walk of one resource: members with ".", array items with "[]"
SELECT * FROM hdl.catalog_element_paths('{"resourceType":"Flag","status":"active","code":{"coding":[{"code":"a"},{"code":1}],"text":null},"extension":[[true]]}');
SELECT count(*) AS paths_of_a_scalar FROM hdl.catalog_element_paths('"text"');

-- generated data: 24 patients in transaction Bundles (a patient, encounters, observations of
-- several value types, flags), then updates of some, then a batch Bundle with a rejected entry
SET ROLE regress_cat_feed;
DO $$
DECLARE
	entries jsonb;
BEGIN
	FOR i IN 1..24 LOOP
		entries := jsonb_build_array(jsonb_build_object(
			'resource', jsonb_build_object('resourceType', 'Patient', 'id', 'cat-p' || i,
				'identifier', jsonb_build_array(jsonb_build_object('system', 'https://cat.example/mrn', 'value', 'MRN' || i)),
				'gender', CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END)
				|| CASE WHEN i % 3 = 0 THEN '{"active": true}'::jsonb ELSE '{}'::jsonb END,
			'request', jsonb_build_object('method', 'PUT', 'url', 'Patient/cat-p' || i)));
		FOR k IN 1..(i % 4) + 1 LOOP
			entries := entries || jsonb_build_array(jsonb_build_object(
				'resource', jsonb_build_object('resourceType', 'Observation', 'id', 'cat-o' || i || '-' || k, 'status', 'final',
					'code', jsonb_build_object('text', 'measure ' || k), 'subject', jsonb_build_object('reference', 'Patient/cat-p' || i))
					|| CASE k % 3 WHEN 0 THEN jsonb_build_object('valueQuantity', jsonb_build_object('value', i * 1.5, 'unit', 'kg'))
					             WHEN 1 THEN jsonb_build_object('valueString', 'ok')
					             ELSE jsonb_build_object('valueBoolean', i % 2 = 0) END,
				'request', jsonb_build_object('method', 'PUT', 'url', 'Observation/cat-o' || i || '-' || k)));
		END LOOP;
		IF i % 5 = 0 THEN
			entries := entries || jsonb_build_array(jsonb_build_object(
				'resource', jsonb_build_object('resourceType', 'Flag', 'id', 'cat-f' || i, 'status', 'active',
					'code', jsonb_build_object('text', 'falls risk'), 'subject', jsonb_build_object('reference', 'Patient/cat-p' || i)),
				'request', jsonb_build_object('method', 'PUT', 'url', 'Flag/cat-f' || i)));
		END IF;
		PERFORM hdl.ingest_bundle(jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction', 'entry', entries));
	END LOOP;
	FOR i IN 1..6 LOOP
		PERFORM hdl.ingest(jsonb_build_object('resourceType', 'Flag', 'id', 'cat-f' || (i * 5 % 25), 'status', 'inactive',
			'code', jsonb_build_object('text', 'falls risk'), 'subject', jsonb_build_object('reference', 'Patient/cat-p' || (i * 5 % 25)),
			'period', jsonb_build_object('end', '2024-01-0' || i)))
		WHERE i * 5 % 25 > 0;
	END LOOP;
END
$$;
SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Flag","id":"cat-f99","status":"active","code":{"text":"x"},"subject":{"reference":"Patient/cat-p1"}},"request":{"method":"PUT","url":"Flag/cat-f99"}},
 {"resource":{"resourceType":"Flag","id":"cat-f98","status":"bogus","code":{"text":"x"},"subject":{"reference":"Patient/cat-p1"}},"request":{"method":"PUT","url":"Flag/cat-f98"}}]}') -> 'entry' -> 1 -> 'response' ->> 'status' AS rejected_status;
RESET ROLE;

-- sources and batches
SELECT organisation, display, role_name, is_gateway, first_ingest <= last_ingest AS ordered, batches, versions_stored, rejected
FROM hdl.catalog_sources WHERE organisation = 'CAT1';
SELECT kind, count(*) AS batches, sum(stored) AS stored, sum(rejected) AS rejected
FROM hdl.catalog_batches WHERE organisation = 'CAT1' GROUP BY kind ORDER BY kind;
SELECT (SELECT count(*) FROM hdl.catalog_batches) = (SELECT count(*) FROM hdl.ingest_batch) AS every_batch_listed;
SELECT resources_by_type FROM hdl.catalog_batches WHERE organisation = 'CAT1' ORDER BY batch_id LIMIT 2;

-- the catalogue equals the lake: current resources, versions and last update per type, and
-- element paths with JSON types and version counts computed independently (recursive SQL)
CREATE FUNCTION pg_temp.type_mismatches() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM (SELECT resource_type, count(*) AS n, max(last_updated) AS lu FROM hdl_lake.resource GROUP BY 1) r
	FULL JOIN (SELECT resource_type, count(*) AS v FROM hdl_lake.resource_history GROUP BY 1) h USING (resource_type)
	FULL JOIN hdl.catalog_resource_types c USING (resource_type)
	WHERE c.resources IS DISTINCT FROM r.n OR c.versions IS DISTINCT FROM h.v OR c.last_updated IS DISTINCT FROM r.lu $$;
CREATE FUNCTION pg_temp.element_mismatches() RETURNS bigint LANGUAGE sql AS $$
	WITH RECURSIVE walk(rt, version_key, path, v) AS (
		SELECT resource_type, resource_type || '/' || id || '/' || version, resource_type, resource FROM hdl_lake.resource_history
		UNION ALL
		SELECT w.rt, w.version_key, w.path || CASE WHEN e.key IS NULL THEN '[]' ELSE '.' || e.key END, e.value
		FROM walk w, LATERAL (SELECT key, value FROM jsonb_each(CASE WHEN jsonb_typeof(w.v) = 'object' THEN w.v END)
		                      UNION ALL
		                      SELECT NULL, value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(w.v) = 'array' THEN w.v END)) e),
	real AS (SELECT rt, path, jsonb_typeof(v) AS json_type, count(DISTINCT version_key) AS versions
	         FROM walk WHERE path <> rt GROUP BY 1, 2, 3)
	SELECT count(*) FROM real r FULL JOIN hdl.catalog_elements c
		ON c.resource_type = r.rt AND c.path = r.path AND c.json_type = r.json_type
	WHERE c.versions IS DISTINCT FROM r.versions $$;
SELECT pg_temp.type_mismatches() AS type_mismatches, pg_temp.element_mismatches() AS element_mismatches;
SELECT resource_type, resources, versions FROM hdl.catalog_resource_types WHERE resource_type = 'Flag';
SELECT path, json_type, versions, percent_of_versions FROM hdl.catalog_elements WHERE resource_type = 'Flag' ORDER BY path, json_type;
-- compaction folds the increments into the totals and changes no count
SELECT hdl.catalog_compact() > 0 AS compacted;
SELECT count(*) AS increments_left FROM hdl.catalog_delta;
SELECT pg_temp.type_mismatches() AS type_mismatches, pg_temp.element_mismatches() AS element_mismatches;
-- ingest calls run with scans priced out; the compaction they start reads every increment with a
-- sequential scan, and nothing of theirs starts JIT compilation (it cost 4x the fold itself)
SELECT p.oid::regprocedure AS function, p.proconfig FROM pg_proc p
WHERE p.oid IN ('hdl.catalog_compact()'::regprocedure, 'hdl.ingest(jsonb, text)'::regprocedure,
	'hdl.ingest_bundle(jsonb, text)'::regprocedure, 'hdl._mart_refresh(text, text)'::regprocedure) ORDER BY 1::text;
-- a rolled-back ingest leaves no count behind
BEGIN;
SET LOCAL ROLE regress_cat_feed;
SELECT hdl.ingest('{"resourceType":"Flag","status":"active","code":{"text":"gone"},"subject":{"reference":"Patient/cat-p2"}}') IS NOT NULL AS stored;
ROLLBACK;
SELECT pg_temp.type_mismatches() AS type_mismatches;

-- every catalogue view and column has a COMMENT
SELECT c.relname, count(*) FILTER (WHERE col_description(c.oid, a.attnum) IS NULL) AS uncommented_columns,
       obj_description(c.oid, 'pg_class') IS NOT NULL AS commented
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'hdl'::regnamespace AND c.relname LIKE 'catalog\_%' AND c.relkind = 'v'
GROUP BY c.oid, c.relname ORDER BY 1;

-- analysts see types and elements, not sources or batches; providers see none of it
SET ROLE regress_cat_analyst;
SELECT count(*) > 0 AS analyst_reads_types FROM hdl.catalog_resource_types;
SELECT count(*) > 0 AS analyst_reads_elements FROM hdl.catalog_elements;
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl.catalog_sources');
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl.catalog_delta');
RESET ROLE;
SET ROLE regress_cat_feed;
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl.catalog_elements');
SELECT pg_temp.regress_try('SELECT hdl.catalog_compact()');
RESET ROLE;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
