-- What goes in comes out: ingest edits resources as exact JSON values (no in-band markers, no
-- doubles), refuses control characters in FHIR strings (strict validation) with the element
-- named and nothing stored, and refuses documents nested deeper than its budget with 54001.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_json_feed IN ROLE hdl_provider;
CREATE ROLE regress_json_reid IN ROLE hdl_reidentifier;
SELECT hdl.register_source('regress_json_feed', 'JSN1', 'Regress JSON feed') > 0 AS registered;
-- What this source has stored, in every place a refused call must leave untouched.
CREATE FUNCTION pg_temp.stored() RETURNS text LANGUAGE sql AS $$
	SELECT format('lake %s, history %s, batches %s, vault %s',
		(SELECT count(*) FROM hdl_lake.resource r JOIN hdl.source s USING (source_id) WHERE s.org_code = 'JSN1'),
		(SELECT count(*) FROM hdl_lake.resource_history r JOIN hdl.source s USING (source_id) WHERE s.org_code = 'JSN1'),
		(SELECT count(*) FROM hdl.ingest_batch b JOIN hdl.source s USING (source_id) WHERE s.org_code = 'JSN1'),
		(SELECT count(*) FROM hdl_vault.identity i JOIN hdl.source s USING (source_id) WHERE s.org_code = 'JSN1'))
$$;

-- 1. The string the old editable copy took for an exact decimal ("\u001fhdl-number:12") stays
-- that string (structure validation checks no string formats, so it is accepted), in every
-- element it is given: hdl.ingest, a transaction, a batch, and the vault.
SET ROLE regress_json_feed;
SELECT hdl.ingest($${"resourceType":"Practitioner","id":"marker-1","name":[{"family":"\u001fhdl-number:12","given":["\u001fhdl-number:1.50"]}]}$$,
	'structure') -> 'name' AS stored_name;
SELECT hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Practitioner","id":"marker-2","name":[{"text":"\u001fhdl-number:7"}]},
  "request":{"method":"PUT","url":"Practitioner/marker-2"}}]}$$, 'structure') -> 'entry' -> 0 -> 'response' ->> 'status' AS transaction;
SELECT hdl.ingest_bundle($${"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Practitioner","id":"marker-3","name":[{"text":"\u001fhdl-number:-3e5"}]},
  "request":{"method":"PUT","url":"Practitioner/marker-3"}}]}$$, 'structure') -> 'entry' -> 0 -> 'response' ->> 'status' AS batch;
SELECT pg_temp.mask(hdl.ingest($${"resourceType":"Patient","id":"marker-p","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765048"}],
	"name":[{"family":"\u001fhdl-number:42"}],"gender":"female"}$$, 'structure')::text) AS patient;
RESET ROLE;
SELECT id, resource -> 'name' AS name FROM hdl_lake.resource WHERE id IN ('marker-1', 'marker-2', 'marker-3') ORDER BY id;
SELECT hdl.read('Practitioner', 'marker-1') -> 'name' -> 0 ->> 'family' = E'\u001fhdl-number:12' AS read_unchanged,
       jsonb_typeof(hdl.read('Practitioner', 'marker-1') -> 'name' -> 0 -> 'family') AS read_type;
SELECT h.resource -> 'name' = '[{"text": "\u001fhdl-number:7"}]'::jsonb AS history_unchanged
FROM hdl_lake.resource_history h WHERE h.id = 'marker-2';
-- the Patient's name went to the vault, and comes back from it as it was sent
SELECT patient AS pseudonym FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE s.org_code = 'JSN1' AND resource_type = 'Patient' \gset
SET ROLE regress_json_reid;
SELECT hdl.reidentify(:'pseudonym', 'safeguarding referral SR-2024-119') -> 'identities' -> 0 -> 'identity' -> 'name' AS vault_name;
RESET ROLE;

-- 2. Decimals keep the text Postgres's numeric keeps (1.50 stays 1.50, 0.000 stays 0.000; an
-- exponent is already its value in jsonb): the stored resource equals the submitted values.
SET ROLE regress_json_feed;
SELECT hdl.ingest($${"resourceType":"Observation","id":"decimals","status":"final","code":{"text":"decimals"},
	"valueQuantity":{"value":1.50,"unit":"kg"},
	"component":[{"code":{"text":"a"},"valueQuantity":{"value":1e3}},{"code":{"text":"b"},"valueQuantity":{"value":0.000}},
	             {"code":{"text":"c"},"valueQuantity":{"value":12345678901234567890.123456789}},
	             {"code":{"text":"d"},"valueQuantity":{"value":-0.0000001}},
	             {"code":{"text":"e"},"valueQuantity":{"value":2.50E-3}},
	             {"code":{"text":"f"},"valueInteger":-2147483648}]}$$) IS NOT NULL AS stored;
RESET ROLE;
SELECT resource -> 'valueQuantity' ->> 'value' AS value,
       jsonb_path_query_array(resource, '$.component[*].valueQuantity.value') AS components,
       resource -> 'component' -> 5 -> 'valueInteger' AS integer
FROM hdl_lake.resource WHERE id = 'decimals';
SELECT jsonb_path_query_array(resource, '$.component[*].valueQuantity.value') =
       '[1e3, 0.000, 12345678901234567890.123456789, -0.0000001, 2.50E-3]'::jsonb AS equals_input
FROM hdl_lake.resource WHERE id = 'decimals';

-- 3. Control characters (below U+0020 but tab, CR and LF) are refused at strict validation,
-- the element named, the value not repeated, nothing stored.
SELECT pg_temp.stored() AS before;
SET ROLE regress_json_feed;
SELECT pg_temp.regress_try($q$SELECT hdl.ingest('{"resourceType":"Practitioner","name":[{"family":"Jo\u001bnes"}]}')$q$);
SELECT pg_temp.regress_try($q$SELECT hdl.ingest('{"resourceType":"Practitioner","id":"marker-1","name":[{"family":"\u001fhdl-number:12"}]}')$q$);
SELECT pg_temp.regress_try($q$SELECT hdl.ingest('{"resourceType":"Patient","gender":"male\u0001","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765056"}]}')$q$);
SELECT pg_temp.regress_try($q$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Practitioner","name":[{"family":"Fine"}]},"request":{"method":"POST","url":"Practitioner"}},
 {"resource":{"resourceType":"Practitioner","name":[{"family":"Bad\u0007"}]},"request":{"method":"POST","url":"Practitioner"}}]}')$q$);
RESET ROLE;
SELECT pg_temp.stored() AS after_refusals;
-- tab, carriage return and line feed are allowed
SET ROLE regress_json_feed;
SELECT hdl.ingest($${"resourceType":"Practitioner","id":"whitespace","name":[{"text":"a\tb\r\nc"}]}$$) -> 'name' AS allowed;
-- in a batch the bad entry is answered with its OperationOutcome and the good one stored
SELECT e -> 'response' ->> 'status' AS status, e -> 'response' -> 'outcome' -> 'issue' -> 0 -> 'expression' AS expression
FROM jsonb_array_elements(hdl.ingest_bundle($${"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Practitioner","id":"batch-good","name":[{"family":"Fine"}]},"request":{"method":"PUT","url":"Practitioner/batch-good"}},
 {"resource":{"resourceType":"Practitioner","id":"batch-bad","name":[{"family":"Bad\u001b[31m"}]},"request":{"method":"PUT","url":"Practitioner/batch-bad"}}]}$$) -> 'entry') e;
RESET ROLE;
SELECT id FROM hdl_lake.resource WHERE id IN ('batch-good', 'batch-bad');
-- hdl.validate says the same
SELECT hdl.validate($${"resourceType":"Practitioner","name":[{"family":"Jo\u001bnes"}]}$$);

-- 4. Deeper than the recursion budget (1000 levels; Postgres's jsonb accepts it): 54001 with a
-- clear message, nothing stored, the backend alive.
SELECT pg_temp.stored() AS before;
SET ROLE regress_json_feed;
SELECT pg_temp.regress_try(format('SELECT hdl.ingest(%L::jsonb, %L)',
	'{"resourceType":"Basic","code":{"text":"deep"},"extension":' || repeat('[', 2000) || repeat(']', 2000) || '}', 'minimal'));
SELECT pg_temp.regress_try(format('SELECT hdl.ingest_bundle(%L::jsonb, %L)',
	'{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"POST","url":"Basic"},"resource":{"resourceType":"Basic","code":{"text":"deep"},"extension":'
	|| repeat('{"x":', 3000) || '1' || repeat('}', 3000) || '}}]}', 'minimal'));
RESET ROLE;
SELECT pg_temp.stored() AS after_refusals;
SELECT 1 AS backend_alive;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
