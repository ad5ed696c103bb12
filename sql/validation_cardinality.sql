-- Cardinality from the R4 StructureDefinitions (issue #17 item 1): min-1 primitives and choice
-- groups of resources and of their backbone elements (Account.status, AuditEvent.recorded,
-- Questionnaire.item.linkId, DeviceRequest.code[x]) are refused when absent, with SQLSTATE 22Z01 and
-- an OperationOutcome naming the element; nothing is stored. A primitive given only as `_name`
-- (an extension, no value) is present.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_vc IN ROLE hdl_provider;
SELECT hdl.register_source('regress_vc', 'VC1', 'Regress validation cardinality') > 0 AS registered;
SET ROLE regress_vc;
SELECT hdl.ingest('{"resourceType":"Patient","id":"vc-p","gender":"male"}') IS NOT NULL AS patient;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Account","id":"vc-acc","subject":[{"reference":"Patient/vc-p"}]}')$$) AS account_status;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"AuditEvent","id":"vc-ae","type":{"code":"rest"},
  "agent":[{"requestor":true,"who":{"reference":"Patient/vc-p"}}],"source":{"observer":{"reference":"Patient/vc-p"}}}')$$) AS auditevent_recorded;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Questionnaire","id":"vc-q","status":"active",
  "item":[{"linkId":"1","type":"group","item":[{"linkId":"1.1","type":"string"},{"type":"boolean","text":"Smoker?"}]}]}')$$) AS questionnaire_item_linkid;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"DeviceRequest","id":"vc-dr","status":"active","intent":"order",
  "subject":{"reference":"Patient/vc-p"}}')$$) AS devicerequest_code;
-- in a transaction: one entry without its required elements refuses the whole Bundle
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
  {"resource":{"resourceType":"Account","id":"vc-acc2","status":"active"},"request":{"method":"PUT","url":"Account/vc-acc2"}},
  {"resource":{"resourceType":"StructureDefinition","id":"vc-sd","name":"X","status":"draft","kind":"resource","abstract":false,"type":"Basic"},
   "request":{"method":"PUT","url":"StructureDefinition/vc-sd"}}]}')$$) AS structuredefinition_url_in_a_transaction;
-- every missing element at once: the empty objects' required elements too
SELECT i -> 'expression' ->> 0 AS missing_in_structuredefinition, i ->> 'diagnostics' AS diagnostics
FROM jsonb_path_query(hdl.validate('{"resourceType":"StructureDefinition","differential":{"element":[{}]}}'),
  '$.issue[*] ? (@.code == "required")') AS i ORDER BY 1;
-- a min-1 primitive given only as _status (an extension, no value) is present
SELECT hdl.ingest('{"resourceType":"Account","id":"vc-acc3","_status":{"extension":[
  {"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}') ->> 'id' AS status_as_extension;
-- the same resources with their required elements are accepted
SELECT hdl.ingest('{"resourceType":"Account","id":"vc-acc","status":"active","subject":[{"reference":"Patient/vc-p"}]}') ->> 'status' AS account_ok;
SELECT hdl.ingest('{"resourceType":"DeviceRequest","id":"vc-dr","status":"active","intent":"order",
  "codeCodeableConcept":{"text":"wheelchair"},"subject":{"reference":"Patient/vc-p"}}') ->> 'intent' AS devicerequest_ok;
-- required elements are checked at level structure too (docs/validation.md: levels), not at minimal
SELECT hdl.validate('{"resourceType":"Account"}', 'structure') -> 'issue' -> 0 -> 'expression' AS structure_level;
SELECT hdl.validate('{"resourceType":"Account"}', 'minimal') -> 'issue' -> 0 ->> 'severity' AS minimal_level;
RESET ROLE;
-- what was stored: the patient, the two accounts and the device request, each once
SELECT h.resource_type, count(*) AS versions FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id)
WHERE s.role_name = 'regress_vc' GROUP BY 1 ORDER BY 1;
SELECT * FROM pg_temp.catalog_mismatches();
