-- The National Data Opt-out (issue 19 item 1): hdl.load_opt_outs stores a list of NHS numbers as
-- keyed hashes and pseudonyms (the lake's patient column, whichever provider sent the person); a
-- provider's Consent denying research or planning opts its patient out too. Opted-out patients'
-- rows leave every mart at the next refresh, full or incremental (the incremental mart always
-- equals a full rebuild), and come back when withdrawn; an exempt mart keeps them. Errors never
-- echo an NHS number; refusals and rollbacks store nothing; engineers and auditors see counts.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_oo_gp IN ROLE hdl_provider;
CREATE ROLE regress_oo_acute IN ROLE hdl_provider;
CREATE ROLE regress_oo_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_oo_auditor IN ROLE hdl_auditor;
CREATE ROLE regress_oo_analyst IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_oo_gp', 'OOGP1', 'Opt-out test GP') > 0 AS gp,
       hdl.register_source('regress_oo_acute', 'OOAC1', 'Opt-out test acute trust') > 0 AS acute;
-- NHS numbers (valid check digits): A is at both providers, B at the GP only, C at the acute
-- trust only, D nowhere; E is added later to a GP patient first sent with a local number only.
\set nhs_a 9993111007
\set nhs_b 9993111015
\set nhs_c 9993111023
\set nhs_d 9993111031
\set nhs_e 9993111058
-- the pseudonym of an NHS number, as the lake computes it (superuser only: it reads the key)
SELECT format($f$CREATE FUNCTION pg_temp.pseudonym(nhs text) RETURNS text LANGUAGE sql AS
	$$ SELECT encode(%s.hmac(nhs, hdl._key('pseudonym_key', 2), 'sha256'), 'hex') $$$f$, hdl._pgcrypto()) \gexec
CREATE FUNCTION pg_temp.patient(id text, nhs text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('resourceType', 'Patient', 'id', id, 'gender', 'unknown', 'identifier',
		CASE WHEN nhs IS NULL THEN jsonb_build_array(jsonb_build_object('system', 'https://gp.example.nhs.uk/Id/mrn', 'value', 'MRN-' || id))
		ELSE jsonb_build_array(jsonb_build_object('system', 'https://fhir.nhs.uk/Id/nhs-number', 'value', nhs),
			jsonb_build_object('system', 'https://gp.example.nhs.uk/Id/mrn', 'value', 'MRN-' || id)) END) $$;
CREATE FUNCTION pg_temp.obs(id text, patient text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('resourceType', 'Observation', 'id', id, 'status', 'final',
		'code', jsonb_build_object('text', 'oo-' || id), 'subject', jsonb_build_object('reference', 'Patient/' || patient)) $$;
GRANT EXECUTE ON FUNCTION pg_temp.patient(text, text), pg_temp.obs(text, text) TO PUBLIC;
SET ROLE regress_oo_gp;
SELECT count(hdl.ingest(r)) AS gp_stored FROM (VALUES (pg_temp.patient('gp-a', :'nhs_a')), (pg_temp.patient('gp-b', :'nhs_b')),
	(pg_temp.patient('gp-e', NULL)), (pg_temp.obs('gp-a-1', 'gp-a')), (pg_temp.obs('gp-a-2', 'gp-a')),
	(pg_temp.obs('gp-b-1', 'gp-b')), (pg_temp.obs('gp-e-1', 'gp-e'))) v(r);
RESET ROLE;
SET ROLE regress_oo_acute;
SELECT count(hdl.ingest(r)) AS acute_stored FROM (VALUES (pg_temp.patient('ac-a', :'nhs_a')), (pg_temp.patient('ac-c', :'nhs_c')),
	(pg_temp.obs('ac-a-1', 'ac-a')), (pg_temp.obs('ac-c-1', 'ac-c'))) v(r);
RESET ROLE;
-- who is who in the lake (the lake's patient column: one pseudonym per person across providers)
CREATE TEMP TABLE who AS
	SELECT l.label, r.patient, count(DISTINCT r.id) AS records, string_agg(DISTINCT s.org_code, ',' ORDER BY s.org_code) AS sources
	FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
	JOIN (VALUES ('A', 'gp-a'), ('A', 'ac-a'), ('B', 'gp-b'), ('C', 'ac-c'), ('E', 'gp-e')) l(label, local_id)
		ON r.resource_type = 'Patient' AND EXISTS (SELECT 1 FROM hdl_lake.resource o WHERE o.resource_type = 'Observation' AND o.patient = r.patient
			AND o.resource -> 'code' ->> 'text' LIKE 'oo-' || l.local_id || '-%')
	GROUP BY l.label, r.patient;
SELECT label, records, sources, patient = pg_temp.pseudonym(CASE label WHEN 'A' THEN :'nhs_a' WHEN 'B' THEN :'nhs_b'
	WHEN 'C' THEN :'nhs_c' END) AS pseudonym_of_nhs_number FROM who ORDER BY label;
GRANT SELECT ON who TO PUBLIC;

SET ROLE regress_oo_engineer;
\set obs_view '{"name":"oo_obs","resource":"Observation","where":[{"path":"code.text.startsWith(''oo-'')"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"patient_id","path":"subject.getReferenceKey(Patient)"},{"name":"code","path":"code.text"}]}]}'
\set pat_view '{"name":"oo_pat","resource":"Patient","where":[{"path":"gender = ''unknown''"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"gender","path":"gender"}]}]}'
SELECT hdl.create_mart('oo_obs', :'obs_view')::text, hdl.create_mart('oo_obs_full', :'obs_view')::text,
	hdl.create_mart('oo_obs_direct', :'obs_view')::text, hdl.create_mart('oo_pat', :'pat_view')::text,
	hdl.create_mart('oo_pat_full', :'pat_view')::text;
RESET ROLE;
-- the incremental marts against full rebuilds of the same views (EXCEPT ALL both ways), and the
-- rows of each person (A's from both providers) in each mart
CREATE FUNCTION pg_temp.compare(OUT obs_rows bigint, OUT obs_differ bigint, OUT pat_rows bigint, OUT pat_differ bigint)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM hdl.refresh_mart('oo_obs_full', 'full'), hdl.refresh_mart('oo_pat_full', 'full');
	SELECT count(*) INTO obs_rows FROM mart.oo_obs;
	SELECT count(*) INTO obs_differ FROM ((SELECT * FROM mart.oo_obs_full EXCEPT ALL SELECT * FROM mart.oo_obs)
		UNION ALL (SELECT * FROM mart.oo_obs EXCEPT ALL SELECT * FROM mart.oo_obs_full)) d;
	SELECT count(*) INTO pat_rows FROM mart.oo_pat;
	SELECT count(*) INTO pat_differ FROM ((SELECT * FROM mart.oo_pat_full EXCEPT ALL SELECT * FROM mart.oo_pat)
		UNION ALL (SELECT * FROM mart.oo_pat EXCEPT ALL SELECT * FROM mart.oo_pat_full)) d;
END
$$;
CREATE VIEW pg_temp.per_person AS
	SELECT w.label,
		(SELECT count(*) FROM mart.oo_obs o WHERE o.patient_id = w.patient) AS obs,
		(SELECT count(*) FROM mart.oo_pat p JOIN hdl_lake.resource r ON 'Patient/' || r.id = p._resource_key
			AND r.resource_type = 'Patient' WHERE r.patient = w.patient) AS pat,
		(SELECT count(*) FROM mart.oo_obs_direct o WHERE o.patient_id = w.patient) AS direct,
		EXISTS (SELECT 1 FROM hdl.opted_out_patients x WHERE x.patient = w.patient) AS opted_out
	FROM who w;
\set refresh 'SELECT hdl.refresh_mart(''oo_obs'') >= 0 AS obs, hdl.refresh_mart(''oo_pat'') >= 0 AS pat, hdl.refresh_mart(''oo_obs_direct'') >= 0 AS direct; SELECT * FROM pg_temp.compare(); SELECT * FROM pg_temp.per_person ORDER BY label;'
:refresh

-- arguments: refused, nothing stored, no NHS number in any message
SET ROLE regress_oo_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs(NULL, '9993111007')$$) AS null_date;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-11-01', NULL::text)$$) AS null_list;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs(NULL, NULL::text)$$) AS both_null;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-11-01', '')$$) AS empty_list;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-11-01', E'\n  \n\r\n')$$) AS blank_lines_only;
SELECT pg_temp.regress_try(format($$SELECT hdl.load_opt_outs('2026-11-01', %L)$$, E'9993111007\n9993111008\n999 311 1015\n12345\n')) AS bad_lines;
SELECT pg_temp.regress_try(format($$SELECT hdl.load_opt_outs('2026-11-01', %L)$$, E'9993111007\n999-311-101 5\n')) AS mixed_separators;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2999-01-01', '9993111007')$$) AS future_date;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs(NULL, NULL::regclass, NULL)$$) AS table_nulls;
RESET ROLE;
SELECT (SELECT count(*) FROM hdl_vault.opt_out) AS stored, (SELECT count(*) FROM hdl.opt_out_list) AS lists;
-- other roles may not load a list or set an exemption
SET ROLE regress_oo_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-11-01', '9993111007')$$) AS analyst;
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_opt_out_exempt('oo_obs', true, 'analysts want everyone')$$) AS analyst_exempt;
RESET ROLE;
SET ROLE regress_oo_gp;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-11-01', '9993111007')$$) AS provider;
RESET ROLE;
SET ROLE regress_oo_auditor;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-11-01', '9993111007')$$) AS auditor;
RESET ROLE;
SELECT (SELECT count(*) FROM hdl_vault.opt_out) AS stored, (SELECT count(*) FROM hdl.opt_out_list) AS lists;
-- a load rolled back leaves no opt-out (its durable audit entry stays: see below)
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
BEGIN;
SET ROLE regress_oo_engineer;
SELECT * FROM hdl.load_opt_outs('2026-10-01', '9993111007');
RESET ROLE;
ROLLBACK;
SELECT (SELECT count(*) FROM hdl_vault.opt_out) AS stored, (SELECT count(*) FROM hdl.opt_out_list) AS lists;

-- the list of 2026-11-01: A (3-3-4 form), B twice, D; a trailing blank line. Nothing changes in
-- the marts before their next refresh.
SET ROLE regress_oo_engineer;
SELECT * FROM hdl.load_opt_outs('2026-11-01', E'999 311 1007\n9993111015\n  9993111015 \r\n9993111031\n\n');
RESET ROLE;
SELECT label, obs, pat, opted_out FROM pg_temp.per_person ORDER BY label;
-- stored: keyed hashes equal to the lake's pseudonyms, never a number
SELECT count(*) AS rows, count(*) FILTER (WHERE pseudonym IN (SELECT patient FROM who)) AS in_lake,
	count(*) FILTER (WHERE pseudonym = pg_temp.pseudonym(:'nhs_d')) AS d_as_its_future_pseudonym,
	count(*) FILTER (WHERE row_to_json(o)::text ~ '999311') AS with_a_number FROM hdl_vault.opt_out o;
-- until then no export of a mart leaves (the server's endpoint is not allowed: an export that gets
-- past the check fails there, before any request)
SELECT set_config('hdl.s3_allowed_endpoints', 'http://127.0.0.1:9', false) IS NOT NULL AS allowed;
CREATE SERVER oo_s3 FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'http://127.0.0.1:9');
RESET hdl.s3_allowed_endpoints;
CREATE USER MAPPING FOR regress_oo_engineer SERVER oo_s3 OPTIONS (access_key_id 'k', secret_access_key 's');
GRANT USAGE ON FOREIGN SERVER oo_s3 TO regress_oo_engineer;
\set export 'SELECT m, pg_temp.regress_try(format($$SELECT hdl.export_mart_s3(%L, ''oo_s3'', ''s3://oo/x.ndjson'')$$, m)) AS export FROM unnest(ARRAY[''oo_obs'', ''oo_pat'', ''oo_obs_direct'']) m;'
SET ROLE regress_oo_engineer;
:export
RESET ROLE;
-- the next refresh (incremental) takes A (both providers' records) and B out; D has no rows
:refresh
SET ROLE regress_oo_engineer;
:export
RESET ROLE;
-- a new record of an opted-out patient stays out; a full refresh agrees
SET ROLE regress_oo_acute;
SELECT hdl.ingest(pg_temp.obs('ac-a-2', 'ac-a')) ->> 'resourceType' AS stored;
RESET ROLE;
:refresh
SELECT hdl.refresh_mart('oo_obs', 'full') > 0 AS rebuilt;
SELECT * FROM pg_temp.compare();
-- the same list again: nothing added or withdrawn, nothing changes
SET ROLE regress_oo_engineer;
SELECT * FROM hdl.load_opt_outs('2026-11-01', E'9993111007\n9993111015\n9993111031');
SELECT hdl.refresh_mart('oo_obs') AS changed;
-- an older list is refused (it would withdraw newer opt-outs)
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-10-15', '9993111007')$$) AS older_list;

-- the list of 2026-12-01 replaces it: A and B are withdrawn, C and E added (E is not linked yet)
SELECT * FROM hdl.load_opt_outs('2026-12-01', E'9993111023\n9993111031\n9993111058');
RESET ROLE;
:refresh
-- E's NHS number reaches the lake after the list: the GP's patient first sent with a local number
-- only is linked to it, and its rows leave at the next refresh (the pseudonym is not the hash of E)
SELECT patient = pg_temp.pseudonym(:'nhs_e') AS e_pseudonym_is_hash_of_nhs_number FROM who WHERE label = 'E';
SET ROLE regress_oo_gp;
SELECT hdl.ingest(pg_temp.patient('gp-e', :'nhs_e')) ->> 'id' LIKE 'OOGP1.%' AS updated;
RESET ROLE;
:refresh

-- the table form: a column of a table the engineer can read
CREATE TABLE pg_temp.national (nhs_number text);
INSERT INTO pg_temp.national VALUES ('9993111023'), ('9993111015'), ('999-311-1015');
CREATE TABLE pg_temp.secret (nhs_number text);
INSERT INTO pg_temp.secret VALUES ('9993111007');
GRANT SELECT ON pg_temp.national TO regress_oo_engineer;
SET ROLE regress_oo_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-12-02', 'pg_temp.secret', 'nhs_number')$$) AS unreadable_table;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-12-02', 'pg_temp.national', 'nhs')$$) AS no_such_column;
RESET ROLE;
-- row security: the caller would see some rows, the function (as the owner) all of them
CREATE TABLE pg_temp.policed (nhs_number text);
INSERT INTO pg_temp.policed VALUES ('9993111007'), ('9993111015');
ALTER TABLE pg_temp.policed ENABLE ROW LEVEL SECURITY;
CREATE POLICY ending_in_7 ON pg_temp.policed FOR SELECT USING (nhs_number LIKE '%7');
GRANT SELECT ON pg_temp.policed TO regress_oo_engineer;
SET ROLE regress_oo_engineer;
SELECT count(*) AS rows_the_engineer_sees FROM pg_temp.policed;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-12-02', 'pg_temp.policed', 'nhs_number')$$) AS row_security;
RESET ROLE;
DROP TABLE pg_temp.policed;
INSERT INTO pg_temp.national VALUES (NULL), ('9993111008');
SET ROLE regress_oo_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.load_opt_outs('2026-12-02', 'pg_temp.national', 'nhs_number')$$) AS null_and_bad_values;
RESET ROLE;
DELETE FROM pg_temp.national WHERE nhs_number IS NULL OR nhs_number = '9993111008';
SET ROLE regress_oo_engineer;
SELECT * FROM hdl.load_opt_outs('2026-12-02', 'pg_temp.national', 'nhs_number');
RESET ROLE;
:refresh

-- a Consent: the GP records that A (now not on the list) denies research use. Active and deny ->
-- opted out at the next refresh; a later version that permits withdraws it.
SET ROLE regress_oo_gp;
SELECT hdl.ingest('{"resourceType":"Consent","id":"oo-consent-a","status":"active",
	"scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
	"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/gp-a"},
	"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},
	"provision":{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}}') ->> 'id' AS consent;
RESET ROLE;
:refresh
SELECT consent_opt_outs, consent_withdrawn FROM hdl.console_opt_outs;
SET ROLE regress_oo_gp;
SELECT hdl.ingest('{"resourceType":"Consent","id":"oo-consent-a","status":"inactive",
	"scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
	"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/gp-a"},
	"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},
	"provision":{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}}') ->> 'id' AS consent_withdrawn;
-- a deny for another purpose (treatment) opts nobody out
SELECT hdl.ingest('{"resourceType":"Consent","id":"oo-consent-a2","status":"active",
	"scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"treatment"}]},
	"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/gp-a"},
	"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},
	"provision":{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}]}}') ->> 'id' AS other_purpose;
RESET ROLE;
-- the acute trust cannot opt out the GP's patient B, whom it never sent: by its own id B is unknown
-- to it, by NHS number the Consent is stored but counts for nobody
SET ROLE regress_oo_acute;
SELECT pg_temp.regress_try($$SELECT hdl.ingest('{"resourceType":"Consent","id":"oo-consent-b","status":"active",
	"scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
	"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/gp-b"},
	"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},
	"provision":{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HOPERAT"}]}}')$$) AS by_other_id;
SELECT hdl.ingest('{"resourceType":"Consent","id":"oo-consent-b","status":"active",
	"scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
	"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
	"patient":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9993111015"}},
	"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},
	"provision":{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HOPERAT"}]}}') ->> 'id' AS by_nhs_number;
RESET ROLE;
SELECT r.patient = (SELECT patient FROM who WHERE label = 'B') AS refers_to_b FROM hdl_lake.resource r
WHERE r.resource_type = 'Consent' AND r.id LIKE '%oo-consent-b';
SELECT count(*) AS opting_out FROM hdl._opt_out_consents c JOIN who w USING (patient) WHERE w.label = 'B';
:refresh

-- an exemption: engineers only, with a reason, audited; the exempt mart keeps (and gets back)
-- opted-out patients' rows at its next refresh, incremental included
SET ROLE regress_oo_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_opt_out_exempt('oo_obs_direct', true, NULL)$$) AS no_reason;
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_opt_out_exempt('oo_obs_direct', NULL, 'direct care: ward lists')$$) AS null_exempt;
SELECT pg_temp.regress_try($$SELECT hdl.mart_set_opt_out_exempt('oo_nothing', true, 'direct care: ward lists')$$) AS no_such_mart;
SELECT hdl.mart_set_opt_out_exempt('oo_obs_direct', true, 'direct care: ward lists') AS exempt;
RESET ROLE;
:refresh
SELECT name, opt_out_exempt FROM hdl.marts WHERE name LIKE 'oo\_%' ORDER BY name;
SET ROLE regress_oo_engineer;
SELECT mart, reason, exempted_by FROM hdl.catalog_opt_out_exemptions WHERE name LIKE 'oo\_%';
SELECT hdl.mart_set_opt_out_exempt('oo_obs_direct', false, NULL) AS exempt;
-- no longer exempt, not refreshed since: its export is refused
:export
RESET ROLE;
:refresh

-- console and catalogue: counts for engineers and auditors; the pseudonyms for nobody but the owner
SET ROLE regress_oo_engineer;
SELECT list_date, list_loaded_by, list_opt_outs, added_by_list, withdrawn_by_list, consent_opt_outs, consent_withdrawn,
	exempt_marts FROM hdl.console_opt_outs;
SELECT list_date, loaded_by, entries, duplicates, added, withdrawn FROM hdl.opt_out_list ORDER BY list_id;
SELECT substring(hdl.console_html() FROM '<div class="tile" id="tile-opt-outs">.*?</div>') AS console_tile;
SELECT pg_temp.regress_try($$SELECT * FROM hdl.opted_out_patients$$) AS pseudonyms;
SELECT pg_temp.regress_try($$SELECT * FROM hdl_vault.opt_out$$) AS vault;
SELECT pg_temp.regress_try($$SELECT * FROM hdl.mart_opt_out$$) AS per_mart;
RESET ROLE;
SET ROLE regress_oo_auditor;
SELECT list_date, list_opt_outs, consent_opt_outs FROM hdl.console_opt_outs;
RESET ROLE;
SET ROLE regress_oo_analyst;
SELECT pg_temp.regress_try($$SELECT * FROM hdl.console_opt_outs$$) AS analyst_console;
RESET ROLE;

-- the audit trail: each load (the rolled-back one too: durable), each exemption, no NHS number
SELECT event, subject, detail - 'key_id' AS detail FROM hdl_audit.log
WHERE entry_id > :mark AND (event IN ('opt_out_load', 'mart_opt_out_exempt')) ORDER BY entry_id;
SELECT count(*) AS entries_with_a_number FROM hdl_audit.log WHERE entry_id > :mark AND (detail::text ~ '999[- ]?311' OR subject ~ '999311');
SELECT count(*) AS refreshes_counting_opt_outs FROM hdl_audit.log
WHERE entry_id > :mark AND event = 'mart_refresh' AND subject = 'mart.oo_obs' AND detail ? 'opted_out_patients';

-- the last list withdraws what remains: every mart equals its full rebuild, everyone is back
SET ROLE regress_oo_engineer;
SELECT * FROM hdl.load_opt_outs('2026-12-03', '9993111031');
RESET ROLE;
:refresh

-- random rounds (a fixed seed): observations created or moved to another patient, lists of random
-- subsets, Consents switched on and off, both marts made exempt or not, some in the refreshing
-- transaction itself; after each round the incremental marts equal full rebuilds
SELECT setseed(0.1919);
CREATE TEMP TABLE nhs AS SELECT * FROM (VALUES ('A', :'nhs_a'), ('B', :'nhs_b'), ('C', :'nhs_c'), ('E', :'nhs_e')) v(label, nhs);
GRANT SELECT ON nhs TO PUBLIC;
CREATE FUNCTION pg_temp.random_obs() RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT hdl.ingest(pg_temp.obs('rnd-' || (1 + floor(random() * 8))::int, (ARRAY['gp-a', 'gp-b', 'gp-e'])[1 + floor(random() * 3)::int])) ->> 'id' $$;
CREATE FUNCTION pg_temp.random_consent() RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT hdl.ingest(jsonb_build_object('resourceType', 'Consent', 'id', 'oo-rnd-consent-' || p, 'status',
		CASE WHEN random() < 0.5 THEN 'active' ELSE 'inactive' END,
		'scope', '{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]}'::jsonb,
		'category', '[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}]'::jsonb,
		'patient', jsonb_build_object('reference', 'Patient/' || p),
		'policyRule', '{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]}'::jsonb,
		'provision', '{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HOPERAT"}]}'::jsonb)) ->> 'id'
	FROM (SELECT (ARRAY['gp-a', 'gp-b', 'gp-e'])[1 + floor(random() * 3)::int] AS p) r $$;
-- D (nobody) is always listed: a list is never empty
CREATE FUNCTION pg_temp.random_list() RETURNS bigint LANGUAGE sql VOLATILE AS $$
	SELECT entries FROM hdl.load_opt_outs(current_date, (SELECT string_agg(n.nhs, E'\n') FROM
		(SELECT nhs FROM nhs WHERE random() < 0.5 UNION ALL SELECT '9993111031') n)) $$;
CREATE FUNCTION pg_temp.random_exempt() RETURNS boolean LANGUAGE sql VOLATILE AS $$
	SELECT bool_and(hdl.mart_set_opt_out_exempt(m, e, CASE WHEN e THEN 'direct care: random round' END))
	FROM (SELECT random() < 0.3 AS e) r, unnest(ARRAY['oo_obs', 'oo_obs_full', 'oo_pat', 'oo_pat_full']) m $$;
GRANT EXECUTE ON FUNCTION pg_temp.random_obs(), pg_temp.random_consent(), pg_temp.random_list(), pg_temp.random_exempt() TO PUBLIC;
\set ops 'SET ROLE regress_oo_gp; SELECT count(pg_temp.random_obs()) AS obs, pg_temp.random_consent() IS NOT NULL AS consent FROM generate_series(1, 3); RESET ROLE; SET ROLE regress_oo_engineer; SELECT pg_temp.random_list() > 0 AS listed, CASE WHEN random() < 0.3 THEN pg_temp.random_exempt() END IS NOT NULL AS exempt_changed; RESET ROLE;'
\set check 'SELECT hdl.refresh_mart(''oo_obs'') >= 0 AS obs, hdl.refresh_mart(''oo_pat'') >= 0 AS pat; SELECT * FROM pg_temp.compare();'
:ops :check
:ops :ops :check
:ops :check
BEGIN; SELECT hdl.refresh_mart('oo_obs') >= 0 AS obs, hdl.refresh_mart('oo_pat') >= 0 AS pat; :ops COMMIT;
:check
:ops :check
BEGIN; :ops :check COMMIT;
:check
:ops :check
:ops :ops :ops :check
:ops :check
:ops :check
SELECT count(*) AS rounds_with_exempt_marts FROM hdl_audit.log WHERE entry_id > :mark AND event = 'mart_opt_out_exempt'
	AND subject = 'mart.oo_obs' AND (detail ->> 'exempt')::boolean;
SELECT count(DISTINCT detail ->> 'opted_out_patients') > 1 AS excluded_counts_varied FROM hdl_audit.log
WHERE entry_id > :mark AND event = 'mart_refresh' AND subject = 'mart.oo_obs';
SET ROLE regress_oo_engineer;
SELECT hdl.mart_set_opt_out_exempt(m, false, NULL) FROM unnest(ARRAY['oo_obs', 'oo_obs_full', 'oo_pat', 'oo_pat_full']) m;
SELECT * FROM hdl.load_opt_outs(current_date, '9993111031');
RESET ROLE;
:refresh
-- nothing stays in force for the tests after this one (their patients may have these numbers)
DELETE FROM hdl_vault.opt_out;
DROP SERVER oo_s3 CASCADE;
DROP TABLE pg_temp.national, pg_temp.secret;
DROP VIEW pg_temp.per_person;
SET ROLE regress_oo_engineer;
SELECT hdl.drop_mart(m) FROM unnest(ARRAY['oo_obs', 'oo_obs_full', 'oo_obs_direct', 'oo_pat', 'oo_pat_full']) m;
RESET ROLE;
SELECT count(*) AS left_for_dropped_marts FROM hdl.mart_opt_out WHERE mart LIKE 'oo\_%';
SELECT * FROM pg_temp.catalog_mismatches();
