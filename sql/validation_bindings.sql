-- Required bindings the R4 JSON schema does not enumerate (issue #17 item 3): a code outside the
-- ValueSet of Procedure.status, MedicationRequest.intent, Immunization.status, CarePlan.status is
-- refused at level strict, naming the element and the codes allowed; nothing is stored. So is a code
-- outside the ValueSet of a required CodeableConcept (Condition.clinicalStatus, SupplyDelivery.type).
-- Bindings whose ValueSet is not fully defined in R4's valuesets.json (mime types, UCUM) stay unchecked.
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
-- an unchecked binding (mime types, BCP 13, are an external code system)
SELECT hdl.validate('{"resourceType":"Binary","contentType":"application/x-made-up"}') -> 'issue' -> 0 ->> 'severity' AS mime_type_unchecked;
-- Required bindings on CodeableConcept elements: a coding of the bound code system with a code
-- outside the ValueSet is refused at its code, alone or beside a good coding, in a resource or a
-- transaction; a CodeableConcept with no coding (text only) is refused; nothing is stored.
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Condition","id":"vb-c","subject":{"reference":"Patient/vb-p"},
  "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"cured"}]}}')$$) AS condition_clinical_status;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"AllergyIntolerance","id":"vb-ai","patient":{"reference":"Patient/vb-p"},
  "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":"confirmed"},
   {"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":"sure"}]}}')$$) AS bad_beside_good;
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
  {"resource":{"resourceType":"Condition","subject":{"reference":"Patient/vb-p"},
   "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]}},
   "request":{"method":"POST","url":"Condition"}},
  {"resource":{"resourceType":"SupplyDelivery","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/supply-item-type","code":"food"}]}},
   "request":{"method":"POST","url":"SupplyDelivery"}}]}')$$) AS supply_type_in_a_transaction;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Condition","id":"vb-c","subject":{"reference":"Patient/vb-p"},
  "clinicalStatus":{"text":"active"}}')$$) AS text_only;
-- accepted: a code of the ValueSet (a child concept too), a coding of another system beside it,
-- codings of other systems only (the Java validator refuses those only when its terminology server
-- knows the system), and at level structure a bad code
SELECT hdl.ingest('{"resourceType":"Condition","id":"vb-c","subject":{"reference":"Patient/vb-p"},
  "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"relapse"}]}}')
  -> 'clinicalStatus' -> 'coding' -> 0 ->> 'code' AS child_concept_ok;
SELECT hdl.ingest('{"resourceType":"AllergyIntolerance","id":"vb-ai","patient":{"reference":"Patient/vb-p"},
  "clinicalStatus":{"coding":[{"system":"http://example.org/allergy-status","code":"on"},
   {"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]}}')
  -> 'clinicalStatus' -> 'coding' -> 1 ->> 'code' AS other_system_beside_ok;
SELECT hdl.validate('{"resourceType":"Condition","subject":{"reference":"Patient/x"},
  "clinicalStatus":{"coding":[{"system":"http://snomed.info/sct","code":"55561003"}]}}') -> 'issue' -> 0 ->> 'severity' AS other_system_only;
SELECT hdl.validate('{"resourceType":"Condition","subject":{"reference":"Patient/x"},
  "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"cured"}]}}', 'structure')
  -> 'issue' -> 0 ->> 'severity' AS coded_structure_level;
-- unchecked: UCUM units (an external code system)
SELECT hdl.validate('{"resourceType":"RiskEvidenceSynthesis","status":"draft","outcome":{"reference":"EvidenceVariable/x"},
  "population":{"reference":"EvidenceVariable/y"},"riskEstimate":{"unitOfMeasure":{"coding":[{"system":"http://unitsofmeasure.org","code":"made-up"}]}}}')
  -> 'issue' -> 0 ->> 'severity' AS ucum_unchecked;
RESET ROLE;
-- what was stored: the patient and the four good resources, each once
SELECT h.resource_type, count(*) AS versions FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id)
WHERE s.role_name = 'regress_vb' GROUP BY 1 ORDER BY 1;
SELECT * FROM pg_temp.catalog_mismatches();
