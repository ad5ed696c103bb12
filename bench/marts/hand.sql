-- Hand-written jsonb SQL producing the same rows as the starter marts (the benchmark's
-- baseline). Each statement fills hand.<mart>, a copy of mart.<mart>'s table (same columns,
-- types and indexes). Time columns are cast as hdl types them (docs/marts.md, "Typed time
-- columns"): hand.fhir_time (bench.sql) reads a partial date as the start of its period and a
-- date as UTC midnight, and <name>_text keeps the FHIR text.
INSERT INTO hand.patients
SELECT (SELECT i ->> 'value' FROM jsonb_array_elements(r.resource -> 'identifier') WITH ORDINALITY x(i, n)
	 WHERE i ->> 'system' = 'urn:hdl:pseudonym' AND i ? 'value' ORDER BY n LIMIT 1),
	r.resource -> 'meta' ->> 'source',
	r.resource ->> 'gender',
	r.resource ->> 'birthDate',
	substr(r.resource ->> 'birthDate', 1, 4)::int,
	(SELECT a ->> 'postalCode' FROM jsonb_array_elements(r.resource -> 'address') WITH ORDINALITY x(a, n)
	 WHERE (a ->> 'use' = 'home' OR NOT a ? 'use') AND a ? 'postalCode' ORDER BY n LIMIT 1),
	(SELECT a ->> 'district' FROM jsonb_array_elements(r.resource -> 'address') WITH ORDINALITY x(a, n)
	 WHERE (a ->> 'use' = 'home' OR NOT a ? 'use') AND a ? 'district' ORDER BY n LIMIT 1),
	(SELECT a ->> 'country' FROM jsonb_array_elements(r.resource -> 'address') WITH ORDINALITY x(a, n)
	 WHERE (a ->> 'use' = 'home' OR NOT a ? 'use') AND a ? 'country' ORDER BY n LIMIT 1),
	(r.resource -> 'active')::boolean,
	CASE WHEN r.resource ? 'deceasedDateTime' THEN true ELSE (r.resource -> 'deceasedBoolean')::boolean END,
	hand.fhir_time(r.resource ->> 'deceasedDateTime'),
	r.resource ->> 'deceasedDateTime',
	(SELECT split_part(g ->> 'reference', '/', 2) FROM jsonb_array_elements(r.resource -> 'generalPractitioner') WITH ORDINALITY x(g, n)
	 WHERE g ->> 'reference' LIKE 'Organization/%' ORDER BY n LIMIT 1),
	(r.resource -> 'meta' ->> 'lastUpdated')::timestamptz,
	'Patient/' || r.id
FROM hdl_lake.resource r WHERE r.resource_type = 'Patient';

INSERT INTO hand.encounters
SELECT r.id,
	CASE WHEN r.resource -> 'subject' ->> 'reference' LIKE 'Patient/%' THEN split_part(r.resource -> 'subject' ->> 'reference', '/', 2) END,
	r.resource -> 'meta' ->> 'source',
	r.resource ->> 'status',
	r.resource -> 'class' ->> 'code',
	jsonb_path_query_first(r.resource, '$.type[*].coding[*] ? (@.system == "http://snomed.info/sct").code') #>> '{}',
	jsonb_path_query_first(r.resource, '$.type[*].coding[*] ? (@.system == "http://snomed.info/sct").display') #>> '{}',
	jsonb_path_query_first(r.resource, '$.type[*].text') #>> '{}',
	hand.fhir_time(r.resource -> 'period' ->> 'start'),
	r.resource -> 'period' ->> 'start',
	hand.fhir_time(r.resource -> 'period' ->> 'end'),
	r.resource -> 'period' ->> 'end',
	CASE WHEN r.resource -> 'serviceProvider' ->> 'reference' LIKE 'Organization/%' THEN split_part(r.resource -> 'serviceProvider' ->> 'reference', '/', 2) END,
	coalesce(jsonb_array_length(r.resource -> 'diagnosis'), 0),
	'Encounter/' || r.id
FROM hdl_lake.resource r WHERE r.resource_type = 'Encounter';

INSERT INTO hand.conditions
SELECT r.id,
	CASE WHEN r.resource -> 'subject' ->> 'reference' LIKE 'Patient/%' THEN split_part(r.resource -> 'subject' ->> 'reference', '/', 2) END,
	r.resource -> 'meta' ->> 'source',
	CASE WHEN r.resource -> 'encounter' ->> 'reference' LIKE 'Encounter/%' THEN split_part(r.resource -> 'encounter' ->> 'reference', '/', 2) END,
	jsonb_path_query_first(r.resource, '$.clinicalStatus.coding[*].code') #>> '{}',
	jsonb_path_query_first(r.resource, '$.verificationStatus.coding[*].code') #>> '{}',
	jsonb_path_query_first(r.resource, '$.category[*].coding[*].code') #>> '{}',
	r.resource -> 'code' -> 'coding' -> 0 ->> 'system',
	r.resource -> 'code' -> 'coding' -> 0 ->> 'code',
	r.resource -> 'code' -> 'coding' -> 0 ->> 'display',
	hand.fhir_time(r.resource ->> 'onsetDateTime'),
	r.resource ->> 'onsetDateTime',
	hand.fhir_time(r.resource ->> 'abatementDateTime'),
	r.resource ->> 'abatementDateTime',
	hand.fhir_time(r.resource ->> 'recordedDate'),
	r.resource ->> 'recordedDate',
	'Condition/' || r.id
FROM hdl_lake.resource r WHERE r.resource_type = 'Condition';

INSERT INTO hand.observations
SELECT r.id,
	CASE WHEN r.resource -> 'subject' ->> 'reference' LIKE 'Patient/%' THEN split_part(r.resource -> 'subject' ->> 'reference', '/', 2) END,
	r.resource -> 'meta' ->> 'source',
	CASE WHEN r.resource -> 'encounter' ->> 'reference' LIKE 'Encounter/%' THEN split_part(r.resource -> 'encounter' ->> 'reference', '/', 2) END,
	r.resource ->> 'status',
	jsonb_path_query_first(r.resource, '$.category[*].coding[*].code') #>> '{}',
	r.resource -> 'code' -> 'coding' -> 0 ->> 'system',
	r.resource -> 'code' -> 'coding' -> 0 ->> 'code',
	r.resource -> 'code' -> 'coding' -> 0 ->> 'display',
	(r.resource -> 'valueQuantity' ->> 'value')::numeric,
	r.resource -> 'valueQuantity' ->> 'unit',
	r.resource -> 'valueQuantity' ->> 'code',
	jsonb_path_query_first(r.resource, '$.valueCodeableConcept.coding[*].code') #>> '{}',
	r.resource ->> 'valueString',
	coalesce(jsonb_array_length(r.resource -> 'component'), 0),
	hand.fhir_time(r.resource ->> 'effectiveDateTime'),
	r.resource ->> 'effectiveDateTime',
	(r.resource ->> 'issued')::timestamptz,
	'Observation/' || r.id
FROM hdl_lake.resource r WHERE r.resource_type = 'Observation';

INSERT INTO hand.medication_requests
SELECT r.id,
	CASE WHEN r.resource -> 'subject' ->> 'reference' LIKE 'Patient/%' THEN split_part(r.resource -> 'subject' ->> 'reference', '/', 2) END,
	r.resource -> 'meta' ->> 'source',
	CASE WHEN r.resource -> 'encounter' ->> 'reference' LIKE 'Encounter/%' THEN split_part(r.resource -> 'encounter' ->> 'reference', '/', 2) END,
	r.resource ->> 'status',
	r.resource ->> 'intent',
	r.resource -> 'medicationCodeableConcept' -> 'coding' -> 0 ->> 'code',
	r.resource -> 'medicationCodeableConcept' -> 'coding' -> 0 ->> 'display',
	hand.fhir_time(r.resource ->> 'authoredOn'),
	r.resource ->> 'authoredOn',
	jsonb_path_query_first(r.resource, '$.courseOfTherapyType.coding[*].code') #>> '{}',
	jsonb_path_query_first(r.resource, '$.dosageInstruction[*].text') #>> '{}',
	(r.resource -> 'dosageInstruction' -> 0 -> 'asNeededBoolean')::boolean,
	(r.resource -> 'dispenseRequest' -> 'quantity' ->> 'value')::numeric,
	r.resource -> 'dispenseRequest' -> 'quantity' ->> 'unit',
	(r.resource -> 'dispenseRequest' -> 'expectedSupplyDuration' ->> 'value')::numeric,
	'MedicationRequest/' || r.id
FROM hdl_lake.resource r WHERE r.resource_type = 'MedicationRequest';
