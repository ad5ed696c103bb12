-- Invariants of the R4 definitions (issue #17 item 2), evaluated at level strict with hdl's FHIRPath
-- engine: per-1 (Period start after end), obs-6 (a value and a dataAbsentReason), obs-7, ref-1 (a
-- local reference without its contained resource), att-1 and que-2 are refused with SQLSTATE 22Z01 and
-- an OperationOutcome naming the key, the definition's text and the element; nothing is stored. At
-- level structure the same resources are accepted.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_vi IN ROLE hdl_provider;
SELECT hdl.register_source('regress_vi', 'VI1', 'Regress validation invariants') > 0 AS registered;
SET ROLE regress_vi;
SELECT hdl.ingest('{"resourceType":"Patient","id":"vi-p","gender":"female"}') IS NOT NULL AS patient;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Encounter","id":"vi-enc","status":"finished",
  "class":{"code":"AMB"},"subject":{"reference":"Patient/vi-p"},
  "period":{"start":"2024-03-02T10:00:00Z","end":"2024-03-01T10:00:00Z"}}')$$) AS per_1;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","id":"vi-obs","status":"final",
  "code":{"text":"weight"},"subject":{"reference":"Patient/vi-p"},
  "valueQuantity":{"value":70,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"},
  "dataAbsentReason":{"text":"not measured"}}')$$) AS obs_6;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","id":"vi-p2",
  "managingOrganization":{"reference":"#org1"}}')$$) AS ref_1;
-- the whole OperationOutcome of one refusal: key, text and element
SELECT jsonb_pretty(hdl.validate('{"resourceType":"Observation","status":"final",
  "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"valueString":"120/80",
  "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"valueString":"120"}]}')) AS obs_7;
-- several at once, each at its element
SELECT i ->> 'code' AS code, i -> 'expression' ->> 0 AS expression, i ->> 'diagnostics' AS diagnostics
FROM jsonb_path_query(hdl.validate('{"resourceType":"Questionnaire","status":"active",
  "item":[{"linkId":"a","type":"group","item":[{"linkId":"a","type":"string"}]}],
  "useContext":[{"code":{"code":"age"},"valueQuantity":{"value":18,"code":"a"}}]}'), '$.issue[*]') AS i ORDER BY 2;
-- in a transaction: one entry failing an invariant refuses the whole Bundle
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
  {"resource":{"resourceType":"Patient","id":"vi-p3"},"request":{"method":"PUT","url":"Patient/vi-p3"}},
  {"resource":{"resourceType":"DocumentReference","id":"vi-doc","status":"current","subject":{"reference":"Patient/vi-p3"},
   "content":[{"attachment":{"data":"SGVsbG8="}}]},"request":{"method":"PUT","url":"DocumentReference/vi-doc"}}]}')$$) AS att_1_in_a_transaction;
-- invariants are checked at strict only: the same resources pass at level structure
SELECT hdl.validate('{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
  "period":{"start":"2024-03-02T10:00:00Z","end":"2024-03-01T10:00:00Z"}}', 'structure') -> 'issue' -> 0 ->> 'code' AS structure_level;
SELECT hdl.ingest('{"resourceType":"Encounter","id":"vi-enc","status":"finished","class":{"code":"AMB"},
  "subject":{"reference":"Patient/vi-p"},"period":{"start":"2024-03-02T10:00:00Z","end":"2024-03-01T10:00:00Z"}}',
  'structure') ->> 'id' AS stored_at_structure;
-- valid data passes: a period across a daylight saving change, a contained resource referred to
SELECT hdl.ingest('{"resourceType":"Encounter","id":"vi-enc2","status":"finished","class":{"code":"AMB"},
  "subject":{"reference":"Patient/vi-p"},"period":{"start":"2022-11-06T01:52:06-04:00","end":"2022-11-06T01:07:06-05:00"}}') ->> 'id' AS dst_period;
SELECT hdl.ingest('{"resourceType":"Patient","id":"vi-p2","contained":[{"resourceType":"Organization","id":"org1","name":"Clinic"}],
  "managingOrganization":{"reference":"#org1"}}') ->> 'resourceType' AS contained_referred_to;
-- hostile sizes stay linear: 20,000 contained resources and local references (ref-1, dom-3) and
-- a Questionnaire of 20,000 items (que-2's isDistinct()); one unreferenced resource, one duplicate
SELECT i ->> 'code' AS code, i -> 'expression' ->> 0 AS expression
FROM jsonb_array_elements(hdl.validate(jsonb_build_object('resourceType', 'Patient',
	'contained', (SELECT jsonb_agg(jsonb_build_object('resourceType', 'Organization', 'id', 'o' || g, 'name', 'x')) FROM generate_series(1, 20000) g),
	'generalPractitioner', (SELECT jsonb_agg(jsonb_build_object('reference', '#o' || g)) FROM generate_series(2, 20000) g))) -> 'issue') i;
SELECT i ->> 'code' AS code, i ->> 'diagnostics' AS diagnostics
FROM jsonb_array_elements(hdl.validate(jsonb_build_object('resourceType', 'Questionnaire', 'status', 'active',
	'item', (SELECT jsonb_agg(jsonb_build_object('linkId', 'l' || least(g, 19999), 'type', 'string')) FROM generate_series(1, 20000) g))) -> 'issue') i;
RESET ROLE;
-- what was stored: the two patients (their ids are pseudonyms), the encounter stored at structure and
-- the DST one; nothing refused
SELECT h.resource_type, pg_temp.mask(h.id) AS id, count(*) AS rows FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id)
WHERE s.role_name = 'regress_vi' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM pg_temp.catalog_mismatches();
