-- Required bindings the R4 JSON schema does not enumerate (issue #17 item 3): a code outside the
-- ValueSet of Procedure.status, MedicationRequest.intent, Immunization.status, CarePlan.status is
-- refused at level strict, naming the element and the codes allowed; nothing is stored. Bindings
-- whose ValueSet is not fully defined in R4's valuesets.json (mime types) stay unchecked.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_vb IN ROLE hdl_provider;
SELECT hdl.register_source('regress_vb', 'VB1', 'Regress validation bindings') > 0 AS registered;
SET ROLE regress_vb;
SELECT hdl.ingest('{"resourceType":"Patient","id":"vb-p","gender":"female"}') IS NOT NULL AS patient;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Procedure","id":"vb-proc","status":"bogus","subject":{"reference":"Patient/vb-p"}}')$$) AS procedure_status;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"MedicationRequest","id":"vb-mr","status":"active","intent":"Order",
  "medicationCodeableConcept":{"text":"x"},"subject":{"reference":"Patient/vb-p"}}')$$) AS medication_intent;
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
  {"resource":{"resourceType":"Immunization","status":"done","vaccineCode":{"text":"flu"},"patient":{"reference":"Patient/vb-p"},
   "occurrenceDateTime":"2024-01-01"},"request":{"method":"POST","url":"Immunization"}},
  {"resource":{"resourceType":"CarePlan","status":"active","intent":"plan","subject":{"reference":"Patient/vb-p"}},
   "request":{"method":"POST","url":"CarePlan"}}]}')$$) AS immunization_in_a_transaction;
-- the codes of the ValueSets are accepted
SELECT hdl.ingest('{"resourceType":"Procedure","id":"vb-proc","status":"completed","subject":{"reference":"Patient/vb-p"}}') ->> 'status' AS procedure_ok;
SELECT hdl.ingest('{"resourceType":"MedicationRequest","id":"vb-mr","status":"active","intent":"order",
  "medicationCodeableConcept":{"text":"x"},"subject":{"reference":"Patient/vb-p"}}') ->> 'intent' AS intent_ok;
-- at level structure the binding is not checked (docs/validation.md: levels)
SELECT hdl.validate('{"resourceType":"Procedure","status":"bogus","subject":{"reference":"Patient/x"}}', 'structure') -> 'issue' -> 0 ->> 'severity' AS structure_level;
-- an unchecked binding (the mime types ValueSet is not in valuesets.json)
SELECT hdl.validate('{"resourceType":"Binary","contentType":"application/x-made-up"}') -> 'issue' -> 0 ->> 'severity' AS mime_type_unchecked;
RESET ROLE;
-- what was stored: the patient and the two good resources, each once
SELECT h.resource_type, count(*) AS versions FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id)
WHERE s.role_name = 'regress_vb' GROUP BY 1 ORDER BY 1;
SELECT * FROM pg_temp.catalog_mismatches();
