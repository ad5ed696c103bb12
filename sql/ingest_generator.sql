-- Data from the project's own generator (tools/hdl-synth: five provider feeds of one synthetic
-- population) ingests with zero rejections; a patient seen by several feeds links to one
-- pseudonym; no direct identifier reaches the lake. The test runs the generator itself
-- ($HDL_SYNTH, or build/tools/hdl-synth/hdl-synth from the CMake build that .ci/run makes;
-- make installcheck builds it when build/ is a CMake tree). Without a generator the test says
-- so and checks nothing (expected/ingest_generator_1.out).
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\getenv abs_builddir PG_ABS_BUILDDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\getenv synth HDL_SYNTH
\if :{?synth}
\else
\set synth :abs_srcdir/build/tools/hdl-synth/hdl-synth
\endif
\set present `test -x :synth && echo true || echo false`
\if :present
\set out :abs_builddir/results/synth
\set generated `rm -rf :out && :synth --patients 40 --seed 42 --format bundles --out :out --quiet && echo yes || echo no`
\set ECHO all
SELECT :'generated' AS generator_ran;
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE TEMP TABLE feeds(feed text, role name, org text);
INSERT INTO feeds VALUES ('gp', 'regress_gen_gp', 'B99001'), ('acute', 'regress_gen_acute', 'R9N'),
	('ambulance', 'regress_gen_ambulance', 'R9A'), ('nhs111', 'regress_gen_111', 'R9C'),
	('mental-health', 'regress_gen_mh', 'R9M');
DO $$
DECLARE f record;
BEGIN
	FOR f IN SELECT * FROM feeds LOOP
		EXECUTE format('CREATE ROLE %I IN ROLE hdl_provider', f.role);
		PERFORM hdl.register_source(f.role, f.org, 'generator feed ' || f.feed);
	END LOOP;
END $$;
SELECT :'out' AS out \gset
CREATE TEMP TABLE bundles AS
SELECT f.feed, f.role, n AS line, l::jsonb AS bundle
FROM feeds f, LATERAL regexp_split_to_table(pg_read_file(:'out' || '/' || f.feed || '.bundles.ndjson'), E'\n')
	WITH ORDINALITY t(l, n)
WHERE l <> '';
SELECT feed, count(*) AS bundles FROM bundles GROUP BY feed ORDER BY feed;
CREATE TEMP TABLE outcomes(feed text, line int, status text, message text);
GRANT SELECT ON bundles TO hdl_provider;
GRANT INSERT ON outcomes TO hdl_provider;
-- each feed submits its own bundles, as its own role
CREATE FUNCTION pg_temp.submit(feed_name text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	b record;
	resp jsonb;
BEGIN
	FOR b IN SELECT * FROM bundles WHERE feed = feed_name ORDER BY line LOOP
		BEGIN
			resp := hdl.ingest_bundle(b.bundle);
			INSERT INTO outcomes SELECT b.feed, b.line, e -> 'response' ->> 'status', NULL
			FROM jsonb_array_elements(resp -> 'entry') e;
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO outcomes VALUES (b.feed, b.line, 'ERROR', SQLERRM);
		END;
	END LOOP;
END $$;
SET ROLE regress_gen_gp;
SELECT pg_temp.submit('gp');
SET ROLE regress_gen_acute;
SELECT pg_temp.submit('acute');
SET ROLE regress_gen_ambulance;
SELECT pg_temp.submit('ambulance');
SET ROLE regress_gen_111;
SELECT pg_temp.submit('nhs111');
SET ROLE regress_gen_mh;
SELECT pg_temp.submit('mental-health');
RESET ROLE;
SELECT feed, count(*) FILTER (WHERE status ~ '^20[01]') AS accepted, count(*) FILTER (WHERE status !~ '^20[01]') AS rejected
FROM outcomes GROUP BY feed ORDER BY feed;
SELECT feed, line, status, left(message, 200) AS message FROM outcomes WHERE status !~ '^20[01]' LIMIT 5;

-- one pseudonym per person, however many feeds saw them
CREATE TEMP TABLE nhs AS
SELECT DISTINCT i ->> 'value' AS nhs_number, b.feed
FROM bundles b, jsonb_array_elements(b.bundle -> 'entry') e, jsonb_array_elements(e -> 'resource' -> 'identifier') i
WHERE e -> 'resource' ->> 'resourceType' = 'Patient' AND i ->> 'system' = 'https://fhir.nhs.uk/Id/nhs-number';
SELECT count(DISTINCT nhs_number) AS people, count(DISTINCT nhs_number) FILTER (WHERE feed <> 'gp') AS seen_by_other_feeds FROM nhs;
-- and one Patient record per person and feed (<ODS code>.<pseudonym prefix>, docs/ingest.md)
CREATE TEMP TABLE people AS SELECT nhs_number, hdl.pseudonymise(nhs_number) AS pseudonym FROM (SELECT DISTINCT nhs_number FROM nhs) n;
SELECT count(DISTINCT r.patient) = (SELECT count(*) FROM people) AS one_pseudonym_per_person,
       count(*) = (SELECT count(*) FROM nhs) AS one_record_per_person_and_feed,
       bool_and(r.id = s.org_code || '.' || left(r.patient, 63 - length(s.org_code))) AS ids_are_source_and_pseudonym
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id) JOIN people ON r.patient = people.pseudonym
WHERE r.resource_type = 'Patient';
-- linkage: each person's records come from exactly the feeds that sent the person
SELECT count(*) AS people_linked_otherwise FROM (
	SELECT p.pseudonym, array_agg(f.org ORDER BY f.org) AS orgs FROM nhs JOIN feeds f USING (feed) JOIN people p USING (nhs_number) GROUP BY 1) sent
FULL JOIN (
	SELECT r.patient AS pseudonym, array_agg(s.org_code ORDER BY s.org_code) AS orgs
	FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
	WHERE r.resource_type = 'Patient' AND s.org_code IN (SELECT org FROM feeds) GROUP BY 1) stored USING (pseudonym)
WHERE sent.orgs IS DISTINCT FROM stored.orgs;
-- patients seen by two or more feeds have records from each of them under one pseudonym
SELECT count(*) > 0 AS linked_across_feeds FROM (
	SELECT h.patient FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id)
	WHERE h.resource_type = 'Patient' AND s.org_code IN (SELECT org FROM feeds)
	GROUP BY h.patient HAVING count(DISTINCT s.org_code) >= 2) x;
-- every clinical resource of a feed sits in a patient's compartment
SELECT count(*) FILTER (WHERE r.patient IS NULL) AS outside_compartments
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE s.org_code IN (SELECT org FROM feeds)
  AND r.resource_type IN ('Encounter', 'Observation', 'Condition', 'MedicationRequest', 'Procedure', 'AllergyIntolerance');

-- no direct identifier of a generated patient appears in the lake
CREATE TEMP TABLE secrets AS
SELECT DISTINCT s FROM (
	SELECT i ->> 'value' AS s FROM bundles b, jsonb_array_elements(b.bundle -> 'entry') e,
		jsonb_array_elements(e -> 'resource' -> 'identifier') i WHERE e -> 'resource' ->> 'resourceType' = 'Patient'
	UNION ALL
	SELECT (n -> 'given' ->> 0) || ' ' || (n ->> 'family') FROM bundles b, jsonb_array_elements(b.bundle -> 'entry') e,
		jsonb_array_elements(e -> 'resource' -> 'name') n WHERE e -> 'resource' ->> 'resourceType' = 'Patient'
	UNION ALL
	SELECT t ->> 'value' FROM bundles b, jsonb_array_elements(b.bundle -> 'entry') e,
		jsonb_array_elements(e -> 'resource' -> 'telecom') t WHERE e -> 'resource' ->> 'resourceType' = 'Patient'
	UNION ALL
	SELECT a -> 'line' ->> 0 FROM bundles b, jsonb_array_elements(b.bundle -> 'entry') e,
		jsonb_array_elements(e -> 'resource' -> 'address') a WHERE e -> 'resource' ->> 'resourceType' = 'Patient'
	UNION ALL
	SELECT '"' || (e -> 'resource' ->> 'birthDate') || '"' FROM bundles b, jsonb_array_elements(b.bundle -> 'entry') e
		WHERE e -> 'resource' ->> 'resourceType' = 'Patient') x
WHERE s IS NOT NULL;
SELECT count(*) > 100 AS enough_secrets FROM secrets;
SELECT count(*) AS leaks, min(s) AS example
FROM secrets JOIN hdl_lake.resource_history h ON position(s IN h.resource::text) > 0;
-- ... nor in what the starter marts would hold (every row of every starter ViewDefinition)
SELECT count(*) > 1000 AS mart_rows_checked, count(*) FILTER (WHERE EXISTS (
	SELECT 1 FROM secrets WHERE position(s IN r::text) > 0)) AS mart_rows_with_leaks
FROM hdl.starter_views() v, LATERAL hdl.view_run(v.view) r;
\else
\set ECHO all
SELECT 'skipped: the generator tools/hdl-synth is not built (cmake -S . -B build && cmake --build build --target hdl-synth, or set HDL_SYNTH)' AS ingest_generator;
\endif

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
