-- Pseudonymisation: identifiers leave the clinical copy for the encrypted vault in the same
-- transaction; one patient from two feeds links to one pseudonym; references are rewritten;
-- re-identification is a separate, recorded privilege; keys rotate.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\i :abs_srcdir/test/sql/keys.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SELECT current_user AS superuser \gset
CREATE ROLE regress_ps_gp IN ROLE hdl_provider;
CREATE ROLE regress_ps_acute IN ROLE hdl_provider;
CREATE ROLE regress_ps_analyst IN ROLE hdl_analyst;
CREATE ROLE regress_ps_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_ps_reid IN ROLE hdl_reidentifier;
SELECT hdl.register_source('regress_ps_gp', 'PSGP1', 'Pseudo test GP') > 0 AS gp,
       hdl.register_source('regress_ps_acute', 'PSAC1', 'Pseudo test acute trust') > 0 AS acute;

-- the SQL pseudonym equals pgcrypto's HMAC under the same key (test/regress.keys)
SELECT hdl.pseudonymise('9434765919') = encode(hmac('9434765919', 'regress-pseudonym-key-0123456789abcdef', 'sha256'), 'hex') AS matches_pgcrypto;
SELECT * FROM hdl.key_ids() ORDER BY name;
SELECT length(hdl.pseudonymise('9434765919')) AS pseudonym_length;
SELECT hdl.pseudonymise('9434765919') AS pseudonym \gset
-- each source keeps its own record of the person: <ODS code>.<pseudonym prefix> (docs/ingest.md)
SELECT 'PSGP1.' || left(:'pseudonym', 58) AS gp_record, 'PSAC1.' || left(:'pseudonym', 58) AS acute_record \gset

SET ROLE regress_ps_gp;
SELECT pg_temp.mask(hdl.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:6c1d2f1e-1111-4a1a-9a1a-000000000001",
  "resource":{"resourceType":"Patient","id":"gp-local-17",
   "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Ada Lovelace-Quill</div>"},
   "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"},
                 {"system":"https://gp.example.nhs.uk/Id/mrn","value":"GPMRN-4471"}],
   "name":[{"family":"Lovelace-Quill","given":["Ada","Byronetta"]}],
   "telecom":[{"system":"phone","value":"01632 960431"}],
   "gender":"female","birthDate":"1961-07-23",
   "address":[{"line":["17 Quillfeather Lane"],"city":"Otleyburn","postalCode":"LS21 3QZ","country":"GB"}],
   "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName","valueString":"Featherstonehaugh"}],
   "contact":[{"name":{"family":"Quill","given":["Byron"]},"telecom":[{"system":"phone","value":"01632 960999"}]}]},
  "request":{"method":"PUT","url":"Patient/gp-local-17"}},
 {"resource":{"resourceType":"Condition","subject":{"reference":"urn:uuid:6c1d2f1e-1111-4a1a-9a1a-000000000001","display":"Ada Lovelace-Quill"},
   "code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003"}]}},
  "request":{"method":"POST","url":"Condition"}},
 {"resource":{"resourceType":"Observation","status":"final","code":{"text":"heart rate"},
   "subject":{"reference":"Patient/gp-local-17"},
   "valueQuantity":{"value":61,"unit":"/min"}},
  "request":{"method":"POST","url":"Observation"}}]}$$)::text);
-- a later resource from the same feed refers to the patient by the feed's own id
SELECT hdl.ingest('{"resourceType":"AllergyIntolerance","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},"patient":{"reference":"Patient/gp-local-17"},"code":{"text":"penicillin"}}') -> 'patient' ->> 'reference' = 'Patient/' || :'pseudonym' AS linked_by_local_id;
-- a logical reference by NHS number becomes a literal reference, and keeps no number
SELECT pg_temp.mask((hdl.ingest('{"resourceType":"Procedure","status":"completed","subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}},"code":{"text":"ECG"}}') -> 'subject')::text) AS subject;
RESET ROLE;

-- the acute trust sees the same person with its own MRN: same pseudonym, the trust's own record
SET ROLE regress_ps_acute;
SELECT pg_temp.mask(hdl.ingest('{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"},{"system":"https://acute.example.nhs.uk/Id/mrn","value":"AC-88"}],"name":[{"family":"Lovelace-Quill","given":["Ada"]}],"gender":"female","birthDate":"1961-07-23"}')::text);
-- the acute trust cannot use the GP's local id
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/gp-local-17"}}')$$);
-- but can find the patient by its own MRN, or by NHS number
SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"bp"},"subject":{"reference":"Patient?identifier=https://acute.example.nhs.uk/Id/mrn|AC-88"}}') -> 'subject' ->> 'reference' = 'Patient/' || :'pseudonym' AS linked_by_mrn;
RESET ROLE;

-- the clinical copies: the pseudonym identifier, generalised birth date and postcode, no names
SELECT version, pg_temp.mask((resource - 'meta')::text) AS clinical_copy
FROM hdl_lake.resource WHERE resource_type = 'Patient' AND patient = :'pseudonym' ORDER BY id;
SELECT pg_temp.mask((hdl.vread('Patient', :'gp_record', 1) - 'meta')::text) AS gp_version;
SELECT resource_type, count(*) AS resources
FROM hdl_lake.resource WHERE resource_type <> 'Patient' AND patient = :'pseudonym' GROUP BY 1 ORDER BY 1;
SELECT pg_temp.mask(id) AS id, version, source_id = (SELECT source_id FROM hdl.source WHERE org_code = 'PSAC1') AS from_acute
FROM hdl_lake.resource_history WHERE resource_type = 'Patient' AND patient = :'pseudonym' ORDER BY id, version;
-- references to the patient carry no display text
SELECT pg_temp.mask((resource -> 'subject')::text) AS subject FROM hdl_lake.resource WHERE resource_type = 'Condition' AND patient = :'pseudonym';

-- no direct identifier appears anywhere outside the vault: scan every hdl table as text
CREATE TEMP TABLE secrets(s text);
INSERT INTO secrets VALUES ('9434765919'), ('Lovelace'), ('Byronetta'), ('960431'), ('960999'), ('Quillfeather'),
	('Otleyburn'), ('1961-07-23'), ('GPMRN-4471'), ('AC-88'), ('Featherstonehaugh'), ('gp-local-17'), ('LS21 3QZ');
CREATE TEMP TABLE leaks(tbl text, secret text);
DO $$
DECLARE
	t record;
	n bigint;
	sec text;
BEGIN
	FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
	         WHERE ns.nspname IN ('hdl', 'hdl_lake', 'hdl_audit', 'mart') AND c.relkind IN ('r', 'p', 'v', 'm')
	LOOP
		FOR sec IN SELECT s FROM secrets LOOP
			EXECUTE format('SELECT count(*) FROM %s x WHERE x::text LIKE %L', t.rel, '%' || sec || '%') INTO n;
			IF n > 0 THEN INSERT INTO leaks VALUES (t.rel::text, sec); END IF;
		END LOOP;
	END LOOP;
END $$;
SELECT * FROM leaks ORDER BY 1, 2;
-- the vault holds them only encrypted
SELECT count(*) AS vault_rows, bool_and(position(convert_to('Lovelace', 'UTF8') IN payload) = 0) AS encrypted
FROM hdl_vault.identity WHERE subject = 'Patient/' || :'pseudonym';
SELECT count(*) AS links FROM hdl_vault.link WHERE pseudonym = :'pseudonym';

-- who may read what
SET ROLE regress_ps_analyst;
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl_lake.resource');
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl_vault.identity');
SELECT pg_temp.regress_try($$SELECT hdl.reidentify('x', 'curiosity is no purpose')$$);
RESET ROLE;
SET ROLE regress_ps_gp;
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl_lake.resource');
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl_vault.link');
RESET ROLE;
SET ROLE regress_ps_engineer;
SELECT count(*) > 0 AS engineer_reads_lake FROM hdl_lake.resource;
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl_vault.identity');
SELECT pg_temp.regress_try($$SELECT hdl.pseudonymise('9434765919')$$);
RESET ROLE;

-- re-identification: only its role, only with a purpose, always recorded
SET ROLE regress_ps_reid;
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', :'pseudonym', 'why'));
SELECT jsonb_pretty(hdl.reidentify(:'pseudonym', 'safeguarding referral SR-2024-118') #- '{identities,0,received}' #- '{identities,1,received}' #- '{pseudonym}');
SELECT pg_temp.regress_try($$SELECT hdl.reidentify('0000', 'safeguarding referral SR-2024-118')$$);
RESET ROLE;
SELECT role_name, pseudonym = :'pseudonym' AS right_pseudonym, purpose FROM hdl_vault.reidentification ORDER BY reidentified_at;

-- hostile input is data, not SQL
SET ROLE regress_ps_gp;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","id":"x''); DROP TABLE hdl_lake.resource; --"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient; DROP TABLE hdl.source"}')$$);
SELECT hdl.ingest($j${"resourceType":"Patient","identifier":[{"system":"https://gp.example.nhs.uk/Id/mrn","value":"'); DELETE FROM hdl_vault.link; --"}],"gender":"male"}$j$) ->> 'gender' AS stored_safely;
SELECT pg_temp.regress_try($q$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient?identifier=x|'');DROP TABLE hdl.source;--"}}]}')$q$);
RESET ROLE;
SELECT count(*) > 0 AS lake_intact FROM hdl_lake.resource;
SELECT count(*) AS sources_intact FROM hdl.source WHERE org_code IN ('PSGP1', 'PSAC1');

-- a clinical copy read back from the lake and submitted again is the same patient: a new version
-- of the submitter's own record (the GP's copy sent by the trust changes the trust's record only)
SELECT hdl.read('Patient', :'gp_record') AS lake_copy \gset
SET ROLE regress_ps_acute;
SELECT (hdl.ingest(:'lake_copy') ->> 'id') = :'acute_record' AS same_patient;
RESET ROLE;
SELECT pg_temp.mask(id) AS id, max(version) AS versions FROM hdl_lake.resource_history
WHERE resource_type = 'Patient' AND patient = :'pseudonym' GROUP BY id ORDER BY id;
-- decimals keep every digit they were sent with
SET ROLE regress_ps_gp;
SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"temp"},"subject":{"reference":"Patient/gp-local-17"},"valueQuantity":{"value":37.50,"unit":"Cel"},"component":[{"code":{"text":"precise"},"valueQuantity":{"value":0.123456789012345678901234567890}}]}') #>> '{valueQuantity,value}' AS stored_value;
RESET ROLE;
SELECT resource -> 'component' -> 0 -> 'valueQuantity' ->> 'value' AS long_decimal
FROM hdl_lake.resource WHERE resource_type = 'Observation' AND resource -> 'code' ->> 'text' = 'temp';

-- key rotation: the vault is re-encrypted, links are rebuilt under the new key, pseudonyms stay.
-- The new keys come from a new key file (hdl.key_file; the file's previous keys still decrypt).
\set no_file :abs_srcdir/no/such/file.keys
SET hdl.key_file = :'no_file';
SELECT pg_temp.regress_try('SELECT hdl.rotate_vault_key()') ~ '^F0000: could not use key file ".*/no/such/file.keys": it cannot be opened' AS missing_file_refused;
SELECT pg_temp.write_keys('regress_vault2.keys', ARRAY['# the vault key rotated',
	'pseudonym_key = test1:regress-pseudonym-key-0123456789abcdef',
	'vault_key = vault2:regress-vault-key-rotated-fedcba9876543210',
	'vault_key_previous = vault1:regress-vault-key-0123456789abcdef']) AS key_file \gset
SET hdl.key_file = :'key_file';
SELECT * FROM hdl.key_ids() ORDER BY name;
-- every vault row is re-encrypted, however many earlier tests wrote (locked: none arrives meanwhile)
BEGIN;
LOCK TABLE hdl_vault.identity IN SHARE ROW EXCLUSIVE MODE;
SELECT count(*) AS to_reencrypt FROM hdl_vault.identity WHERE key_id <> 'vault2' \gset
SELECT hdl.rotate_vault_key() = :to_reencrypt AS every_row_reencrypted, :to_reencrypt > 0 AS there_were_rows;
COMMIT;
SELECT DISTINCT key_id FROM hdl_vault.identity;
SELECT pg_temp.write_keys('regress_pseudonym2.keys', ARRAY[
	'pseudonym_key = test2:regress-pseudonym-key-rotated-fedcba98765',
	'vault_key = "vault2:regress-vault-key-rotated-fedcba9876543210"']) AS key_file \gset
SET hdl.key_file = :'key_file';
SELECT hdl.rotate_pseudonym_key() > 0 AS relinked;
SELECT DISTINCT key_id FROM hdl_vault.link;
SET ROLE regress_ps_acute;
SELECT hdl.ingest('{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"gender":"female"}') ->> 'id' = :'acute_record' AS same_pseudonym_after_rotation;
SELECT hdl.ingest('{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?identifier=https://acute.example.nhs.uk/Id/mrn|AC-88"}}') -> 'subject' ->> 'reference' = 'Patient/' || :'pseudonym' AS mrn_link_rotated;
RESET ROLE;
SET ROLE regress_ps_reid;
SELECT jsonb_path_query_first(hdl.reidentify(:'pseudonym', 'audit of key rotation RT-7'), '$.identities[*] ? (@.source == "PSGP1").identity.name') AS decrypts_with_new_key;
RESET ROLE;
-- without keys, nothing can be ingested
SELECT pg_temp.write_keys('regress_vault_only.keys', ARRAY['vault_key = vault2:regress-vault-key-rotated-fedcba9876543210']) AS key_file \gset
SET hdl.key_file = :'key_file';
SET ROLE regress_ps_gp;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient"}')$$);
RESET ROLE;
SET hdl.key_file = '';
SET ROLE regress_ps_gp;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient"}')$$);
RESET ROLE;
RESET hdl.key_file;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
