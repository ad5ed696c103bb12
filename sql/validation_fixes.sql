-- Issue #17 item 4 (validation): two false rejections fixed, and the R4 string-length limit
-- (docs/validation.md). Each case fails without its fix.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_vf') THEN
		CREATE ROLE regress_vf LOGIN IN ROLE hdl_provider;
	END IF;
END $$;
SELECT hdl.register_source('regress_vf', 'VF1', 'Regress validation fixes') > 0 AS registered;
-- (only this feed's rows: other tests ingest in parallel)
CREATE TEMP VIEW vf_counts AS SELECT
	(SELECT count(*) FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id) WHERE s.role_name = 'regress_vf') AS versions,
	(SELECT count(*) FROM hdl.ingest_batch b JOIN hdl.source s USING (source_id) WHERE s.role_name = 'regress_vf') AS batches;
GRANT SELECT ON vf_counts TO regress_vf;
SET ROLE regress_vf;

-- 1. Expression.language is bound extensible in R4: a media type outside the value set
-- (text/cql | text/fhirpath | application/x-fhir-query) is accepted, as the HL7 validator does
-- (fhir-test-cases mr-covid-bnd1.json uses text/plain). A required binding still is enforced.
SELECT hdl.validate($${"resourceType":"Measure","status":"active","group":[{"population":[{
  "criteria":{"language":"text/plain","expression":"numTotBeds"}}]}]}$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Measure","id":"vf-measure","status":"active",
  "group":[{"population":[{"criteria":{"language":"text/plain","expression":"numTotBeds"}}]}]}')$$);
RESET ROLE;
SELECT hdl.read('Measure', 'vf-measure') #>> '{group,0,population,0,criteria,language}' AS stored_language;
SET ROLE regress_vf;
SELECT hdl.validate('{"resourceType":"Measure","status":"ready"}');

-- 2. A urn:uuid: reference whose value is not a UUID is well formed (Reference.reference is a
-- string; the HL7 validator accepts it: fhir-test-cases ref-policy-r4.json), and a transaction
-- still resolves it to the entry with that fullUrl.
SELECT hdl.validate($${"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
  "serviceProvider":{"reference":"urn:uuid:23ac0bc6-0959-4181-8af0-6db5e2ef8176-X"}}$$);
SELECT pg_temp.mask(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:23ac0bc6-0959-4181-8af0-6db5e2ef8176-X",
  "resource":{"resourceType":"Organization","name":"Ward 7"},"request":{"method":"POST","url":"Organization"}},
 {"resource":{"resourceType":"Encounter","id":"vf-encounter","status":"finished","class":{"code":"AMB"},
   "serviceProvider":{"reference":"urn:uuid:23ac0bc6-0959-4181-8af0-6db5e2ef8176-X"}},
  "request":{"method":"PUT","url":"Encounter/vf-encounter"}}]}$$)::text);
RESET ROLE;
SELECT e.resource -> 'serviceProvider' ->> 'reference' = 'Organization/' || o.id AS reference_resolved
FROM hdl_lake.resource e, hdl_lake.resource o
WHERE e.resource_type = 'Encounter' AND e.id = 'vf-encounter' AND o.resource_type = 'Organization' AND o.resource ->> 'name' = 'Ward 7';
SET ROLE regress_vf;
-- a urn:uuid: that matches no fullUrl is still refused by ingest, and an empty one by the validator
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
   "serviceProvider":{"reference":"urn:uuid:no-such-entry"}},"request":{"method":"POST","url":"Encounter"}}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
  "serviceProvider":{"reference":"urn:uuid:"}}')$$);

-- 3. R4 strings SHALL NOT exceed 1 MB (1024*1024 characters). Characters are code points: exactly
-- 1,048,576 of them is accepted, in one-byte or two-byte characters; one more is refused, with an
-- issue naming the element and not repeating the value, and nothing is stored.
RESET ROLE;
CREATE TEMP TABLE vf_before AS SELECT * FROM vf_counts;
GRANT SELECT ON vf_before TO regress_vf;
SET ROLE regress_vf;
SELECT pg_temp.regress_try($$SELECT hdl.ingest(jsonb_build_object('resourceType', 'Organization', 'id', 'vf-org-long',
  'name', repeat('a', 1048577)))$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest(jsonb_build_object('resourceType', 'Organization', 'id', 'vf-org-long',
  'name', 'x', 'alias', jsonb_build_array('y', repeat(chr(233), 1048577))))$$);
-- in a transaction: the entry's element is named, and no entry is stored
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle(jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction',
  'entry', jsonb_build_array(
    jsonb_build_object('resource', jsonb_build_object('resourceType', 'Organization', 'name', 'fine'),
                       'request', jsonb_build_object('method', 'POST', 'url', 'Organization')),
    jsonb_build_object('resource', jsonb_build_object('resourceType', 'Organization',
                                                      'name', repeat('a', 1048575) || chr(233) || chr(233)),
                       'request', jsonb_build_object('method', 'POST', 'url', 'Organization')))))$$);
-- code, markdown: types derived from string
SELECT pg_temp.regress_try($$SELECT hdl.ingest(jsonb_build_object('resourceType', 'Organization', 'id', 'vf-org-long',
  'type', jsonb_build_array(jsonb_build_object('coding', jsonb_build_array(jsonb_build_object('code', repeat('c', 1048577))))),
  'extension', jsonb_build_array(jsonb_build_object('url', 'http://example.org/fhir/note', 'valueMarkdown', repeat('m', 1048577)))))$$);
-- nothing of the above was stored, not even a batch row
RESET ROLE;
SELECT f.versions - b.versions AS new_versions, f.batches - b.batches AS new_batches FROM vf_counts f, vf_before b;
SET ROLE regress_vf;
-- exactly 1,048,576 characters: accepted (the second is 2,097,152 bytes)
SELECT pg_temp.regress_try($$SELECT hdl.ingest(jsonb_build_object('resourceType', 'Organization', 'id', 'vf-org-max',
  'name', repeat('a', 1048576), 'alias', jsonb_build_array(repeat(chr(233), 1048576))))$$);
RESET ROLE;
SELECT length(resource ->> 'name') AS name_characters, length(resource -> 'alias' ->> 0) AS alias_characters,
       octet_length(resource -> 'alias' ->> 0) AS alias_bytes
FROM hdl_lake.resource WHERE resource_type = 'Organization' AND id = 'vf-org-max';
-- base64Binary is not a string type: more than 1 MB of it is not refused by the limit
SET ROLE regress_vf;
SELECT hdl.validate(jsonb_build_object('resourceType', 'Organization', 'name', 'x',
  'extension', jsonb_build_array(jsonb_build_object('url', 'http://example.org/fhir/logo', 'valueBase64Binary', repeat('QUJD', 262145)))));
RESET ROLE;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
SELECT * FROM pg_temp.catalog_mismatches();
