-- The starter kit: the installed ViewDefinitions are exactly marts/*.json, and
-- hdl.install_starter_marts() builds the five marts over a small record.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
SELECT :'abs_srcdir' || '/marts' AS marts_dir \gset
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
-- one source of truth: every file is installed unchanged, and nothing else is
SELECT coalesce(f.name, v.name) AS name, f.view = v.view AS same
FROM (SELECT replace(f, '.json', '') AS name, pg_read_file(:'marts_dir' || '/' || f)::jsonb AS view
      FROM pg_ls_dir(:'marts_dir') f WHERE f LIKE '%.json') f
FULL JOIN hdl.starter_views() v ON v.name = f.name ORDER BY 1;
-- every starter view compiles, and its columns are documented
SELECT v.name, count(*) AS columns, count(*) FILTER (WHERE c.description IS NULL) AS undocumented
FROM hdl.starter_views() v, LATERAL hdl._sof_columns(v.view) c GROUP BY 1 ORDER BY 1;

CREATE ROLE regress_starter_feed IN ROLE hdl_provider;
CREATE ROLE regress_starter_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_starter_analyst IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_starter_feed', 'STARTER1', 'starter kit feed') > 0 AS registered;
SET ROLE regress_starter_feed;
SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","resource":{"resourceType":"Patient",
   "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}],"active":true,"gender":"female","birthDate":"1984-06-21",
   "name":[{"family":"Doe","given":["Jane"]}],"address":[{"use":"home","line":["1 Road"],"city":"Leeds","district":"West Yorkshire","postalCode":"LS1 4AP","country":"GB"}],
   "deceasedBoolean":false},"request":{"method":"POST","url":"Patient"}},
 {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","resource":{"resourceType":"Encounter","status":"finished",
   "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
   "type":[{"coding":[{"system":"http://snomed.info/sct","code":"185347001","display":"Encounter for problem"}],"text":"GP consultation"}],
   "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},
   "period":{"start":"2024-03-01T09:00:00+00:00","end":"2024-03-01T09:10:00+00:00"},
   "diagnosis":[{"condition":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003"}}]},"request":{"method":"POST","url":"Encounter"}},
 {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000003","resource":{"resourceType":"Condition",
   "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
   "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},
   "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis"}]}],
   "code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003","display":"Hypertension"}]},
   "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"encounter":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002"},
   "onsetDateTime":"2024-02","recordedDate":"2024-03-01T09:05:00+00:00"},"request":{"method":"POST","url":"Condition"}},
 {"resource":{"resourceType":"Observation","status":"final",
   "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
   "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
   "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"encounter":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002"},
   "effectiveDateTime":"2024-03-01T09:03:00+00:00","issued":"2024-03-01T09:04:00Z",
   "valueQuantity":{"value":72.50,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"}},"request":{"method":"POST","url":"Observation"}},
 {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"365980008","display":"Tobacco use"}]},
   "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2024",
   "valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"8517006","display":"Ex-smoker"}]}},"request":{"method":"POST","url":"Observation"}},
 {"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",
   "medicationCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"318857001","display":"Amlodipine 5mg tablets"}]},
   "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"encounter":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002"},
   "authoredOn":"2024-03-01","courseOfTherapyType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy","code":"continuous"}]},
   "dosageInstruction":[{"text":"One tablet daily","asNeededBoolean":false}],
   "dispenseRequest":{"quantity":{"value":28,"unit":"tablet"},"expectedSupplyDuration":{"value":28,"unit":"days","system":"http://unitsofmeasure.org","code":"d"}}},
   "request":{"method":"POST","url":"MedicationRequest"}}]}') AS resp \gset
RESET ROLE;
SELECT e -> 'response' ->> 'status' AS status FROM jsonb_array_elements(:'resp'::jsonb -> 'entry') e;
-- other tests share the lake: look at this record only
-- (the patient's pseudonym: the patient column of the feed's own Patient record)
SELECT r.patient AS pid FROM jsonb_array_elements(:'resp'::jsonb -> 'entry') e
JOIN hdl_lake.resource r ON r.resource_type = 'Patient' AND r.id = split_part(e -> 'response' ->> 'location', '/', 2)
WHERE e -> 'response' ->> 'location' LIKE 'Patient/%' \gset

SET ROLE regress_starter_engineer;
SELECT * FROM hdl.install_starter_marts() ORDER BY 1::text;
-- a second call creates nothing new
SELECT count(*) FROM hdl.install_starter_marts();
SELECT name, view, resource_type, rows > 0 AS has_rows FROM hdl.marts WHERE name IN (SELECT name FROM hdl.starter_views()) ORDER BY name;
RESET ROLE;
SET ROLE regress_starter_analyst;
-- time columns are typed (timestamptz; a partial date is the start of its period, at UTC), and
-- <name>_text keeps the FHIR text with its precision and offset
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\x on
SELECT pg_temp.mask(patient_id) AS patient_id, source, gender, birth_year_month, birth_year, postcode_district, district, country, active,
	deceased, deceased_date_time, deceased_date_time_text, general_practice_id, last_updated IS NOT NULL AS has_last_updated, pg_temp.mask(_resource_key) AS _resource_key FROM mart.patients WHERE patient_id = :'pid';
SELECT e.encounter_id IS NOT NULL AS has_id, pg_temp.mask(e.patient_id) AS patient_id, e.source, e.status, e.class_code, e.type_code, e.type_display, e.type_text,
	e.start_time, e.start_time_text, e.end_time, e.end_time_text, e.service_provider_id, e.diagnosis_count FROM mart.encounters e WHERE patient_id = :'pid';
SELECT pg_temp.mask(patient_id) AS patient_id, encounter_id = (SELECT encounter_id FROM mart.encounters WHERE patient_id = :'pid') AS encounter_joins, clinical_status,
	verification_status, category, code_system, code, display, onset, onset_text, abatement, abatement_text, recorded_date, recorded_date_text FROM mart.conditions WHERE patient_id = :'pid';
SELECT pg_temp.mask(patient_id) AS patient_id, encounter_id IS NOT NULL AS has_encounter, status, category, code_system, code, display,
	value_quantity, unit, unit_code, value_code, value_string, component_count, effective_time, effective_time_text, issued FROM mart.observations WHERE patient_id = :'pid' ORDER BY code;
SELECT pg_temp.mask(patient_id) AS patient_id, status, intent, medication_code, medication_display, authored_on, authored_on_text, course_of_therapy,
	dosage_text, as_needed, quantity, quantity_unit, supply_days FROM mart.medication_requests WHERE patient_id = :'pid';
\x off
-- the marts join on the pseudonym
SELECT p.gender, count(DISTINCT o.observation_id) AS observations, count(DISTINCT c.condition_id) AS conditions
FROM mart.patients p JOIN mart.observations o USING (patient_id) JOIN mart.conditions c USING (patient_id) WHERE patient_id = :'pid' GROUP BY 1;
SELECT pg_typeof(value_quantity) AS value_type, pg_typeof(issued) AS issued_type, pg_typeof(effective_time) AS effective_type
FROM mart.observations WHERE patient_id = :'pid' LIMIT 1;
-- time columns compare as times: the observation of "2024" falls in 2024
SELECT code, effective_time_text FROM mart.observations
WHERE patient_id = :'pid' AND effective_time >= '2024-01-01' AND effective_time < '2025-01-01' ORDER BY code;
RESET TimeZone;
RESET DateStyle;
RESET ROLE;
-- every starter mart has its default indexes: patient key and main time column
SELECT name, index_columns FROM hdl.mart WHERE name IN (SELECT name FROM hdl.starter_views()) ORDER BY name;
SET ROLE regress_starter_engineer;
SELECT hdl.drop_mart(name) FROM hdl.starter_views() ORDER BY name;
RESET ROLE;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
