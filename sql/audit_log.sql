-- The audit trail: every ingest batch, key rotation, source registration and capability event
-- leaves an entry in its own transaction, re-identifications and their refusals a durable one;
-- rejected ingests leave a server-log line (shown here as NOTICEs through
-- hdl.audit_log_client); the log is append-only for every
-- role; a superuser's edit, deletion, chain rewrite or forged entry is named by
-- hdl.audit_verify(); entries are valid FHIR R4 AuditEvents and name pseudonyms only.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\i :abs_srcdir/test/sql/keys.sql
\set ECHO all
\set VERBOSITY terse
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_au_feed IN ROLE hdl_provider;
CREATE ROLE regress_au_stranger IN ROLE hdl_provider;
CREATE ROLE regress_au_auditor IN ROLE hdl_auditor;
CREATE ROLE regress_au_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_au_reid IN ROLE hdl_reidentifier;
SELECT coalesce(max(entry_id), 0) AS start FROM hdl_audit.log \gset
-- hides batch and entry numbers (they depend on the tests before this one), then pg_temp.mask
CREATE FUNCTION pg_temp.mask_n(doc text) RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.mask(regexp_replace(regexp_replace(regexp_replace(doc,
		'(batch:|source:|"batch": |hdl-audit-)\d+', '\1<n>', 'g'),
		'("type": "batch",\s+"valueString": ")\d+', '\1<n>', 'g'),
		'("batch", "valueString": ")\d+', '\1<n>', 'g')) $$;
-- shows this test's entries, masked
CREATE FUNCTION pg_temp.entries(after bigint) RETURNS TABLE (event text, role_name name, subject text, detail text)
LANGUAGE sql AS $$
	SELECT event, role_name, pg_temp.mask_n(subject), pg_temp.mask_n(detail::text)
	FROM hdl_audit.log WHERE entry_id > after ORDER BY entry_id $$;

-- a source registration is recorded (trigger on hdl.source)
SELECT hdl.register_source('regress_au_feed', 'AUD1', 'Audit test feed') > 0 AS registered;
SELECT * FROM pg_temp.entries(:start);
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset

-- ingests: one entry per call, naming every stored version; updates get the next version
SET ROLE regress_au_feed;
SELECT hdl.ingest('{"resourceType":"Patient","id":"au-p1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449305552"}],"name":[{"family":"Auditson","given":["Ada"]}],"birthDate":"1950-03-04"}') -> 'identifier' -> 0 ->> 'value' AS pseudonym \gset
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"au-dr","name":[{"family":"Quill"}]}') IS NOT NULL AS stored;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"au-dr","name":[{"family":"Quill-Smith"}]}') IS NOT NULL AS updated;
SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Observation","id":"au-o1","status":"final","code":{"text":"hr"},"subject":{"reference":"Patient/au-p1"}},"request":{"method":"PUT","url":"Observation/au-o1"}},
 {"resource":{"resourceType":"Observation","id":"au-o2","status":"final","code":{"text":"bp"},"subject":{"reference":"Patient/au-p1"}},"request":{"method":"PUT","url":"Observation/au-o2"}}]}') IS NOT NULL AS stored;
SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Observation","id":"au-o3","status":"final","code":{"text":"rr"}},"request":{"method":"PUT","url":"Observation/au-o3"}},
 {"resource":{"resourceType":"Observation","id":"au-o4","status":"done","code":{"text":"rr"}},"request":{"method":"PUT","url":"Observation/au-o4"}}]}') IS NOT NULL AS stored;
RESET ROLE;
SELECT * FROM pg_temp.entries(:mark);
-- the ingest entries are in the same transaction as the data: a rolled-back ingest leaves none
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
BEGIN;
SET LOCAL ROLE regress_au_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"au-gone","name":[{"family":"Never"}]}') IS NOT NULL AS stored;
ROLLBACK;
SELECT count(*) AS entries_after_rollback FROM hdl_audit.log WHERE entry_id > :mark;

-- rejected calls roll back, so they are server-log lines (here also NOTICEs); quoted values in
-- the message are redacted, they may be patient data
SET hdl.audit_log_client = on;
SET ROLE regress_au_feed;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient","birthDate":"1950-03-04x"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.ingest_bundle('{"resourceType":"Bundle","type":"collection"}')$$);
RESET ROLE;
SET ROLE regress_au_stranger;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Patient"}')$$);
RESET ROLE;
SELECT count(*) AS entries_after_rejections FROM hdl_audit.log WHERE entry_id > :mark;

-- re-identification: an entry with who, pseudonym and purpose; refusals are entries too (both
-- durable: sql/audit_durable.sql)
SET ROLE regress_au_reid;
SELECT hdl.reidentify(:'pseudonym', 'safeguarding referral AU-17') -> 'identities' -> 0 ->> 'source' AS reidentified_from;
SELECT pg_temp.regress_try($$SELECT hdl.reidentify('9449305552', 'short')$$);
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', repeat('0', 64), 'checking an unknown pseudonym'));
RESET ROLE;
RESET hdl.audit_log_client;
SELECT * FROM pg_temp.entries(:mark);

-- key rotation: key ids and counts, never secrets
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
SELECT pg_temp.write_keys('regress_audit_rotation.keys', ARRAY[
	'pseudonym_key = test1:regress-pseudonym-key-0123456789abcdef',
	'vault_key = vault9:regress-vault-key-audit-rotation-0000',
	'vault_key_previous = vault1:regress-vault-key-0123456789abcdef']) AS key_file \gset
BEGIN;
SET LOCAL hdl.key_file = :'key_file';
SELECT hdl.rotate_vault_key() >= 1 AS reencrypted;
SELECT event, subject, detail ->> 'from_key_id' AS from_key, detail ->> 'to_key_id' AS to_key, (detail ->> 'rows')::int >= 1 AS rows
FROM hdl_audit.log WHERE entry_id > :mark;
SELECT count(*) AS secrets_in_log FROM hdl_audit.log WHERE detail::text LIKE '%regress-vault-key%' OR detail::text LIKE '%regress-pseudonym-key%';
ROLLBACK;

-- other capabilities write through hdl.audit_write (marts, ETL jobs, exports)
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
SELECT hdl.audit_write('mart_refresh', 'mart:mart.au_test', '{"mode": "incremental", "rows": 3}') > :mark AS written;
SELECT hdl.audit_write('job_change', 'job:7', NULL) > :mark AS written;
SELECT * FROM pg_temp.entries(:mark);
SELECT pg_temp.regress_try($$SELECT hdl.audit_write('Bad Event!', NULL, NULL)$$);
SELECT pg_temp.regress_try($$SELECT hdl.audit_log_line('x', NULL, '[1]')$$);
SELECT pg_temp.regress_try($$SELECT hdl.audit_log_line(NULL, NULL, NULL)$$);

-- entries name pseudonyms, never the NHS number, names or birth date that were submitted
SELECT count(*) AS identifiers_in_log FROM hdl_audit.log
WHERE concat_ws(' ', subject, detail::text) ~ '9449305552|Auditson|1950-03-04';

-- every entry is a valid FHIR R4 AuditEvent
SELECT count(*) > 0 AS some_events,
       count(*) FILTER (WHERE hdl.validate(resource) -> 'issue' -> 0 ->> 'severity' <> 'information') AS invalid
FROM hdl.audit_events;
SELECT pg_temp.mask_n(jsonb_pretty(resource - 'recorded' - 'source')) AS audit_event
FROM hdl.audit_events WHERE event = 'ingest' AND entry_id > :start AND resource ->> 'outcome' = '4';
SELECT resource -> 'type' ->> 'code' AS type, resource ->> 'action' AS action, resource -> 'agent' -> 0 -> 'who' ->> 'display' AS who,
       pg_temp.mask(resource -> 'entity' -> 0 -> 'what' ->> 'reference') AS entity,
       resource -> 'purposeOfEvent' -> 0 ->> 'text' AS purpose
FROM hdl.audit_events WHERE event = 'reidentify' AND entry_id > :start;

-- who may read: auditors; nobody else
SET ROLE regress_au_auditor;
SELECT count(*) > 0 AS auditor_reads_log FROM hdl_audit.log;
SELECT count(*) > 0 AS auditor_reads_events FROM hdl.audit_events;
SELECT status, problem FROM hdl.audit_verify();
RESET ROLE;
SET ROLE regress_au_engineer;
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl_audit.log');
SELECT pg_temp.regress_try('SELECT count(*) FROM hdl.audit_events');
SELECT pg_temp.regress_try('SELECT * FROM hdl.audit_verify()');
RESET ROLE;
SET ROLE regress_au_feed;
SELECT pg_temp.regress_try($$SELECT hdl.audit_write('ingest', NULL, NULL)$$);
RESET ROLE;

-- nobody but the owner may change the log, and the owner's triggers refuse it
SET ROLE regress_au_auditor;
SELECT pg_temp.regress_try('UPDATE hdl_audit.log SET subject = NULL');
SELECT pg_temp.regress_try('DELETE FROM hdl_audit.log');
SELECT pg_temp.regress_try('TRUNCATE hdl_audit.log');
SELECT pg_temp.regress_try($$INSERT INTO hdl_audit.log (role_name, event, entry_hash) VALUES ('x', 'ingest', '\x00')$$);
SELECT pg_temp.regress_try('DELETE FROM hdl_audit.seal');
RESET ROLE;
SELECT pg_temp.regress_try('UPDATE hdl_audit.log SET subject = NULL');
SELECT pg_temp.regress_try('DELETE FROM hdl_audit.log WHERE entry_id = ' || :mark);
SELECT pg_temp.regress_try('TRUNCATE hdl_audit.log');
SELECT pg_temp.regress_try('UPDATE hdl_audit.seal SET chain_hash = NULL');
SELECT pg_temp.regress_try('DELETE FROM hdl_audit.seal_run');

-- a superuser who disables the triggers is caught: each case in its own rolled-back transaction
SELECT min(entry_id) AS victim FROM hdl_audit.log WHERE entry_id > :start AND event = 'ingest' \gset
SELECT seq AS victim_seq FROM hdl_audit.seal WHERE entry_id = :victim \gset
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE hdl_audit.log SET detail = jsonb_set(detail, '{stored}', '0') WHERE entry_id = :victim;
SELECT status, broken_entry = :victim AS names_victim, broken_seq = :victim_seq AS at_its_seq, problem FROM hdl.audit_verify();
ROLLBACK;
BEGIN;
SET LOCAL session_replication_role = replica;
-- the edit with the entry's own hash recomputed: the seal still remembers the original
UPDATE hdl_audit.log l SET role_name = 'regress_au_auditor' WHERE entry_id = :victim;
UPDATE hdl_audit.log l SET entry_hash = sha256(convert_to(hdl_audit._canonical(l), 'UTF8')) WHERE entry_id = :victim;
SELECT status, broken_entry = :victim AS names_victim, problem FROM hdl.audit_verify();
ROLLBACK;
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM hdl_audit.log WHERE entry_id = :victim;
SELECT status, broken_entry = :victim AS names_victim, broken_seq = :victim_seq AS at_its_seq, problem FROM hdl.audit_verify();
ROLLBACK;
BEGIN;
SET LOCAL session_replication_role = replica;
-- rewriting the entry and its seal record too breaks the link to the next entry
UPDATE hdl_audit.log SET detail = jsonb_set(detail, '{stored}', '0') WHERE entry_id = :victim;
UPDATE hdl_audit.log l SET entry_hash = sha256(convert_to(hdl_audit._canonical(l), 'UTF8')) WHERE entry_id = :victim;
UPDATE hdl_audit.seal s SET entry_hash = l.entry_hash,
	chain_hash = sha256((SELECT p.chain_hash FROM hdl_audit.seal p WHERE p.seq = s.seq - 1) || convert_to(hdl_audit._canonical(l), 'UTF8'))
FROM hdl_audit.log l WHERE l.entry_id = s.entry_id AND s.entry_id = :victim;
SELECT status, broken_seq = :victim_seq + 1 AS at_next_seq, problem FROM hdl.audit_verify();
ROLLBACK;
BEGIN;
SET LOCAL session_replication_role = replica;
-- cutting the tail off the chain contradicts the last seal run
DELETE FROM hdl_audit.seal WHERE seq > :victim_seq;
DELETE FROM hdl_audit.log l WHERE NOT EXISTS (SELECT 1 FROM hdl_audit.seal s WHERE s.entry_id = l.entry_id);
SELECT status, broken_entry, problem FROM hdl.audit_verify();
ROLLBACK;
BEGIN;
-- an entry inserted behind the sealer's back, dated before the last seal
INSERT INTO hdl_audit.log (entry_id, txid, role_name, event, entry_hash) VALUES (-1, '3', 'regress_au_feed', 'ingest', '\x00');
SELECT status, broken_entry, problem FROM hdl.audit_verify();
ROLLBACK;
SELECT status, problem FROM hdl.audit_verify();

-- sealing needs read committed; non-superusers cannot switch auditing off
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.regress_try('SELECT hdl.audit_seal()');
ROLLBACK;
SET ROLE regress_au_feed;
SELECT pg_temp.regress_try('SET hdl.audit_ingest = off');
SELECT pg_temp.regress_try('SET hdl.audit_log_client = on');
RESET ROLE;
-- a superuser may (bench/ingest measures the cost): no ingest entry, the data still stored
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
SET hdl.audit_ingest = off;
SET ROLE regress_au_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"au-quiet","name":[{"family":"Quiet"}]}') IS NOT NULL AS stored;
RESET ROLE;
RESET hdl.audit_ingest;
SELECT count(*) AS entries_with_auditing_off FROM hdl_audit.log WHERE entry_id > :mark;

-- changes to hdl's own settings leave a server-log audit line (never the value); keys are not
-- settings: a statement that tries to set one is refused (and not logged)
CREATE ROLE regress_au_dba SUPERUSER;
SET SESSION AUTHORIZATION regress_au_dba;
SET hdl.audit_log_client = on;
SET hdl.validation_level = 'structure';
SET hdl.key_file = '../../test/regress.keys';
SELECT pg_temp.regress_try($$SET hdl.vault_key_previous = 'old:a-secret-that-must-not-be-logged'$$);
ALTER SYSTEM SET hdl.pseudonym_key = 'k1:a-secret-that-must-not-be-logged'; -- ERROR
SELECT pg_temp.regress_try($$ALTER ROLE regress_au_dba SET hdl.vault_key = 'k1:a-secret-that-must-not-be-logged'$$);
RESET hdl.key_file;
SET search_path = public;  -- not hdl's: no line
RESET hdl.audit_log_client;
RESET hdl.validation_level;
RESET search_path;
RESET SESSION AUTHORIZATION;
DROP ROLE regress_au_dba;

DROP FUNCTION pg_temp.entries(bigint), pg_temp.mask_n(text);

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
