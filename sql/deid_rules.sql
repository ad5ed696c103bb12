-- The test generated from the de-identification rule table (issue #16): tools/fhir-tables
-- writes test/data/deid_rule_instances.json from the same rules as src/core/pseudo/deid_rules.inc,
-- one instance per rule and place (top level, contained, in a stored collection Bundle, in
-- Parameters), each with the identifying strings it carries. All are ingested (none may be
-- rejected), then every table and view hdl_engineer or hdl_analyst can read is scanned for
-- those strings: none may be found, and the vault holds them.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_deid_rules IN ROLE hdl_provider;
SELECT hdl.register_source('regress_deid_rules', 'DEIDRULES', 'Generated de-identification rule instances') > 0 AS registered;
CREATE TEMP TABLE instances AS
SELECT ord, i ->> 'rule' AS rule, i ->> 'place' AS place, i -> 'resource' AS resource, i -> 'secrets' AS secrets
FROM jsonb_array_elements(pg_read_file(:'abs_srcdir' || '/test/data/deid_rule_instances.json')::jsonb -> 'instances')
     WITH ORDINALITY AS x(i, ord);
CREATE TEMP TABLE base AS
SELECT pg_read_file(:'abs_srcdir' || '/test/data/deid_rule_instances.json')::jsonb -> 'patient' AS patient;
CREATE TEMP TABLE rejected(ord bigint, rule text, place text, error text);
GRANT SELECT ON instances, base TO regress_deid_rules;
GRANT INSERT ON rejected TO regress_deid_rules;
-- every rule of the table has instances, in every place
SELECT place, count(*) AS instances, count(DISTINCT rule) AS rules FROM instances GROUP BY 1 ORDER BY 1;
SELECT count(*) AS person_types FROM (SELECT DISTINCT split_part(rule, '.', 1) FROM instances) t;

SET ROLE regress_deid_rules;
SELECT hdl.ingest_bundle(jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction', 'entry', jsonb_build_array(
	jsonb_build_object('resource', patient, 'request', jsonb_build_object('method', 'PUT', 'url', 'Patient/' || (patient ->> 'id'))))))
	-> 'entry' -> 0 -> 'response' ->> 'status' AS base_patient FROM base;
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM instances ORDER BY ord LOOP
		BEGIN
			PERFORM hdl.ingest_bundle(jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction', 'entry', jsonb_build_array(
				jsonb_build_object('resource', r.resource, 'request', jsonb_build_object('method', 'POST', 'url', r.resource ->> 'resourceType')))));
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO rejected VALUES (r.ord, r.rule, r.place, SQLERRM);
		END;
	END LOOP;
END $$;
RESET ROLE;
SELECT * FROM rejected ORDER BY ord;

-- the scan: one regular expression of every secret per relation, then which ones matched
CREATE TEMP TABLE secrets AS SELECT DISTINCT s FROM instances, jsonb_array_elements_text(secrets) AS s;
SELECT count(*) > 300 AS many_secrets FROM secrets;
CREATE TEMP TABLE leaks(tbl text, secret text);
DO $$
DECLARE
	t record;
	n bigint;
	pattern text := (SELECT string_agg(regexp_replace(s, '([^A-Za-z0-9 -])', '\\\1', 'g'), '|') FROM secrets);
BEGIN
	FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
	         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ns.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
	           AND (has_table_privilege('hdl_engineer', c.oid, 'SELECT') OR has_table_privilege('hdl_analyst', c.oid, 'SELECT'))
	LOOP
		EXECUTE format('SELECT count(*) FROM %s x WHERE x::text ~ %L', t.rel, pattern) INTO n;
		IF n > 0 THEN
			EXECUTE format('INSERT INTO leaks SELECT %L, s FROM pg_temp.secrets WHERE EXISTS (SELECT 1 FROM %s x WHERE strpos(x::text, s) > 0)',
			               t.rel, t.rel);
		END IF;
	END LOOP;
END $$;
SELECT * FROM leaks ORDER BY 1, 2;
-- the scan can see: the same expression finds the instances themselves
SELECT count(*) = (SELECT count(*) FROM instances WHERE jsonb_array_length(secrets) > 0) AS scan_finds_secrets
FROM instances WHERE resource::text ~ (SELECT string_agg(regexp_replace(s, '([^A-Za-z0-9 -])', '\\\1', 'g'), '|') FROM secrets);
-- what left went to the vault: one row per stored resource that held a person's identity
SELECT split_part(subject, '/', 1) AS subject_type, count(*) AS vault_rows FROM hdl_vault.identity
WHERE source_id = (SELECT source_id FROM hdl.source WHERE org_code = 'DEIDRULES') GROUP BY 1 ORDER BY 1;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
