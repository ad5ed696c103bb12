-- The shared Synthea data (FHIR R4 transaction and batch Bundles, and FHIR Bulk NDJSON) ingests
-- with zero rejections, and no patient's direct identifier reaches the lake. Needs ../shared:
-- without it the test says so and checks nothing (expected/ingest_synthea_1.out).
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\getenv shared HDL_SHARED_DIR
\if :{?shared}
\else
\set shared :abs_srcdir/../shared
\endif
SELECT coalesce((pg_stat_file(:'shared' || '/data/synthea/ndjson', true)).isdir, false) AS present \gset
\set ECHO all
\if :present
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_synthea IN ROLE hdl_provider;
CREATE ROLE regress_synthea_bulk IN ROLE hdl_provider;
SELECT hdl.register_source('regress_synthea', 'SYN1', 'Synthea transaction feed') > 0 AS registered;
SELECT hdl.register_source('regress_synthea_bulk', 'SYN2', 'Synthea bulk export') > 0 AS registered;
\set ECHO none
SELECT :'shared' || '/data/synthea' AS dir \gset
\set ECHO all
-- Batch Bundles of organisations and practitioners first (the 2025 patients refer to them
-- conditionally), then the patients' transaction Bundles.
CREATE TEMP TABLE bundle_files AS
SELECT d || '/' || f AS path, f ~ '^(hospital|practitioner)Information' AS reference_data
FROM unnest(ARRAY[:'dir' || '/bundles/synthea-v2.4-2019', :'dir' || '/bundles/synthea-master-2025']) d,
     LATERAL pg_ls_dir(d) f WHERE f LIKE '%.json';
CREATE TEMP TABLE outcomes(kind text, file text, line int, status text, message text);
GRANT ALL ON outcomes TO regress_synthea;
CREATE TEMP TABLE bundle_docs AS
SELECT path, reference_data, pg_read_file(path)::jsonb AS doc FROM bundle_files;
GRANT SELECT ON bundle_docs TO regress_synthea;
SET ROLE regress_synthea;
DO $$
DECLARE
	b record;
	resp jsonb;
BEGIN
	FOR b IN SELECT * FROM bundle_docs ORDER BY NOT reference_data, path LOOP
		BEGIN
			resp := hdl.ingest_bundle(b.doc);
			INSERT INTO outcomes SELECT 'bundle', b.path, e.ord, e.entry -> 'response' ->> 'status',
				e.entry -> 'response' -> 'outcome' -> 'issue' -> 0 ->> 'diagnostics'
			FROM jsonb_array_elements(resp -> 'entry') WITH ORDINALITY e(entry, ord);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO outcomes VALUES ('bundle', b.path, NULL, 'ERROR', SQLERRM);
		END;
	END LOOP;
END $$;
RESET ROLE;
-- NDJSON: one resource a line, referenced resources first.
CREATE TEMP TABLE ndjson AS
SELECT f AS file, n AS line, l::jsonb AS resource,
       array_position(ARRAY['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Patient', 'Encounter'],
                      split_part(f, '.', 1)) AS rank
FROM pg_ls_dir(:'dir' || '/ndjson') f,
     LATERAL regexp_split_to_table(pg_read_file(:'dir' || '/ndjson/' || f), E'\n') WITH ORDINALITY t(l, n)
WHERE f LIKE '%.ndjson' AND f <> 'log.ndjson' AND l <> '';
GRANT SELECT ON ndjson TO regress_synthea_bulk;
GRANT ALL ON outcomes TO regress_synthea_bulk;
SET ROLE regress_synthea_bulk;
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM ndjson ORDER BY coalesce(rank, 99), file, line LOOP
		BEGIN
			PERFORM hdl.ingest(r.resource);
			INSERT INTO outcomes VALUES ('ndjson', r.file, r.line, 'stored', NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO outcomes VALUES ('ndjson', r.file, r.line, 'ERROR', SQLERRM);
		END;
	END LOOP;
END $$;
RESET ROLE;
SELECT kind, count(*) AS entries, count(*) FILTER (WHERE status ~ '^(200|201|stored)') AS stored,
       count(*) FILTER (WHERE status !~ '^(200|201)' AND status <> 'stored') AS rejected
FROM outcomes GROUP BY kind ORDER BY kind;
SELECT kind, file, line, status, left(message, 300) AS message FROM outcomes
WHERE status !~ '^(200|201)' AND status <> 'stored' ORDER BY 1, 2, 3 LIMIT 20;
-- every resource of the NDJSON files is in the lake, one current version each
SELECT count(*) = (SELECT count(*) FROM ndjson) AS all_ndjson_stored
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id) WHERE s.org_code = 'SYN2';

-- no direct identifier of any Synthea patient is in the lake: identifier values, full names,
-- telecom values, address lines and exact birth dates (Synthea reuses single name tokens for
-- practitioners, so names are matched whole)
CREATE TEMP TABLE patients AS
SELECT p FROM (SELECT resource AS p FROM ndjson WHERE resource ->> 'resourceType' = 'Patient'
               UNION ALL
               SELECT e -> 'resource' FROM bundle_docs, jsonb_array_elements(doc -> 'entry') e
               WHERE e -> 'resource' ->> 'resourceType' = 'Patient') s;
CREATE TEMP TABLE secrets AS
SELECT DISTINCT s FROM (
	SELECT jsonb_array_elements(p -> 'identifier') ->> 'value' AS s FROM patients
	UNION ALL SELECT (n -> 'given' ->> 0) || ' ' || (n ->> 'family') FROM patients, jsonb_array_elements(p -> 'name') n
	UNION ALL SELECT jsonb_array_elements(p -> 'telecom') ->> 'value' FROM patients
	UNION ALL SELECT jsonb_array_elements_text(jsonb_array_elements(p -> 'address') -> 'line') FROM patients
	UNION ALL SELECT '"' || (p ->> 'birthDate') || '"' FROM patients) x
WHERE s IS NOT NULL AND length(s) >= 4;
SELECT count(*) > 100 AS enough_secrets FROM secrets;
CREATE TEMP TABLE lake_text AS
SELECT resource_type || '/' || id AS key, resource::text AS doc FROM hdl_lake.resource_history;
SELECT count(*) AS leaks, min(s) AS example
FROM secrets JOIN lake_text ON position(s IN doc) > 0;
-- ... nor in what the starter marts would hold (every row of every starter ViewDefinition)
SELECT count(*) > 1000 AS mart_rows_checked, count(*) FILTER (WHERE EXISTS (
	SELECT 1 FROM secrets WHERE position(s IN r::text) > 0)) AS mart_rows_with_leaks
FROM hdl.starter_views() v, LATERAL hdl.view_run(v.view) r;
\else
SELECT 'skipped: ../shared/data/synthea is absent; this test needs the shared Synthea data' AS ingest_synthea;
\endif

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
