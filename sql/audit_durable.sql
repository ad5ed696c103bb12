-- Releases of identity leave a durable audit entry, committed by hdl's audit writer (a background
-- worker) before anything is returned: rolling back the caller's transaction takes neither the
-- entry nor the hdl_vault.reidentification row back, and the chain still verifies. Refusals
-- (wrong role, no purpose, unknown pseudonym) are durable entries too. When the entry cannot be
-- written, nothing is released.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
\set VERBOSITY terse
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_du_feed IN ROLE hdl_provider;
CREATE ROLE regress_du_reid IN ROLE hdl_reidentifier;
CREATE ROLE regress_du_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_du_analyst IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_du_feed', 'DUR1', 'Durable audit test feed') > 0 AS registered;
SET ROLE regress_du_feed;
SELECT hdl.ingest('{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9876543210"}],"name":[{"family":"Durablewright"}],"birthDate":"1944-11-02"}') -> 'identifier' -> 0 ->> 'value' AS pseudonym \gset
RESET ROLE;
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
SELECT count(*) AS reids_before FROM hdl_vault.reidentification \gset
-- this test's entries (pseudonyms masked)
CREATE FUNCTION pg_temp.entries(after bigint) RETURNS TABLE (event text, role_name name, subject text, detail text)
LANGUAGE sql AS $$
	SELECT event, role_name, pg_temp.mask(subject), detail::text FROM hdl_audit.log WHERE entry_id > after ORDER BY entry_id $$;

-- the issue's case: BEGIN; SELECT hdl.reidentify(...); ROLLBACK; leaves the entry and the row
BEGIN;
SET LOCAL ROLE regress_du_reid;
SELECT hdl.reidentify(:'pseudonym', 'safeguarding referral DU-1') #>> '{identities,0,identity,name,0,family}' AS released;
ROLLBACK;
SELECT * FROM pg_temp.entries(:mark);
SELECT role_name, pseudonym = :'pseudonym' AS right_pseudonym, purpose
FROM hdl_vault.reidentification ORDER BY reidentified_at OFFSET :reids_before;
SELECT status, problem FROM hdl.audit_verify();
-- the entry was committed by another transaction than the caller's
SELECT count(DISTINCT txid) = count(*) AS own_transactions FROM hdl_audit.log WHERE entry_id > :mark;

-- refusals, each in a transaction that rolls back: durable entries all the same
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
BEGIN;
SET LOCAL ROLE regress_du_engineer;
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', :'pseudonym', 'an engineer being curious'));
ROLLBACK;
BEGIN;
SET LOCAL ROLE regress_du_analyst;
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', :'pseudonym', 'an analyst being curious'));
ROLLBACK;
BEGIN;
SET LOCAL ROLE regress_du_feed;
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', :'pseudonym', 'a provider being curious'));
ROLLBACK;
BEGIN;
SET LOCAL ROLE regress_du_reid;
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, NULL)', :'pseudonym'));
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', :'pseudonym', '   short '));
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', repeat('ab', 32), 'checking an unknown pseudonym'));
-- an NHS number passed as a pseudonym: refused, and the number is recorded nowhere
SELECT pg_temp.regress_try($$SELECT hdl.reidentify('9876543210', 'looking up a number I was given')$$);
SELECT pg_temp.regress_try($$SELECT hdl.reidentify(NULL, 'no pseudonym at all, on purpose')$$);
ROLLBACK;
SELECT * FROM pg_temp.entries(:mark);
SELECT count(*) AS releases FROM hdl_audit.log WHERE entry_id > :mark AND event = 'reidentify';

-- hdl.pseudonymise (a linkage capability): the same, naming the pseudonym, never the number
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
BEGIN;
SET LOCAL ROLE regress_du_reid;
SELECT hdl.pseudonymise('9876543210') = :'pseudonym' AS links_to_the_patient;
ROLLBACK;
BEGIN;
SET LOCAL ROLE regress_du_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.pseudonymise('9876543210')$$);
ROLLBACK;
SELECT hdl.pseudonymise(NULL) AS strict;
SELECT * FROM pg_temp.entries(:mark);
SELECT count(*) AS numbers_in_log FROM hdl_audit.log
WHERE concat_ws(' ', subject, detail::text) ~ '9876543210|Durablewright|1944-11-02';

-- as AuditEvents: refusals are outcome 4 with the reason; every event is valid FHIR
SELECT resource ->> 'outcome' AS outcome, resource ->> 'outcomeDesc' AS outcome_desc, count(*)
FROM hdl.audit_events WHERE event LIKE '%\_refused' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE hdl.validate(resource) -> 'issue' -> 0 ->> 'severity' <> 'information') AS invalid
FROM hdl.audit_events;

-- when the entry cannot be committed, nothing is released: here the audit writer waits behind a
-- lock on the log that the caller's own transaction holds, gives up (lock_timeout), and
-- hdl.reidentify fails before decrypting anything
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
BEGIN;
LOCK TABLE hdl_audit.log IN SHARE MODE;
SET LOCAL ROLE regress_du_reid;
SELECT pg_temp.regress_try(format('SELECT hdl.reidentify(%L, %L)', :'pseudonym', 'while the log is locked'));
ROLLBACK;
SELECT count(*) AS entries_while_locked FROM hdl_audit.log WHERE entry_id > :mark;
-- hdl's internals are not for callers: the writer itself, the raise helper
SET ROLE regress_du_reid;
SELECT pg_temp.regress_try($$SELECT hdl._audit_durable('reidentify', 'Patient/x', '{}')$$);
SELECT pg_temp.regress_try($$SELECT hdl._raise('XX000', 'x', NULL, NULL)$$);
RESET ROLE;
SELECT pg_temp.regress_try($$SELECT hdl._raise(NULL, NULL, NULL, NULL)$$);
SELECT pg_temp.regress_try($$SELECT hdl._raise('xx', 'bad code', NULL, NULL)$$);
SELECT status, problem FROM hdl.audit_verify();
DROP FUNCTION pg_temp.entries(bigint);

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
