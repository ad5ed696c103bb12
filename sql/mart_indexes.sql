-- Mart column types and indexes (issue 18): columns without a type get the R4 element type of
-- their path; date/dateTime columns are typed (the start of a partial value's period) with the
-- FHIR text in <name>_text; every mart has indexes on its patient key and main time column,
-- which hdl.mart_set_indexes changes, and a cohort query joining two marts can use them.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_idx_feed IN ROLE hdl_provider;
CREATE ROLE regress_idx_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_idx_analyst IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_idx_feed', 'IDX1', 'index test feed') > 0 AS registered;
SET ROLE regress_idx_feed;
SELECT count(*) AS entries FROM jsonb_array_elements(hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:10000000-0000-4000-8000-000000000001","resource":{"resourceType":"Patient",
   "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000026"}],"gender":"male","birthDate":"1970-01-01"},
   "request":{"method":"POST","url":"Patient"}},
 {"resource":{"resourceType":"Condition","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006","display":"Diabetes"}]},
   "subject":{"reference":"urn:uuid:10000000-0000-4000-8000-000000000001"},"onsetDateTime":"2019"},"request":{"method":"POST","url":"Condition"}},
 {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4","display":"HbA1c"}]},
   "subject":{"reference":"urn:uuid:10000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2024-05",
   "valueQuantity":{"value":48.5,"unit":"mmol/mol"}},"request":{"method":"POST","url":"Observation"}},
 {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4","display":"HbA1c"}]},
   "subject":{"reference":"urn:uuid:10000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2024-09-03T08:30:00+01:00",
   "valueQuantity":{"value":52,"unit":"mmol/mol"},"component":[{"code":{"text":"x"}}]},"request":{"method":"POST","url":"Observation"}},
 {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4","display":"HbA1c"}]},
   "subject":{"reference":"urn:uuid:10000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2023-12-31",
   "valueQuantity":{"value":47,"unit":"mmol/mol"}},"request":{"method":"POST","url":"Observation"}}]}') -> 'entry');
RESET ROLE;

SET ROLE regress_idx_engineer;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
-- 1. types inferred from the R4 elements of the paths (no "type" given)
\set inferred '{"name":"obs_inferred","resource":"Observation","where":[{"path":"meta.source = ''IDX1''"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"patient","path":"subject.getReferenceKey(Patient)"},{"name":"v","path":"value.ofType(Quantity).value"},{"name":"t","path":"effective.ofType(dateTime)"},{"name":"components","path":"component.count()"},{"name":"has_value","path":"value.exists()"},{"name":"as_text","path":"effective.ofType(dateTime)","tag":[{"name":"postgres/type","value":"text"}]},{"name":"code","path":"code"}]}]}'
SELECT name, fhir_type, sql_type, text_column, patient_key FROM hdl._sof_columns(:'inferred') ORDER BY ordinal;
SELECT hdl.create_mart('mart_idx.obs_inferred', :'inferred')::text;
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS sql_type FROM pg_attribute a
WHERE a.attrelid = 'mart_idx.obs_inferred'::regclass AND a.attnum > 0 ORDER BY a.attnum;
-- partial dateTimes are the start of their period (at UTC); the text keeps the precision
SELECT v, t, t_text, components, has_value, as_text FROM mart_idx.obs_inferred ORDER BY t;
-- the JSON output keeps FHIR text (the SQL-on-FHIR suite compares it)
SELECT r ->> 't' AS t, r ->> 'v' AS v FROM hdl.view_run(:'inferred') r ORDER BY 1;
-- incremental and full refresh give the same typed rows
RESET ROLE;
SELECT jsonb_set(r.resource - 'meta', '{effectiveDateTime}', '"2022"') AS upd FROM hdl_lake.resource r
WHERE r.resource_type = 'Observation' AND r.resource ->> 'effectiveDateTime' = '2023-12-31' AND r.resource -> 'meta' ->> 'source' = 'IDX1' \gset
SET ROLE regress_idx_feed;
SELECT hdl.ingest(:'upd') ->> 'resourceType' AS updated;
RESET ROLE;
SET ROLE regress_idx_engineer;
SELECT hdl.refresh_mart('mart_idx.obs_inferred') AS changed;
CREATE TEMP TABLE incremental AS SELECT * FROM mart_idx.obs_inferred;
SELECT hdl.refresh_mart('mart_idx.obs_inferred', 'full') > 0 AS rebuilt;
SELECT (SELECT count(*) FROM (TABLE incremental EXCEPT ALL TABLE mart_idx.obs_inferred) a) AS missing,
	(SELECT count(*) FROM (TABLE mart_idx.obs_inferred EXCEPT ALL TABLE incremental) b) AS extra,
	(SELECT count(*) FROM incremental WHERE t = '2022-01-01' AND t_text = '2022') AS updated_row;
-- a column whose <name>_text is taken cannot be a typed time column
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('mart_idx.clash', '{"resource":"Observation","select":[{"column":[{"name":"t","path":"issued.toString()"},{"name":"t_text","path":"id"},{"name":"e","path":"effective.ofType(dateTime)"},{"name":"e_text","path":"id"}]}]}')$$);

-- 2. indexes: defaults are the patient key and the first date/time column
SELECT name, index_columns FROM hdl.mart WHERE name = 'mart_idx.obs_inferred';
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'mart_idx' AND tablename = 'obs_inferred' ORDER BY 1;
SELECT hdl.create_mart('mart_idx.observations', v.view)::text FROM hdl.starter_views() v WHERE v.name = 'observations';
SELECT hdl.create_mart('mart_idx.conditions', v.view)::text FROM hdl.starter_views() v WHERE v.name = 'conditions';
SELECT name, index_columns FROM hdl.mart WHERE name LIKE 'mart_idx.%' ORDER BY 1;
-- changing them: validated
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes('mart_idx.observations', ARRAY['no_such_column'])$$);
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes('mart_idx.observations', ARRAY['_resource_key'])$$);
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes('mart_idx.observations', ARRAY['code', 'code'])$$);
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes('mart_idx.observations', ARRAY['code', NULL])$$);
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes('mart_idx.observations', NULL)$$);
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes(NULL, '{}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes('mart_idx.nothing', '{}')$$);
SELECT hdl.mart_set_indexes('mart_idx.observations', ARRAY['code', 'patient_id', 'effective_time']);
SELECT indexname FROM pg_indexes WHERE schemaname = 'mart_idx' AND tablename = 'observations' ORDER BY 1;
SELECT hdl.mart_set_indexes('mart_idx.observations', '{}');
SELECT indexname FROM pg_indexes WHERE schemaname = 'mart_idx' AND tablename = 'observations' ORDER BY 1;
SELECT hdl.mart_set_indexes('mart_idx.observations', ARRAY['patient_id', 'effective_time']);
SELECT index_columns FROM hdl.mart WHERE name = 'mart_idx.observations';
RESET ROLE;
SELECT event, detail FROM hdl_audit.log WHERE event = 'mart_indexes' AND subject = 'mart_idx.observations' ORDER BY entry_id;
-- only engineers
SET ROLE regress_idx_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_indexes('mart_idx.observations', '{}')$$);
RESET ROLE;

-- 3. a full refresh rebuilds them (valid, and used), and a cohort query joining two marts by
-- patient and filtering on time can use them (docs/marts.md shows this query)
SET ROLE regress_idx_engineer;
SELECT hdl.refresh_mart('mart_idx.observations', 'full') > 0 AS rebuilt, hdl.refresh_mart('mart_idx.conditions', 'full') > 0 AS rebuilt;
SELECT c.relname AS index, x.indisvalid AS valid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
WHERE x.indrelid IN ('mart_idx.observations'::regclass, 'mart_idx.conditions'::regclass) ORDER BY 1;
RESET ROLE;
SET ROLE regress_idx_analyst;
SET enable_seqscan = off;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
-- the indexes the plan uses (its shape, index or bitmap scans, which side drives the nested
-- loop, varies with a tiny table's statistics: docs/marts.md shows one)
CREATE FUNCTION pg_temp.plan_indexes(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON, COSTS OFF) ' || query INTO plan;
	RETURN (SELECT string_agg(DISTINCT m[1], ', ' ORDER BY m[1]) FROM regexp_matches(plan::text, '"Index Name": "([^"]+)"', 'g') m);
END $$;
SELECT pg_temp.plan_indexes($q$
SELECT c.patient_id, count(*) AS hba1c_2024
FROM mart_idx.conditions c JOIN mart_idx.observations o ON o.patient_id = c.patient_id
WHERE c.code = '44054006' AND o.code = '4548-4'
  AND o.effective_time >= '2024-01-01' AND o.effective_time < '2025-01-01'
GROUP BY c.patient_id$q$) AS cohort_query_uses;
SELECT pg_temp.mask(c.patient_id) AS patient_id, count(*) AS hba1c_2024, min(o.effective_time_text) AS first, max(o.effective_time_text) AS last
FROM mart_idx.conditions c JOIN mart_idx.observations o ON o.patient_id = c.patient_id
WHERE c.code = '44054006' AND o.code = '4548-4' AND c.source = 'IDX1'
  AND o.effective_time >= '2024-01-01' AND o.effective_time < '2025-01-01'
GROUP BY c.patient_id;
RESET enable_seqscan;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET ROLE;

SET ROLE regress_idx_engineer;
SELECT hdl.drop_mart(name) FROM hdl.mart WHERE name LIKE 'mart_idx.%' ORDER BY name;
RESET ROLE;
RESET TimeZone;
RESET DateStyle;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
SELECT * FROM pg_temp.catalog_mismatches();
