-- Erasure (issue 19 item 2): hdl.erase_patient(pseudonym, reason[, source]) removes a person's
-- records and history from the lake, their rows from every mart, their vault entries (identities,
-- links, opt-out and re-identification rows) and quarantined lines naming them; members of
-- hdl_eraser only; one audit entry (pseudonym, reason, scope, counts) and the chain verifies.
-- After it every table and view (the audit trail aside) is scanned as text for the person; an
-- incremental refresh after it equals a new mart of the same view; the catalogue's counts drop and
-- agree with the lake. One source's records can be erased alone.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SELECT rolname FROM pg_roles WHERE rolname = 'hdl_eraser';
CREATE ROLE regress_er_gp IN ROLE hdl_provider;
CREATE ROLE regress_er_acute IN ROLE hdl_provider;
CREATE ROLE regress_er_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_er_analyst IN ROLE hdl_analyst;
CREATE ROLE regress_er_auditor IN ROLE hdl_auditor;
CREATE ROLE regress_er_reid IN ROLE hdl_reidentifier;
CREATE ROLE regress_er_eraser IN ROLE hdl_eraser;
SELECT hdl.register_source('regress_er_gp', 'ERGP1', 'Erasure test GP') > 0 AS gp,
       hdl.register_source('regress_er_acute', 'ERAC1', 'Erasure test acute trust') > 0 AS acute;
-- X is erased entirely (at both providers); Z only at the acute trust; Y stays
\set nhs_x 9993222003
\set nhs_y 9993222011
\set nhs_z 9993222038
SELECT format($f$CREATE FUNCTION pg_temp.pseudonym(nhs text) RETURNS text LANGUAGE sql AS
	$$ SELECT encode(%s.hmac(nhs, hdl._key('pseudonym_key', 2), 'sha256'), 'hex') $$$f$, hdl._pgcrypto()) \gexec
CREATE FUNCTION pg_temp.patient(id text, nhs text, family text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('resourceType', 'Patient', 'id', id, 'gender', 'unknown',
		'name', jsonb_build_array(jsonb_build_object('family', family, 'given', jsonb_build_array('Erin'))),
		'identifier', jsonb_build_array(jsonb_build_object('system', 'https://fhir.nhs.uk/Id/nhs-number', 'value', nhs),
			jsonb_build_object('system', 'https://example.nhs.uk/Id/mrn', 'value', 'MRN-' || id))) $$;
CREATE FUNCTION pg_temp.obs(id text, patient text, code text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('resourceType', 'Observation', 'id', id, 'status', 'final',
		'code', jsonb_build_object('text', code), 'subject', jsonb_build_object('reference', 'Patient/' || patient)) $$;
GRANT EXECUTE ON FUNCTION pg_temp.patient(text, text, text), pg_temp.obs(text, text, text) TO PUBLIC;
SET ROLE regress_er_gp;
SELECT count(hdl.ingest(r)) AS gp_stored FROM (VALUES (pg_temp.patient('er-gp-x', :'nhs_x', 'Erasmustestx')),
	(pg_temp.patient('er-gp-y', :'nhs_y', 'Erasmustesty')), (pg_temp.patient('er-gp-z', :'nhs_z', 'Erasmustestz')),
	(pg_temp.obs('er-gp-x-1', 'er-gp-x', 'er-a')), (pg_temp.obs('er-gp-x-2', 'er-gp-x', 'er-a')),
	(pg_temp.obs('er-gp-y-1', 'er-gp-y', 'er-a')), (pg_temp.obs('er-gp-z-1', 'er-gp-z', 'er-a'))) v(r);
-- a Bundle holding X and Y: the batch keeps Y's versions after the erasure
SELECT jsonb_array_length(hdl.ingest_bundle(jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction', 'entry', jsonb_build_array(
	jsonb_build_object('resource', pg_temp.obs('er-gp-x-3', 'er-gp-x', 'er-a'), 'request', jsonb_build_object('method', 'PUT', 'url', 'Observation/er-gp-x-3')),
	jsonb_build_object('resource', pg_temp.obs('er-gp-y-2', 'er-gp-y', 'er-a'), 'request', jsonb_build_object('method', 'PUT', 'url', 'Observation/er-gp-y-2'))))) -> 'entry') AS bundle_entries;
RESET ROLE;
SET ROLE regress_er_acute;
SELECT count(hdl.ingest(r)) AS acute_stored FROM (VALUES (pg_temp.patient('er-ac-x', :'nhs_x', 'Erasmustestx')),
	(pg_temp.patient('er-ac-z', :'nhs_z', 'Erasmustestz')), (pg_temp.obs('er-ac-x-1', 'er-ac-x', 'er-a')),
	(pg_temp.obs('er-ac-z-1', 'er-ac-z', 'er-a')), (pg_temp.obs('er-ac-z-2', 'er-ac-z', 'er-a'))) v(r);
RESET ROLE;
SELECT pg_temp.pseudonym(:'nhs_x') AS px, pg_temp.pseudonym(:'nhs_y') AS py, pg_temp.pseudonym(:'nhs_z') AS pz \gset
-- every string that would find X again: pseudonym, NHS number, name, the providers' ids (the
-- Observations keep theirs, the Patients' are in the vault and in their links) and the lake's ids
CREATE TEMP TABLE x_strings AS
	SELECT v AS s FROM unnest(ARRAY[:'px', :'nhs_x', 'Erasmustestx', 'er-gp-x', 'er-ac-x', 'MRN-er-gp-x']) v
	UNION SELECT id FROM hdl_lake.resource WHERE patient = :'px';
SELECT count(*) AS x_strings FROM x_strings;
SELECT patient = :'px' AS x, patient = :'pz' AS z, resource_type, count(*)
FROM hdl_lake.resource WHERE patient IN (:'px', :'py', :'pz') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- marts: incremental ones, one exempt from the opt-out (so it keeps X's rows), and X opted out
SET ROLE regress_er_engineer;
\set obs_view '{"name":"er_obs","resource":"Observation","where":[{"path":"code.text = ''er-a''"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"patient_id","path":"subject.getReferenceKey(Patient)"},{"name":"status","path":"status"}]}]}'
\set pat_view '{"name":"er_pat","resource":"Patient","where":[{"path":"id.startsWith(''ER'')"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"gender","path":"gender"}]}]}'
SELECT hdl.create_mart('er_obs', :'obs_view')::text, hdl.create_mart('er_obs_exempt', :'obs_view')::text,
	hdl.create_mart('er_pat', :'pat_view')::text;
SELECT hdl.mart_set_opt_out_exempt('er_obs_exempt', true, 'direct care: erasure test ward list');
RESET ROLE;
INSERT INTO hdl_vault.opt_out (link_hash, pseudonym, key_id, list_id, listed_since)
VALUES (:'px', :'px', hdl._key('pseudonym_key', 1), 0, current_date);
INSERT INTO hdl.lake_export_excluded VALUES ('erasure-test-series', :'px');
SET ROLE regress_er_engineer;
SELECT hdl.refresh_mart('er_obs') >= 0, hdl.refresh_mart('er_obs_exempt') >= 0, hdl.refresh_mart('er_pat') >= 0;
RESET ROLE;
SELECT (SELECT count(*) FROM mart.er_obs WHERE patient_id = :'px') AS x_obs, (SELECT count(*) FROM mart.er_obs_exempt WHERE patient_id = :'px') AS x_exempt,
	(SELECT count(*) FROM mart.er_obs_exempt WHERE patient_id = :'pz') AS z_exempt,
	(SELECT count(*) FROM hdl.mart_opt_out WHERE patient = :'px') AS x_mart_opt_out;
-- changes the marts have not consumed yet: X's and Y's
SET ROLE regress_er_gp;
SELECT hdl.ingest(pg_temp.obs('er-gp-x-1', 'er-gp-x', 'er-a') || '{"status":"amended"}') -> 'meta' ->> 'versionId' AS x_updated,
	hdl.ingest(pg_temp.obs('er-gp-y-3', 'er-gp-y', 'er-a')) -> 'meta' ->> 'versionId' AS y_created;
RESET ROLE;
-- X re-identified once (a hdl_vault.reidentification row), and a rejected import line naming X
SET ROLE regress_er_reid;
SELECT jsonb_array_length(hdl.reidentify(:'px', 'erasure test: safeguarding check') -> 'identities') AS identities;
RESET ROLE;
INSERT INTO hdl.import_quarantine (server_name, bucket, object_key, line, raw, outcome, sqlstate, source_id, submitted_by)
SELECT 'er_s3', 'er-bucket', 'er.ndjson', 1, '{"resourceType":"Patient","identifier":[{"value":"' || :'nhs_x' || '"}],"birthDate":"bad"}',
	'{}'::jsonb, '22023', source_id, 'regress_er_gp' FROM hdl.source WHERE org_code = 'ERGP1'
UNION ALL
SELECT 'er_s3', 'er-bucket', 'er.ndjson', 2, '{"resourceType":"Patient","identifier":[{"value":"' || :'nhs_y' || '"}],"birthDate":"bad"}',
	'{}'::jsonb, '22023', source_id, 'regress_er_gp' FROM hdl.source WHERE org_code = 'ERGP1';
SELECT * FROM pg_temp.catalog_mismatches();

-- what the lake, the marts, the vault and the catalogue hold, to compare after each erasure
CREATE FUNCTION pg_temp.counts(OUT lake bigint, OUT history bigint, OUT marts bigint, OUT identities bigint, OUT links bigint,
	OUT opt_outs bigint, OUT catalogued bigint, OUT catalogued_versions bigint, OUT quarantined bigint, OUT audit_entries bigint)
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM hdl_lake.resource), (SELECT count(*) FROM hdl_lake.resource_history),
		(SELECT (SELECT count(*) FROM mart.er_obs) + (SELECT count(*) FROM mart.er_obs_exempt) + (SELECT count(*) FROM mart.er_pat)),
		(SELECT count(*) FROM hdl_vault.identity), (SELECT count(*) FROM hdl_vault.link), (SELECT count(*) FROM hdl_vault.opt_out),
		(SELECT sum(resources) FROM hdl.catalog_resource_types), (SELECT sum(versions) FROM hdl.catalog_resource_types),
		(SELECT count(*) FROM hdl.import_quarantine), (SELECT count(*) FROM hdl_audit.log WHERE event = 'patient_erase') $$;
CREATE TEMP TABLE before AS SELECT * FROM pg_temp.counts();

-- refused: other roles (42501, by Postgres), no reason, not a pseudonym, unknown pseudonym or
-- source; nothing changes, no message repeats the argument
SET ROLE regress_er_engineer;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'engineer tries an erasure')$$, :'px')) AS engineer;
RESET ROLE;
SET ROLE regress_er_analyst;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'analyst tries an erasure')$$, :'px')) AS analyst;
RESET ROLE;
SET ROLE regress_er_gp;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'provider tries an erasure', 'ERGP1')$$, :'px')) AS provider;
RESET ROLE;
SET ROLE regress_er_auditor;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'auditor tries an erasure')$$, :'px')) AS auditor;
RESET ROLE;
SET ROLE regress_er_reid;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'reidentifier tries an erasure')$$, :'px')) AS reidentifier;
RESET ROLE;
SET ROLE regress_er_eraser;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, NULL)$$, :'px')) AS null_reason;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, '   ')$$, :'px')) AS empty_reason;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'short')$$, :'px')) AS short_reason;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'an NHS number instead')$$, :'nhs_x')) AS nhs_number;
SELECT pg_temp.regress_try($$SELECT hdl.erase_patient(NULL, 'no pseudonym at all')$$) AS null_pseudonym;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'nobody has this pseudonym')$$, repeat('ab', 32))) AS unknown;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'unknown source given', 'NOSUCH')$$, :'px')) AS unknown_source;
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'Y is not at the acute trust', 'ERAC1')$$, :'py')) AS not_at_source;
RESET ROLE;
SELECT (SELECT row(b.*) FROM before b) = (SELECT row(c.*) FROM pg_temp.counts() c) AS nothing_changed;
-- an erasure rolled back takes nothing away
BEGIN;
SET ROLE regress_er_eraser;
SELECT resources FROM hdl.erase_patient(:'px', 'rolled back erasure test');
RESET ROLE;
ROLLBACK;
SELECT (SELECT row(b.*) FROM before b) = (SELECT row(c.*) FROM pg_temp.counts() c) AS nothing_changed;

-- the scan: every table and view of the database (as text), except the audit trail, which keeps the
-- pseudonym and the record keys of past ingests by design (hdl_audit.log and its view
-- hdl.audit_events); temporary tables (this test's own) aside. Before the erasure it finds X here:
CREATE FUNCTION pg_temp.find(OUT relation text, OUT string text, OUT hits bigint) RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	s text;
BEGIN
	FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'v', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		  AND n.nspname !~ '^pg_(toast|temp)' AND c.oid NOT IN ('hdl_audit.log'::regclass, 'hdl.audit_events'::regclass)
		ORDER BY 1::text LOOP
		-- each row's text once, against every string
		FOR s, hits IN EXECUTE format('SELECT x.s, count(*) FROM %s t CROSS JOIN LATERAL (SELECT t::text AS v OFFSET 0) r '
			'JOIN x_strings x ON strpos(r.v, x.s) > 0 GROUP BY x.s ORDER BY x.s', r.rel) LOOP
			relation := r.rel::text;
			string := CASE WHEN s = current_setting('hdl_test.px') THEN 'pseudonym' ELSE s END;
			RETURN NEXT;
		END LOOP;
	END LOOP;
END
$$;
SELECT set_config('hdl_test.px', :'px', false) IS NOT NULL AS set;
SELECT count(*) > 100 AS over_100_relations FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)';
SELECT DISTINCT relation FROM pg_temp.find() ORDER BY 1;

-- X, everywhere
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
SET ROLE regress_er_eraser;
SELECT * FROM hdl.erase_patient(:'px', '  Article 17 request, erasure test case 1  ');
RESET ROLE;
SELECT b.lake - c.lake AS lake, b.history - c.history AS history, b.marts - c.marts AS mart_rows,
	b.identities - c.identities AS identities, b.links - c.links AS links, b.opt_outs - c.opt_outs AS opt_outs,
	b.catalogued - c.catalogued AS catalogued, b.catalogued_versions - c.catalogued_versions AS catalogued_versions,
	b.quarantined - c.quarantined AS quarantined, c.audit_entries - b.audit_entries AS audit_entries
FROM before b, pg_temp.counts() c;
SELECT * FROM pg_temp.catalog_mismatches();
-- the audit entry: pseudonym, reason, scope and counts, nothing else; the chain verifies
SELECT event, subject = 'Patient/' || :'px' AS subject_is_x, role_name, detail FROM hdl_audit.log WHERE entry_id > :mark ORDER BY entry_id;
SELECT status, problem FROM hdl.audit_verify();
SELECT resource -> 'entity' -> 0 -> 'what' ->> 'reference' = 'Patient/' || :'px' AS audit_event_names_x, resource ->> 'action' AS action,
	resource -> 'subtype' -> 0 ->> 'code' AS subtype
FROM hdl.audit_events WHERE entry_id > :mark;

-- after it, X is nowhere
SELECT * FROM pg_temp.find();
-- Y's rejected line stays; Y's and Z's records are untouched
SELECT count(*) AS quarantined_y FROM hdl.import_quarantine WHERE strpos(raw, :'nhs_y') > 0;
SELECT patient = :'pz' AS z, resource_type, count(*)
FROM hdl_lake.resource WHERE patient IN (:'py', :'pz') GROUP BY 1, 2 ORDER BY 1, 2;

-- marts after the erasure: an incremental refresh (which also consumes the changes made before the
-- erasure) equals a mart created now from the same view
SET ROLE regress_er_engineer;
SELECT hdl.refresh_mart('er_obs') >= 0, hdl.refresh_mart('er_obs_exempt') >= 0, hdl.refresh_mart('er_pat') >= 0;
SELECT hdl.create_mart('er_obs_fresh', :'obs_view')::text, hdl.create_mart('er_pat_fresh', :'pat_view')::text;
SELECT hdl.mart_set_opt_out_exempt('er_obs_fresh', true, 'direct care: erasure test comparison');
SELECT hdl.refresh_mart('er_obs_fresh', 'full') >= 0;
RESET ROLE;
CREATE FUNCTION pg_temp.compare(OUT exempt_rows bigint, OUT exempt_differ bigint, OUT pat_rows bigint, OUT pat_differ bigint,
	OUT counts_right boolean)
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM mart.er_obs_exempt),
		(SELECT count(*) FROM ((SELECT * FROM mart.er_obs_fresh EXCEPT ALL SELECT * FROM mart.er_obs_exempt)
			UNION ALL (SELECT * FROM mart.er_obs_exempt EXCEPT ALL SELECT * FROM mart.er_obs_fresh)) d),
		(SELECT count(*) FROM mart.er_pat),
		(SELECT count(*) FROM ((SELECT * FROM mart.er_pat_fresh EXCEPT ALL SELECT * FROM mart.er_pat)
			UNION ALL (SELECT * FROM mart.er_pat EXCEPT ALL SELECT * FROM mart.er_pat_fresh)) d),
		(SELECT bool_and(m.row_count = (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',
			m.schema_name, m.table_name), false, true, '')))[1]::text::bigint) FROM hdl.mart m WHERE m.name LIKE 'er\_%') $$;
SELECT * FROM pg_temp.compare();

-- Z at the acute trust only: the GP's records, identity and links stay, the trust's go
CREATE TEMP TABLE before_z AS SELECT * FROM pg_temp.counts();
SELECT s.org_code, count(*) AS identities FROM hdl_vault.identity i JOIN hdl.source s USING (source_id)
WHERE i.subject = 'Patient/' || :'pz' GROUP BY 1 ORDER BY 1;
SELECT count(*) AS z_links FROM hdl_vault.link WHERE pseudonym = :'pz';
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
SET ROLE regress_er_eraser;
SELECT * FROM hdl.erase_patient(:'pz', 'acute trust record sent in error', source => 'ERAC1');
RESET ROLE;
SELECT s.org_code, r.resource_type, count(*) FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE r.patient = :'pz' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT s.org_code, count(*) AS identities FROM hdl_vault.identity i JOIN hdl.source s USING (source_id)
WHERE i.subject = 'Patient/' || :'pz' GROUP BY 1 ORDER BY 1;
-- the NHS number's link and the GP's MRN and id links stay; the trust's MRN and id links went
SELECT count(*) AS z_links FROM hdl_vault.link WHERE pseudonym = :'pz';
SELECT count(*) FROM mart.er_obs_exempt WHERE patient_id = :'pz';
SELECT event, subject = 'Patient/' || :'pz' AS subject_is_z, detail FROM hdl_audit.log WHERE entry_id > :mark ORDER BY entry_id;
SELECT status, problem FROM hdl.audit_verify();
SELECT * FROM pg_temp.catalog_mismatches();
SET ROLE regress_er_engineer;
SELECT hdl.refresh_mart('er_obs_exempt') >= 0, hdl.refresh_mart('er_pat') >= 0;
SELECT hdl.refresh_mart('er_obs_fresh', 'full') >= 0, hdl.refresh_mart('er_pat_fresh', 'full') >= 0;
RESET ROLE;
SELECT * FROM pg_temp.compare();
-- the trust still sends Z: a new record of its own (the GP's linkage finds the same pseudonym)
SET ROLE regress_er_acute;
SELECT (hdl.ingest(pg_temp.patient('er-ac-z', :'nhs_z', 'Erasmustestz')) -> 'meta' ->> 'versionId') AS z_again_version;
RESET ROLE;
SELECT s.org_code, count(*) FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE r.patient = :'pz' AND r.resource_type = 'Patient' GROUP BY 1 ORDER BY 1;

-- the rest of Z (the GP's) by a second erasure of the GP's records: none is left, so the whole
-- person goes (vault links included)
SET ROLE regress_er_eraser;
SELECT resources, versions FROM hdl.erase_patient(:'pz', 'GP record of Z: erasure test case 3', 'ERGP1');
SELECT resources, versions FROM hdl.erase_patient(:'pz', 'acute record of Z again: erasure test', 'ERAC1');
SELECT pg_temp.regress_try(format($$SELECT hdl.erase_patient(%L, 'Z once more, nothing left')$$, :'pz')) AS z_gone;
RESET ROLE;
SELECT (SELECT count(*) FROM hdl_lake.resource WHERE patient = :'pz') AS z_lake,
	(SELECT count(*) FROM hdl_vault.identity WHERE subject = 'Patient/' || :'pz') AS z_identities,
	(SELECT count(*) FROM hdl_vault.link WHERE pseudonym = :'pz') AS z_links;
SELECT * FROM pg_temp.catalog_mismatches();

-- X sent again later is a new person record with the same pseudonym (the NHS number's keyed hash):
-- the erasure does not stop providers (docs/governance.md)
SET ROLE regress_er_gp;
SELECT (hdl.ingest(pg_temp.patient('er-gp-x', :'nhs_x', 'Erasmustestx')) -> 'meta' ->> 'versionId') AS x_again_version;
RESET ROLE;
SELECT count(*) AS x_records FROM hdl_lake.resource WHERE patient = :'px';
SET ROLE regress_er_eraser;
SELECT resources, versions, vault_rows > 0 AS vault_rows FROM hdl.erase_patient(:'px', 'erasure test: sent again, erased again');
RESET ROLE;

-- the primitive (extension owner only): keys not in the lake count nothing, a malformed key is refused
SELECT * FROM hdl._remove_resources(ARRAY['Observation/er-no-such', 'Patient/er-no-such']);
SELECT pg_temp.regress_try($$SELECT hdl._remove_resources(ARRAY['Observation'])$$) AS malformed;
SELECT pg_temp.regress_try($$SELECT hdl._remove_resources(NULL)$$) AS null_keys;
SET ROLE regress_er_eraser;
SELECT pg_temp.regress_try($$SELECT hdl._remove_resources(ARRAY['Observation/er-gp-y-1'])$$) AS eraser_calls_primitive;
RESET ROLE;
SET ROLE regress_er_engineer;
SELECT pg_temp.regress_try($$SELECT hdl._remove_resources(ARRAY['Observation/er-gp-y-1'])$$) AS engineer_calls_primitive;
RESET ROLE;
SELECT count(*) AS y_obs_1 FROM hdl_lake.resource WHERE resource_type = 'Observation' AND id = 'er-gp-y-1';

-- console and catalogue: counts for engineers and auditors, nobody else
SET ROLE regress_er_engineer;
SELECT erasures, source_erasures, last_erased_at IS NOT NULL AS has_last, resources, versions, mart_rows, vault_rows, erasures_30_days
FROM hdl.console_erasures;
SELECT erased_by, scope, source, resources, versions, mart_rows, other_rows FROM hdl.erasure ORDER BY erasure_id;
SELECT regexp_replace(substring(hdl.console_html() FROM '<div class="tile" id="tile-erasures">.*?</div>'), '\d{4}-\d\d-\d\d', '<date>') AS console_tile;
RESET ROLE;
SET ROLE regress_er_auditor;
SELECT erasures FROM hdl.console_erasures;
RESET ROLE;
SET ROLE regress_er_analyst;
SELECT pg_temp.regress_try($$SELECT * FROM hdl.console_erasures$$) AS analyst;
RESET ROLE;
SELECT status, problem FROM hdl.audit_verify();

-- clean up
SET ROLE regress_er_engineer;
SELECT hdl.drop_mart(m) FROM unnest(ARRAY['er_obs', 'er_obs_exempt', 'er_pat', 'er_obs_fresh', 'er_pat_fresh']) m;
RESET ROLE;
DELETE FROM hdl.import_quarantine WHERE server_name = 'er_s3';
-- Y too: the tests after this one find nothing of it in the lake
SET ROLE regress_er_eraser;
SELECT resources, versions FROM hdl.erase_patient(:'py', 'erasure test clean-up of Y');
RESET ROLE;
SELECT count(*) AS left_in_lake FROM hdl_lake.resource r JOIN hdl.source s USING (source_id) WHERE s.org_code IN ('ERGP1', 'ERAC1');
SELECT status, problem FROM hdl.audit_verify();
SELECT * FROM pg_temp.catalog_mismatches();
