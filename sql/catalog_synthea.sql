-- The catalogue after the shared Synthea data (ingested by ingest_synthea): its sources,
-- batches, resource types and element paths equal what hdl_lake holds. Needs ../shared:
-- without it the test says so and checks nothing (expected/catalog_synthea_1.out).
\set ECHO none
\getenv shared HDL_SHARED_DIR
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/catalog_check.sql
\if :{?shared}
\else
\set shared :abs_srcdir/../shared
\endif
SELECT coalesce((pg_stat_file(:'shared' || '/data/synthea/ndjson', true)).isdir, false) AS present \gset
\set ECHO all
\if :present
-- the two Synthea feeds: batches and versions as the lake counts them
SELECT c.organisation, c.batches = b.n AS batches_match, c.versions_stored = h.n AS versions_match, c.versions_stored > 1000 AS substantial
FROM hdl.catalog_sources c
JOIN (SELECT source_id, count(*) AS n FROM hdl.ingest_batch GROUP BY 1) b USING (source_id)
JOIN (SELECT source_id, count(*) AS n FROM hdl_lake.resource_history GROUP BY 1) h USING (source_id)
WHERE c.organisation IN ('SYN1', 'SYN2') ORDER BY 1;
-- every resource type: current resources, versions and last update equal the lake's
SELECT count(*) > 10 AS many_types, count(*) FILTER (WHERE c.resources IS DISTINCT FROM r.n OR c.versions IS DISTINCT FROM h.v
                                                  OR c.last_updated IS DISTINCT FROM r.lu) AS mismatches
FROM (SELECT resource_type, count(*) AS n, max(last_updated) AS lu FROM hdl_lake.resource GROUP BY 1) r
FULL JOIN (SELECT resource_type, count(*) AS v FROM hdl_lake.resource_history GROUP BY 1) h USING (resource_type)
FULL JOIN hdl.catalog_resource_types c USING (resource_type);
-- every element path, JSON type and version count equals a recursive walk of every version
WITH RECURSIVE walk(rt, version_key, path, v) AS (
	SELECT resource_type, resource_type || '/' || id || '/' || version, resource_type, resource FROM hdl_lake.resource_history
	UNION ALL
	SELECT w.rt, w.version_key, w.path || CASE WHEN e.key IS NULL THEN '[]' ELSE '.' || e.key END, e.value
	FROM walk w, LATERAL (SELECT key, value FROM jsonb_each(CASE WHEN jsonb_typeof(w.v) = 'object' THEN w.v END)
	                      UNION ALL
	                      SELECT NULL, value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(w.v) = 'array' THEN w.v END)) e),
real AS (SELECT rt, path, jsonb_typeof(v) AS json_type, count(DISTINCT version_key) AS versions
         FROM walk WHERE path <> rt GROUP BY 1, 2, 3)
SELECT count(*) > 1000 AS many_elements, count(*) FILTER (WHERE c.versions IS DISTINCT FROM r.versions) AS mismatches
FROM real r FULL JOIN hdl.catalog_elements c ON c.resource_type = r.rt AND c.path = r.path AND c.json_type = r.json_type;
-- what a crawler learns about Synthea's Patients (pseudonymised: no names, no addresses); the
-- catalogue is per type, so the paths are those Synthea's Patients have (the generator's, from
-- ingest_generator when it runs, add their own)
WITH RECURSIVE walk(path, v) AS (
	SELECT 'Patient', h.resource FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id)
	WHERE h.resource_type = 'Patient' AND s.org_code IN ('SYN1', 'SYN2')
	UNION ALL
	SELECT w.path || CASE WHEN e.key IS NULL THEN '[]' ELSE '.' || e.key END, e.value
	FROM walk w, LATERAL (SELECT key, value FROM jsonb_each(CASE WHEN jsonb_typeof(w.v) = 'object' THEN w.v END)
	                      UNION ALL
	                      SELECT NULL, value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(w.v) = 'array' THEN w.v END)) e)
SELECT c.path, c.json_type FROM hdl.catalog_elements c
WHERE c.resource_type = 'Patient' AND c.path ~ '^Patient\.(name|address|birthDate|telecom|id)'
  AND EXISTS (SELECT 1 FROM walk w WHERE w.path = c.path AND jsonb_typeof(w.v) = c.json_type)
ORDER BY 1, 2;
\else
SELECT 'skipped: ../shared/data/synthea is absent; this test needs the shared Synthea data' AS catalog_synthea;
\endif

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
