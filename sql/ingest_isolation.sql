-- Provider isolation (docs/ingest.md, "Ownership"): every record belongs to the source that
-- created it. Another source can neither overwrite it (42501, nothing stored), nor find it with a
-- conditional search, nor learn from a search whether it exists; each source keeps its own Patient
-- record of a person, linked to the others by the shared pseudonym. GP A, acute trust B, mental
-- health C; a gateway G acting for A.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_iso_a IN ROLE hdl_provider;
CREATE ROLE regress_iso_b IN ROLE hdl_provider;
CREATE ROLE regress_iso_c IN ROLE hdl_provider;
CREATE ROLE regress_iso_gw IN ROLE hdl_provider;
SELECT hdl.register_source('regress_iso_a', 'ISOA1', 'isolation GP A') > 0 AS a,
       hdl.register_source('regress_iso_b', 'ISOB1', 'isolation acute trust B') > 0 AS b,
       hdl.register_source('regress_iso_c', 'ISOC1', 'isolation mental health C') > 0 AS c,
       hdl.register_source('regress_iso_gw', 'ISOA1', 'isolation gateway for A', true) > 0 AS gw;
-- what a source's records look like to an engineer: type, id, version, owner
CREATE FUNCTION pg_temp.records(kind text) RETURNS TABLE(id text, version int, owner text, patient text, resource text)
LANGUAGE sql AS $$
	SELECT pg_temp.mask(r.id), r.version, s.org_code, pg_temp.mask(r.patient), pg_temp.mask(r.resource::text)
	FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
	WHERE r.resource_type = kind AND s.org_code LIKE 'ISO%' ORDER BY s.org_code, r.id $$;

-- A's records: a Patient (NHS number 9990001111, postcode LS21 3QZ), an Observation, a Condition
-- with A's identifier, and two Organizations with one ODS code (A's own duplicate).
SET ROLE regress_iso_a;
SELECT hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:10000000-0000-4000-8000-000000000001","resource":{"resourceType":"Patient",
   "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990001111"}],"gender":"female",
   "address":[{"use":"home","postalCode":"LS21 3QZ"}]},"request":{"method":"POST","url":"Patient"}},
 {"resource":{"resourceType":"Observation","id":"iso-obs-1","status":"final","code":{"text":"A's heart rate"},
   "subject":{"reference":"urn:uuid:10000000-0000-4000-8000-000000000001"}},"request":{"method":"PUT","url":"Observation/iso-obs-1"}},
 {"resource":{"resourceType":"Condition","identifier":[{"system":"urn:iso-a:problems","value":"P-1"}],"code":{"text":"A's diagnosis"},
   "subject":{"reference":"urn:uuid:10000000-0000-4000-8000-000000000001"}},"request":{"method":"POST","url":"Condition"}},
 {"resource":{"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"ISO-SHARED"}],"name":"copy 1"},"request":{"method":"POST","url":"Organization"}},
 {"resource":{"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"ISO-SHARED"}],"name":"copy 2"},"request":{"method":"POST","url":"Organization"}}
]}$$) IS NOT NULL AS a_stored;
RESET ROLE;
SELECT hdl.pseudonymise('9990001111') AS p \gset
SELECT * FROM pg_temp.records('Patient');

-- 1. B sends an Observation under A's id: refused (42501), A's content stays, nothing of B's stored
SET ROLE regress_iso_b;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","id":"iso-obs-1","status":"final","code":{"text":"B was here"}}')$$);
-- the same in a transaction (all refused) and in a batch (403 for that entry, the other stored)
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Practitioner","name":[{"family":"B"}]},"request":{"method":"POST","url":"Practitioner"}},
 {"resource":{"resourceType":"Observation","id":"iso-obs-1","status":"final","code":{"text":"B was here"}},"request":{"method":"PUT","url":"Observation/iso-obs-1"}}]}')$$);
SELECT e -> 'response' ->> 'status' AS status, e -> 'response' -> 'outcome' -> 'issue' -> 0 ->> 'code' AS code
FROM jsonb_array_elements(hdl.ingest_bundle($${"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Observation","id":"iso-obs-1","status":"final","code":{"text":"B was here"}},"request":{"method":"PUT","url":"Observation/iso-obs-1"}},
 {"resource":{"resourceType":"Observation","id":"iso-obs-b","status":"final","code":{"text":"B's own"}},"request":{"method":"PUT","url":"Observation/iso-obs-b"}}]}$$) -> 'entry') e;
RESET ROLE;
SELECT hdl.read('Observation', 'iso-obs-1') -> 'code' ->> 'text' AS current_text,
       (SELECT count(*) FROM hdl.history('Observation', 'iso-obs-1')) AS versions;
SELECT count(*) AS b_practitioners FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE s.org_code = 'ISOB1' AND r.resource_type = 'Practitioner';
-- a gateway acting for A is A: it may update A's record
SET ROLE regress_iso_gw;
SET request.jwt.claims = '{"hdl_org": "ISOA1"}';
SELECT hdl.ingest($${"resourceType":"Observation","id":"iso-obs-1","status":"amended","code":{"text":"A's heart rate"}}$$) -> 'meta' ->> 'versionId' AS gateway_version;
RESET request.jwt.claims;
RESET ROLE;

-- 2. B's conditional update on A's identifier makes B's own Condition; A's keeps its text
SET ROLE regress_iso_b;
SELECT e -> 'response' ->> 'status' AS status
FROM jsonb_array_elements(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Condition","identifier":[{"system":"urn:iso-a:problems","value":"P-1"}],"code":{"text":"B's text"},
   "subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990001111"}}},
  "request":{"method":"PUT","url":"Condition?identifier=urn:iso-a:problems|P-1"}}]}$$) -> 'entry') e;
RESET ROLE;
SELECT owner, version, resource::jsonb -> 'code' ->> 'text' AS text FROM pg_temp.records('Condition');

-- 3. B sends a Patient with A's patient's NHS number and no address: B's own record, A's keeps its
-- postcode district; both carry the one pseudonym
SET ROLE regress_iso_b;
SELECT pg_temp.mask(hdl.ingest('{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990001111"}],"gender":"female"}')::text) AS b_patient;
RESET ROLE;
SELECT * FROM pg_temp.records('Patient');
SELECT count(DISTINCT id) AS records, count(DISTINCT patient) AS people FROM hdl_lake.resource
WHERE resource_type = 'Patient' AND patient = :'p';

-- 4. B writes Patient/<the pseudonym> with deceasedBoolean: only B's own record says so
SET ROLE regress_iso_b;
SELECT pg_temp.mask(hdl.ingest(format('{"resourceType":"Patient","id":"%s","deceasedBoolean":true}', :'p')::jsonb) ->> 'id') AS written_id;
-- B's Observation about the person: the reference carries the shared pseudonym
SELECT pg_temp.mask(hdl.ingest(format('{"resourceType":"Observation","status":"final","code":{"text":"B obs"},"subject":{"reference":"Patient/%s"}}', :'p')::jsonb) -> 'subject' ->> 'reference') AS b_reference;
RESET ROLE;
SELECT owner, version, resource::jsonb ->> 'deceasedBoolean' AS deceased FROM pg_temp.records('Patient');

-- 5. ifNoneExist on an NHS number: C knows 9990002222, nobody knows 9990003333; B gets 201 for both
SET ROLE regress_iso_c;
SELECT hdl.ingest('{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990002222"}]}') IS NOT NULL AS c_stored;
SET ROLE regress_iso_b;
CREATE FUNCTION pg_temp.conditional_create(nhs text) RETURNS text LANGUAGE sql AS $$
	SELECT hdl.ingest_bundle(format('{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient",
	  "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%s"}]},
	  "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|%s"}}]}', nhs, nhs)::jsonb)
	  -> 'entry' -> 0 -> 'response' ->> 'status' $$;
BEGIN;
SELECT pg_temp.conditional_create('9990002222') AS known_to_c, pg_temp.conditional_create('9990003333') AS known_to_nobody;
ROLLBACK;
-- nor does a conditional reference find another source's patient: the same answer as for nobody
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990002222"}}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990003333"}}')$$);
-- once B has its own record, B's ifNoneExist finds it (200, B's record), never C's
SELECT pg_temp.conditional_create('9990002222') AS first, pg_temp.conditional_create('9990002222') AS again;
RESET ROLE;
SELECT s.org_code, count(*) AS records FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE r.resource_type = 'Patient' AND r.patient = hdl.pseudonymise('9990002222') GROUP BY 1 ORDER BY 1;

-- 6. A's duplicate Organizations do not concern B: B's ifNoneExist and conditional references
-- search B's records only (no shared reference data: B registers its own Organization)
SET ROLE regress_iso_b;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"serviceProvider":{"reference":"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|ISO-SHARED"}}')$$);
SELECT e -> 'response' ->> 'status' AS status
FROM jsonb_array_elements(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:20000000-0000-4000-8000-000000000001","resource":{"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"ISO-SHARED"}],"name":"B's copy"},
  "request":{"method":"POST","url":"Organization","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/ods-organization-code|ISO-SHARED"}},
 {"resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"serviceProvider":{"reference":"urn:uuid:20000000-0000-4000-8000-000000000001"}},
  "request":{"method":"POST","url":"Encounter"}}]}$$) -> 'entry') e;
-- from now on B's conditional reference finds B's own copy
SELECT hdl.ingest('{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"serviceProvider":{"reference":"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|ISO-SHARED"}}') IS NOT NULL AS resolved;
RESET ROLE;
SELECT owner, resource::jsonb ->> 'name' AS name FROM pg_temp.records('Organization') ORDER BY 1, 2;
SELECT hdl.read('Organization', split_part(r.resource -> 'serviceProvider' ->> 'reference', '/', 2)) ->> 'name' AS b_encounter_provider
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id) WHERE s.org_code = 'ISOB1' AND r.resource_type = 'Encounter';
-- A still sees its own duplicates as ambiguous
SET ROLE regress_iso_a;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"serviceProvider":{"reference":"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|ISO-SHARED"}}')$$);
RESET ROLE;

-- every identity in the vault has its Patient version in the lake, per source (and no refused
-- call left a row)
SELECT s.org_code, (SELECT count(*) FROM hdl_vault.identity i WHERE i.source_id = s.source_id AND i.subject LIKE 'Patient/%') AS vault_rows,
       (SELECT count(*) FROM hdl_lake.resource_history h WHERE h.source_id = s.source_id AND h.resource_type = 'Patient') AS patient_versions
FROM hdl.source s WHERE s.org_code LIKE 'ISO%' AND NOT s.is_gateway ORDER BY 1;

-- the submitting organisation is in every stored record: meta.source, stamped at ingest (what a
-- submission says there is replaced), so ViewDefinitions can tell the sources apart
SET ROLE regress_iso_b;
SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"claims A"},"meta":{"source":"ISOA1"}}') -> 'meta' ->> 'source' AS stamped;
RESET ROLE;
SELECT s.org_code, r.resource_type, count(*) AS records, count(*) FILTER (WHERE r.resource -> 'meta' ->> 'source' = s.org_code) AS stamped
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE s.org_code LIKE 'ISO%' AND r.last_updated >= (SELECT min(received_at) FROM hdl.ingest_batch b JOIN hdl.source bs USING (source_id) WHERE bs.org_code = 'ISOA1')
GROUP BY 1, 2 ORDER BY 1, 2;
-- an engineer lists the linked records of one pseudonym
SELECT pg_temp.mask(record_id) AS record_id, source, source_name, version, linked_records
FROM hdl_lake.linked_patients WHERE pseudonym = :'p' ORDER BY source;
-- the starter marts' patient_id is the pseudonym for every source's record, and source tells them apart
SELECT r ->> 'source' AS source, pg_temp.mask(r ->> 'patient_id') AS patient_id, r ->> 'postcode_district' AS postcode_district,
       r ->> 'deceased' AS deceased
FROM hdl.starter_views() v, LATERAL hdl.view_run(v.view) r
WHERE v.name = 'patients' AND r ->> 'patient_id' = :'p' ORDER BY 1;
SELECT v.name, r ->> 'source' AS source, count(*) AS rows
FROM hdl.starter_views() v, LATERAL hdl.view_run(v.view) r
WHERE r ->> 'patient_id' = :'p' GROUP BY 1, 2 ORDER BY 1, 2;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
