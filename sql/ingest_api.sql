-- Ingestion: create, update, versions, history, transaction and batch Bundles, conditional
-- create/update/references, ifMatch, and who may ingest.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_gp LOGIN IN ROLE hdl_provider;
CREATE ROLE regress_unregistered LOGIN IN ROLE hdl_provider;
CREATE ROLE regress_analyst LOGIN IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_gp', 'B86001', 'Regress GP practice') > 0 AS registered;
SELECT hdl.register_source('regress_nobody_here', 'X1', 'none');  -- ERROR: no such role

-- an unregistered provider role is refused and nothing is stored
SET ROLE regress_unregistered;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient"}')$$);
RESET ROLE;
-- an analyst cannot call the ingest functions at all
SET ROLE regress_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient"}')$$);
RESET ROLE;
SELECT count(*) AS stored FROM hdl_lake.resource;

SET ROLE regress_gp;
-- create with a server-assigned id
SELECT pg_temp.mask(hdl.ingest('{"resourceType":"Organization","name":"Leeds GP","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"B86001"}]}')::text);
-- create with a client id, then update it: version 2
SELECT pg_temp.mask(hdl.ingest('{"resourceType":"Practitioner","id":"dr-jones","name":[{"family":"Jones"}]}')::text);
SELECT pg_temp.mask(hdl.ingest('{"resourceType":"Practitioner","id":"dr-jones","name":[{"family":"Jones","given":["Alys"]}]}')::text);
RESET ROLE;
SELECT hdl.read('Practitioner', 'dr-jones') -> 'name' AS current_name;
SELECT hdl.vread('Practitioner', 'dr-jones', 1) -> 'name' AS first_name;
SELECT h -> 'meta' ->> 'versionId' AS version FROM hdl.history('Practitioner', 'dr-jones') h;
SELECT resource_type, id, version, operation, source_id = (SELECT source_id FROM hdl.source WHERE role_name = 'regress_gp') AS attributed
FROM hdl_lake.resource_history WHERE id = 'dr-jones' ORDER BY version;
SELECT hdl.read('Practitioner', 'no-such-id') IS NULL AS absent;

SET ROLE regress_gp;
-- a transaction: urn:uuid references become the assigned ids; conditional create; ifMatch
SELECT pg_temp.mask(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c01",
  "resource":{"resourceType":"Patient","identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"MRN1"}],"gender":"female"},
  "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://gp.example.nhs.uk/Id/mrn|MRN1"}},
 {"fullUrl":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c02",
  "resource":{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
   "subject":{"reference":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c01"}},
  "request":{"method":"POST","url":"Encounter"}},
 {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
   "subject":{"reference":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c01"},
   "encounter":{"reference":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c02"},
   "performer":[{"reference":"Practitioner?identifier=https://fhir.nhs.uk/Id/sds-user-id|none"}],
   "valueQuantity":{"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}},
  "request":{"method":"POST","url":"Observation"}},
 {"resource":{"resourceType":"Practitioner","id":"dr-jones","name":[{"family":"Jones","given":["Alys","M"]}]},
  "request":{"method":"PUT","url":"Practitioner/dr-jones","ifMatch":"W/\"2\""}}]}$$)::text);
-- the conditional reference above matched nothing: the whole transaction was refused
SELECT count(*) AS patients FROM hdl_lake.resource WHERE resource_type = 'Patient';
SELECT pg_temp.mask(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c01",
  "resource":{"resourceType":"Patient","identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"MRN1"}],"gender":"female"},
  "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://gp.example.nhs.uk/Id/mrn|MRN1"}},
 {"fullUrl":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c02",
  "resource":{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
   "subject":{"reference":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c01"}},
  "request":{"method":"POST","url":"Encounter"}},
 {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
   "subject":{"reference":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c01"},
   "encounter":{"reference":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c02"},
   "performer":[{"reference":"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|B86001"}],
   "valueQuantity":{"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}},
  "request":{"method":"POST","url":"Observation"}},
 {"resource":{"resourceType":"Practitioner","id":"dr-jones","name":[{"family":"Jones","given":["Alys","M"]}]},
  "request":{"method":"PUT","url":"Practitioner/dr-jones","ifMatch":"W/\"2\""}}]}$$)::text);
RESET ROLE;
-- references inside the stored resources point at the assigned ids (a patient: its pseudonym,
-- the patient column of the source's own Patient record)
SELECT o.resource -> 'subject' ->> 'reference' = 'Patient/' || p.patient AS subject_resolved,
       o.resource -> 'encounter' ->> 'reference' = 'Encounter/' || e.id AS encounter_resolved,
       o.resource -> 'performer' -> 0 ->> 'reference' = 'Organization/' || g.id AS conditional_resolved,
       o.patient = p.patient AS patient_column
FROM hdl_lake.resource o, hdl_lake.resource p, hdl_lake.resource e, hdl_lake.resource g
WHERE o.resource_type = 'Observation' AND p.resource_type = 'Patient' AND e.resource_type = 'Encounter'
  AND g.resource_type = 'Organization';
SELECT version FROM hdl_lake.resource WHERE resource_type = 'Practitioner' AND id = 'dr-jones';

SET ROLE regress_gp;
-- the same conditional create again finds the patient: 200 OK, nothing new
SELECT pg_temp.mask(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:9d2e0a3c-0b7e-4c47-9e55-6a1f7a2b0c01",
  "resource":{"resourceType":"Patient","identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"MRN1"}]},
  "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://gp.example.nhs.uk/Id/mrn|MRN1"}}]}$$)::text);
-- conditional update: PUT Type?identifier=system|value updates the match
SELECT pg_temp.mask(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Patient","identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"MRN1"}],"gender":"other"},
  "request":{"method":"PUT","url":"Patient?identifier=https://gp.example.nhs.uk/Id/mrn|MRN1"}}]}$$)::text);
-- a stale ifMatch fails the transaction with 55000 and stores nothing
SELECT pg_temp.regress_try($q$SELECT hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Practitioner","id":"dr-jones","name":[{"family":"Stale"}]},
  "request":{"method":"PUT","url":"Practitioner/dr-jones","ifMatch":"W/\"1\""}}]}$$)$q$);
RESET ROLE;
SELECT count(*) AS patients, max(version) AS patient_version, max(resource ->> 'gender') AS gender
FROM hdl_lake.resource WHERE resource_type = 'Patient';
SELECT hdl.read('Practitioner', 'dr-jones') -> 'name' -> 0 ->> 'family' AS family;

SET ROLE regress_gp;
-- a batch: entries are independent; the bad ones answer with an OperationOutcome
SELECT jsonb_pretty(hdl.ingest_bundle($${"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Condition","subject":{"reference":"Patient?identifier=https://gp.example.nhs.uk/Id/mrn|MRN1"},"code":{"text":"asthma"}},
  "request":{"method":"POST","url":"Condition"}},
 {"resource":{"resourceType":"Condition","subject":{"reference":"Patient/none"},"onsetDateTime":"2020-02-30"},
  "request":{"method":"POST","url":"Condition"}},
 {"resource":{"resourceType":"Condition","subject":{"reference":"Patient/not-submitted"},"code":{"text":"asthma"}},
  "request":{"method":"POST","url":"Condition"}},
 {"request":{"method":"DELETE","url":"Condition/abc"}},
 {"resource":{"resourceType":"Practitioner","id":"dr-jones"},"request":{"method":"PUT","url":"Practitioner/dr-jones","ifMatch":"W/\"1\""}}
]}$$) #- '{entry,0,response,location}' #- '{entry,0,response,lastModified}');
RESET ROLE;
SELECT resource_type, count(*) FROM hdl_lake.resource GROUP BY 1 ORDER BY 1;
SELECT kind, stored, rejected, resource_counts FROM hdl.ingest_batch ORDER BY batch_id;
DROP ROLE regress_analyst;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
