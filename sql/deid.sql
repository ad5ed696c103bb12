-- De-identification by the rules generated from the R4 type model (issue #16): person resources
-- wherever they appear (contained, in a stored Bundle, in Parameters, Person), logical references
-- by a local identifier (MRN), unknown elements at level 'minimal', and the catalogue's keys.
-- Each case stored a name, phone number, birth date or local identifier in hdl_lake before.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_deid_gp IN ROLE hdl_provider;
CREATE ROLE regress_deid_other IN ROLE hdl_provider;
SELECT hdl.register_source('regress_deid_gp', 'DEIDGP', 'De-identification test GP') > 0 AS gp,
       hdl.register_source('regress_deid_other', 'DEIDOT', 'Another provider') > 0 AS other;

SET ROLE regress_deid_gp;
-- a Patient contained in an Observation: its name, telecom and exact birth date leave it
SELECT (hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"heart rate"},
  "contained":[{"resourceType":"Patient","id":"cp","name":[{"family":"Zqcontainedfamily","given":["Zqcontainedgiven"]}],
                "telecom":[{"system":"phone","value":"07700 900111"}],"birthDate":"1950-03-04","gender":"male",
                "address":[{"line":["1 Zqcontainedlane"],"city":"Zqcontainedcity","postalCode":"LS21 3QZ"}]}],
  "subject":{"reference":"#cp","display":"Zqcontainedfamily"}}$$) - 'meta' - 'id')::text AS contained;

-- a contained Patient with an NHS number gets that patient's pseudonym, and its identity joins
-- theirs in the vault: a re-identifier finds it
SELECT hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"x"},
  "contained":[{"resourceType":"Patient","id":"cn","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"4010232137"}],
                "name":[{"family":"Zqcontainednhs"}]}],"subject":{"reference":"#cn"}}$$) -> 'contained' -> 0 -> 'identifier' -> 0 ->> 'value' AS cn \gset
RESET ROLE;
SELECT :'cn' = hdl.pseudonymise('4010232137') AS contained_pseudonym;
CREATE ROLE regress_deid_reid IN ROLE hdl_reidentifier;
SET ROLE regress_deid_reid;
SELECT jsonb_path_query(hdl.reidentify(:'cn', 'regression test of contained patients'), '$.identities[*].identity') - 'hdlNestedIn' AS reidentified;
RESET ROLE;
SET ROLE regress_deid_gp;

-- a Patient inside a stored collection Bundle (and a RelatedPerson beside it, referring to it by
-- the Bundle's own fullUrl, and an Observation referring to a Patient the GP submitted, by the GP's id)
SELECT hdl.ingest('{"resourceType":"Patient","id":"Zqlocal-17","gender":"male"}') -> 'identifier' -> 0 ->> 'value' AS local17 \gset
SELECT pg_temp.mask(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Bundle","type":"collection","entry":[
   {"fullUrl":"urn:uuid:0d1e2f3a-4b5c-4d6e-8f70-00000000aa01","resource":{"resourceType":"Patient",
     "name":[{"family":"Zqbundlefamily"}],"telecom":[{"system":"phone","value":"07700 900222"}],"birthDate":"1951-05-06"}},
   {"fullUrl":"urn:uuid:0d1e2f3a-4b5c-4d6e-8f70-00000000aa02","resource":{"resourceType":"RelatedPerson",
     "patient":{"reference":"urn:uuid:0d1e2f3a-4b5c-4d6e-8f70-00000000aa01","display":"Zqbundlefamily"},"name":[{"family":"Zqrelatedfamily"}]}},
   {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/Zqlocal-17"}}}]},
  "request":{"method":"POST","url":"Bundle"}}]}$$)::text);

-- a Patient inside Parameters
SELECT (hdl.ingest($${"resourceType":"Parameters","parameter":[{"name":"person","resource":{"resourceType":"Patient",
  "identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"ZqparamMRN"}],"name":[{"text":"Zqparamname"}]}}]}$$)
  -> 'parameter')::text AS parameters;

-- a Person resource at the top level
SELECT (hdl.ingest($${"resourceType":"Person","name":[{"family":"Zqpersonfamily"}],"telecom":[{"system":"email","value":"zqperson@example.org"}],
  "birthDate":"1952-07-08","gender":"female","photo":{"contentType":"image/png","url":"https://example.org/Zqpersonphoto.png"}}$$)
  - 'meta' - 'id')::text AS person;

-- a Practitioner is staff: professional identity and birth date kept, photo to the vault
SELECT (hdl.ingest($${"resourceType":"Practitioner","name":[{"family":"Registered"}],"birthDate":"1970-01-02",
  "photo":[{"contentType":"image/png","url":"https://example.org/Zqstaffphoto.png"}]}$$) - 'meta' - 'id')::text AS practitioner;

-- logical references by the GP system's MRN: to the linked patient, or (first sight) to the
-- pseudonym that MRN gives, which the Patient gets when it comes
SELECT hdl.ingest($${"resourceType":"Patient","identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"ZqMRN-1001"}],"gender":"male"}$$) -> 'identifier' -> 0 ->> 'value' AS p1001 \gset
SELECT hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"bp"},
  "subject":{"identifier":{"system":"https://gp.example.nhs.uk/Id/mrn","value":"ZqMRN-1001"},"display":"Zqdisplayname"}}$$) -> 'subject'
  = jsonb_build_object('reference', 'Patient/' || :'p1001') AS mrn_reference_linked;
SELECT hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"bp"},
  "subject":{"identifier":{"system":"https://gp.example.nhs.uk/Id/mrn","value":"ZqMRN-2002"}}}$$) -> 'subject' ->> 'reference' AS first_sight \gset
SELECT pg_temp.mask(:'first_sight') AS first_sight;
SELECT 'Patient/' || (hdl.ingest($${"resourceType":"Patient","identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"ZqMRN-2002"}]}$$) -> 'identifier' -> 0 ->> 'value')
  = :'first_sight' AS patient_links_to_first_sight;
-- a practitioner's identifier in a reference is staff data: kept
SELECT hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"x"},
  "performer":[{"type":"Practitioner","identifier":{"system":"https://fhir.nhs.uk/Id/sds-user-id","value":"555000111"},"display":"Dr Staff"}]}$$)
  -> 'performer' AS staff_reference;
-- a reference to a RelatedPerson by identifier: no pseudonym to point at, the identifier goes
SELECT hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"x"},
  "performer":[{"type":"RelatedPerson","identifier":{"value":"ZqrelatedID"}}]}$$) -> 'performer' AS related_reference;
RESET ROLE;
-- the stored collection Bundle (a superuser looks)
SELECT pg_temp.mask((resource -> 'entry')::text) AS stored_collection FROM hdl_lake.resource WHERE resource_type = 'Bundle'
  AND resource -> 'entry' -> 0 -> 'resource' ->> 'birthDate' = '1951-05';
SELECT resource -> 'entry' -> 2 -> 'resource' -> 'subject' ->> 'reference' = 'Patient/' || :'local17' AS local_id_to_pseudonym
FROM hdl_lake.resource WHERE resource_type = 'Bundle' AND resource -> 'entry' -> 0 -> 'resource' ->> 'birthDate' = '1951-05';

-- another provider's MRN of the same value means nothing to this one: a pseudonym of its own
SET ROLE regress_deid_other;
SELECT hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"bp"},
  "subject":{"identifier":{"system":"https://gp.example.nhs.uk/Id/mrn","value":"ZqMRN-1001"}}}$$) -> 'subject' ->> 'reference'
  <> 'Patient/' || :'p1001' AS other_provider_not_linked;
RESET ROLE;

-- level 'minimal' never weakens de-identification: unknown elements leave person resources
-- (to the vault), and the catalogue records no key that is not an R4 element
SET ROLE regress_deid_gp;
SELECT (hdl.ingest($${"resourceType":"Patient","gender":"other","nhsNumber":"9434765870","fullName":"Zqminimalname",
  "contact":[{"relationship":[{"text":"sister"}],"mobile":"07700 900333"}]}$$, 'minimal') - 'meta' - 'id' - 'identifier')::text AS minimal_patient;
SELECT (hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"x"},"ZqSmith4857773456":true,
  "subject":{"display":"x","Zqkeyname":1}}$$, 'minimal') - 'meta' - 'id')::text AS minimal_observation;
RESET ROLE;
SELECT count(*) AS unknown_keys_in_catalogue FROM hdl.catalog_elements
WHERE path LIKE '%Zq%' OR path LIKE '%nhsNumber%' OR path LIKE '%fullName%' OR path LIKE '%mobile%';
-- (the unknown key of the Observation, not a person resource, stays in the lake: docs/pseudonymisation.md)
SELECT count(*) AS observation_key_in_lake FROM hdl_lake.resource WHERE resource ? 'ZqSmith4857773456';
SELECT string_agg(path, ', ' ORDER BY path) AS catalogue_paths FROM hdl.catalog_element_paths('{"resourceType":"Observation","status":"final","Zqkey":{"a":1},"code":{"Zqx":1,"text":"t"},"contained":[{"resourceType":"Patient","Zqy":1,"gender":"male"}]}');

-- identifiers typed into free text (hdl.pseudo_redact_free_text): NHS numbers with a valid check
-- digit, e-mail addresses, UK phone numbers and full postcodes are replaced wherever text is free;
-- near misses, machine values and an organisation's structured address stay as sent
SET ROLE regress_deid_gp;
SELECT pg_temp.mask(jsonb_pretty(hdl.ingest($${"resourceType":"Observation","status":"final",
  "code":{"text":"call back on 07700 900444"},"subject":{"reference":"Patient/Zqlocal-17"},
  "note":[{"text":"NHS 943 476 5919 (not 9434765918), zqfree@example.org, lives LS2 7ZZ, BP 120/80 on 2024-05-06"}],
  "valueString":"+44 (0)113 496 0444",
  "identifier":[{"system":"https://lab.example.org/id","value":"9434765919"}]}$$) - 'meta' - 'id')) AS free_text;
SELECT hdl.ingest($${"resourceType":"Organization","name":"Zqfree practice","address":[{"postalCode":"LS1 4AP"}],
  "telecom":[{"system":"phone","value":"0113 496 0999"}]}$$) -> 'address' -> 0 ->> 'postalCode' AS organisation_postcode;
RESET ROLE;
-- a superuser may switch it off (say, for a feed known to carry none): then text is stored as sent
SET hdl.pseudo_redact_free_text = off;
SET ROLE regress_deid_gp;
SELECT hdl.ingest($${"resourceType":"Observation","status":"final","code":{"text":"x"},
  "note":[{"text":"Zqoff 07700 900555"}]}$$) -> 'note' -> 0 ->> 'text' AS redaction_off;
RESET ROLE;
RESET hdl.pseudo_redact_free_text;
SET ROLE regress_deid_gp;
SELECT pg_temp.regress_try('SET hdl.pseudo_redact_free_text = off') AS provider_cannot_switch_it_off;
RESET ROLE;

-- nothing of the above reaches anything hdl_engineer or hdl_analyst can read
CREATE TEMP TABLE secrets(s text);
INSERT INTO secrets VALUES ('Zqcontained'), ('900111'), ('1950-03-04'), ('Zqbundle'), ('900222'), ('1951-05-06'),
	('Zqrelated'), ('Zqparam'), ('Zqperson'), ('1952-07-08'), ('Zqstaffphoto'), ('ZqMRN'),
	('Zqdisplayname'), ('Zqlocal'), ('Zqcontainednhs'), ('4010232137'), ('9434765870'), ('Zqminimal'), ('900333'), ('LS21 3QZ'),
	('476 5919'), ('zqfree'), ('900444'), ('LS2 7ZZ'), ('496 0444');
CREATE TEMP TABLE leaks(tbl text, secret text);
DO $$
DECLARE
	t record;
	n bigint;
	pattern text := (SELECT string_agg(s, '|') FROM secrets); -- letters, digits, '-' and ' ' only
BEGIN
	FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
	         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ns.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
	           AND (has_table_privilege('hdl_engineer', c.oid, 'SELECT') OR has_table_privilege('hdl_analyst', c.oid, 'SELECT'))
	LOOP
		EXECUTE format('SELECT count(*) FROM %s x WHERE x::text ~ %L', t.rel, pattern) INTO n;
		IF n > 0 THEN
			EXECUTE format('INSERT INTO leaks SELECT %L, s FROM pg_temp.secrets WHERE EXISTS (SELECT 1 FROM %s x WHERE strpos(x::text, s) > 0)',
			               t.rel, t.rel);
		END IF;
	END LOOP;
END $$;
SELECT * FROM leaks ORDER BY 1, 2;
-- they are in the vault (encrypted): one row per person resource and per first-seen MRN
SELECT split_part(subject, '/', 1) AS subject_type, count(*) AS rows FROM hdl_vault.identity i
JOIN hdl.source s USING (source_id) WHERE s.org_code IN ('DEIDGP', 'DEIDOT') GROUP BY 1 ORDER BY 1;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
