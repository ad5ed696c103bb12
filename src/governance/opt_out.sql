-- hdl governance: the National Data Opt-out (issue 19 item 1). Opted-out patients have no rows in
-- any mart (and so in no mart export) unless the mart is explicitly exempt; the lake export filters
-- with hdl.opted_out_patients. docs/governance.md states the rules.
-- An opt-out comes from the national list (hdl.load_opt_outs: a full replacement, stored as keyed
-- hashes and pseudonyms, never an NHS number) or from a provider's Consent denying research or
-- planning use (read from the lake as it is now: a later version that no longer denies withdraws it).

INSERT INTO hdl_audit.event_kind VALUES
	('opt_out_load', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'governance (opt-outs)',
	 'A National Data Opt-out list was loaded (hdl.load_opt_outs): its date and counts, never an NHS number; durable.'),
	('mart_opt_out_exempt', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'governance (opt-outs)',
	 'A mart was made exempt from the National Data Opt-out, or no longer exempt (hdl.mart_set_opt_out_exempt): the reason.');

-- The national list in force: one row per opted-out NHS number, as its keyed hash (HMAC-SHA256
-- under the pseudonym key: the hash hdl_vault.link keys NHS numbers by) and the pseudonym it had
-- when loaded (the linked patient's, or the hash itself, which is the pseudonym a patient first seen
-- with that NHS number gets). In the vault: nobody reads it but hdl's functions.
CREATE TABLE hdl_vault.opt_out (
	link_hash text PRIMARY KEY,
	pseudonym text NOT NULL,
	key_id text NOT NULL,
	list_id bigint NOT NULL,
	listed_since date NOT NULL
);
CREATE INDEX opt_out_pseudonym_idx ON hdl_vault.opt_out (pseudonym);
COMMENT ON TABLE hdl_vault.opt_out IS 'The National Data Opt-out list in force: keyed hashes of the opted-out NHS numbers and their pseudonyms (never a number), the list that last contained each and the date of the first list that did.';

-- Every list loaded: its date and counts (no identifier), for the console and the auditors.
CREATE TABLE hdl.opt_out_list (
	list_id bigserial PRIMARY KEY,
	list_date date NOT NULL,
	loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	loaded_by name NOT NULL,
	entries bigint NOT NULL,
	duplicates bigint NOT NULL,
	added bigint NOT NULL,
	withdrawn bigint NOT NULL
);
COMMENT ON TABLE hdl.opt_out_list IS 'National Data Opt-out lists loaded (hdl.load_opt_outs): list date, when and by whom, NHS numbers in it, duplicate lines, opt-outs added and withdrawn against the previous list. Counts only.';

-- The opted-out patients each mart's rows exclude, as of its last refresh: the next refresh deletes
-- the rows of patients opted out since and adds back those of patients withdrawn since.
CREATE TABLE hdl.mart_opt_out (
	mart text NOT NULL,
	patient text NOT NULL,
	PRIMARY KEY (mart, patient)
);
COMMENT ON TABLE hdl.mart_opt_out IS 'Internal: the opted-out patient pseudonyms whose rows each mart excluded at its last refresh.';

-- The purposes of use a Consent denies to opt out: research and planning (healthcare operations,
-- population health) in the HL7 v3 ActReason code system (the purposes of v3-PurposeOfUse).
CREATE FUNCTION hdl._opt_out_purposes() RETURNS text[]
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT ARRAY['HRESCH', 'BIORCH', 'CLINTRCH', 'CLINTRCHNPC', 'CLINTRCHPC', 'PRECLINTRCH', 'DSRCH', 'POARCH',
		'TRANSRCH', 'HOPERAT', 'POPHLTH'] $$;

-- Whether a Consent (current version) opts its patient out: status active, provision.type deny and
-- one of the purposes above among provision.purpose.
CREATE FUNCTION hdl._consent_opts_out(resource jsonb) RETURNS boolean
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce(resource ->> 'status' = 'active' AND resource #>> '{provision,type}' = 'deny'
		AND EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(resource #> '{provision,purpose}') = 'array'
			THEN resource #> '{provision,purpose}' ELSE '[]'::jsonb END) p
			WHERE p ->> 'system' = 'http://terminology.hl7.org/CodeSystem/v3-ActReason'
			  AND p ->> 'code' = ANY (hdl._opt_out_purposes())), false) $$;

-- The patients a Consent opts out now: one of the source's own patients (it holds a Patient record
-- of the person), so that a source cannot opt out a patient it never sent.
CREATE VIEW hdl._opt_out_consents AS
	SELECT c.patient, c.id, c.source_id
	FROM hdl_lake.resource c
	WHERE c.resource_type OPERATOR(pg_catalog.=) 'Consent' AND c.patient IS NOT NULL
	  AND hdl._consent_opts_out(c.resource)
	  AND EXISTS (SELECT 1 FROM hdl_lake.resource p WHERE p.resource_type OPERATOR(pg_catalog.=) 'Patient'
		AND p.patient OPERATOR(pg_catalog.=) c.patient AND p.source_id OPERATOR(pg_catalog.=) c.source_id);
-- The same over every version ever stored: the patients a Consent opted out at some time.
CREATE VIEW hdl._opt_out_consents_ever AS
	SELECT DISTINCT c.patient
	FROM hdl_lake.resource_history c
	WHERE c.resource_type OPERATOR(pg_catalog.=) 'Consent' AND c.patient IS NOT NULL
	  AND hdl._consent_opts_out(c.resource)
	  AND EXISTS (SELECT 1 FROM hdl_lake.resource p WHERE p.resource_type OPERATOR(pg_catalog.=) 'Patient'
		AND p.patient OPERATOR(pg_catalog.=) c.patient AND p.source_id OPERATOR(pg_catalog.=) c.source_id);

-- THE CONTRACT with the lake's exports: the pseudonyms (as in hdl_lake.resource.patient) of the
-- patients opted out now. A listed NHS number counts through the pseudonym it had when loaded and
-- through its link in the vault (a patient first seen under a local identifier, linked later).
CREATE VIEW hdl.opted_out_patients AS
	SELECT o.pseudonym AS patient FROM hdl_vault.opt_out o
	UNION
	SELECT l.pseudonym FROM hdl_vault.opt_out o JOIN hdl_vault.link l ON l.link_hash OPERATOR(pg_catalog.=) o.link_hash
	UNION
	SELECT c.patient FROM hdl._opt_out_consents c;
COMMENT ON VIEW hdl.opted_out_patients IS 'The pseudonyms (hdl_lake.resource.patient) of the patients opted out now, from the national list or a Consent. Extension owner only: it links a list of NHS numbers to pseudonyms.';

-- Whether a text is an NHS number: 10 digits whose mod-11 check digit is right.
CREATE FUNCTION hdl._nhs_number_valid(v text) RETURNS boolean
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT CASE WHEN v IS NULL OR v !~ '^[0-9]{10}$' THEN false ELSE (
		SELECT CASE 11 - s % 11 WHEN 11 THEN 0 WHEN 10 THEN -1 ELSE 11 - s % 11 END = ascii(substr(v, 10, 1)) - 48
		FROM (SELECT sum((ascii(substr(v, i, 1)) - 48) * (11 - i)) AS s FROM generate_series(1, 9) i) w) END $$;

-- The lines of a list, numbered from 1: the NHS number without surrounding blanks and without the
-- spaces or hyphens of the 3-3-4 form; blank lines are left out.
CREATE FUNCTION hdl._opt_out_lines(list text, OUT line bigint, OUT nhs_number text) RETURNS SETOF record
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT l.n, CASE WHEN v ~ '^[0-9]{3}([ -]?)[0-9]{3}\1[0-9]{4}$' THEN translate(v, ' -', '') ELSE v END
	FROM regexp_split_to_table(list, E'\n') WITH ORDINALITY l(t, n),
		LATERAL (SELECT btrim(l.t, E' \t\r') AS v) b
	WHERE v <> '' $$;

-- Replaces the list in force with the NHS numbers the query returns (line, nhs_number; $1 is arg),
-- after checking every one; records the list and a durable audit entry. The caller checked the
-- arguments. Errors never repeat a value, and hdl._raise keeps the statement out of the log.
CREATE FUNCTION hdl._opt_out_replace(list_date date, query text, arg text, what text,
	OUT entries bigint, OUT duplicates bigint, OUT added bigint, OUT withdrawn bigint)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	crypto text := hdl._pgcrypto();
	key_id text := hdl._key('pseudonym_key', 1);
	latest date;
	lines bigint;
	bad bigint;
	first_bad bigint;
	id bigint;
BEGIN
	IF $1 IS NULL OR $2 IS NULL OR $4 IS NULL THEN
		PERFORM hdl._raise('22004', 'list date, query and description must not be null', NULL, NULL);
	END IF;
	IF key_id IS NULL THEN
		PERFORM hdl._raise('55000', 'the keys have no pseudonym_key', NULL,
			'A superuser adds pseudonym_key to the key file named by hdl.key_file (docs/pseudonymisation.md).');
	END IF;
	IF $1 > CURRENT_DATE THEN
		PERFORM hdl._raise('22023', 'the opt-out list is dated in the future', NULL, 'Give the date the list was issued.');
	END IF;
	-- one load at a time; refreshes and readers are not blocked
	LOCK TABLE hdl_vault.opt_out IN SHARE ROW EXCLUSIVE MODE;
	SELECT max(l.list_date) INTO latest FROM hdl.opt_out_list l;
	IF $1 < latest THEN
		PERFORM hdl._raise('22023', format('an opt-out list of %s is loaded already: this one is older', to_char(latest, 'YYYY-MM-DD')),
			'A list replaces the one in force; loading an older list would withdraw newer opt-outs.', NULL);
	END IF;
	EXECUTE format('SELECT count(*), count(*) FILTER (WHERE NOT hdl._nhs_number_valid(q.nhs_number)), '
		'min(q.line) FILTER (WHERE NOT hdl._nhs_number_valid(q.nhs_number)) FROM (%s) q(line, nhs_number)', query)
		INTO lines, bad, first_bad USING arg;
	IF bad > 0 THEN
		PERFORM hdl._raise('22023', CASE WHEN first_bad IS NOT NULL
				THEN format('line %s of the opt-out list is not a valid NHS number', first_bad)
				ELSE format('%s of the opt-out list is not a valid NHS number', what) END,
			format('%s of %s %s not valid NHS numbers; nothing was stored.', bad,
				lines, CASE WHEN first_bad IS NOT NULL THEN 'lines are' ELSE 'values are' END),
			'An NHS number is 10 digits (or 3-3-4 separated by spaces or hyphens) with a valid mod-11 check digit; one a line, blank lines are skipped.');
	END IF;
	IF lines = 0 THEN
		PERFORM hdl._raise('22023', 'the opt-out list is empty', 'A list replaces the one in force: an empty one would withdraw every opt-out.',
			'Load the full national list.');
	END IF;
	id := nextval('hdl.opt_out_list_list_id_seq');
	-- one statement: the new list, what it withdraws and adds, against the list in force
	EXECUTE format($q$
		WITH new AS (
			SELECT h.link_hash, count(*) AS n
			FROM (%2$s) q(line, nhs_number),
				LATERAL (SELECT encode(%1$s.hmac(q.nhs_number, hdl._key('pseudonym_key', 2), 'sha256'), 'hex') AS link_hash) h
			GROUP BY h.link_hash),
		gone AS (DELETE FROM hdl_vault.opt_out o WHERE NOT EXISTS (SELECT 1 FROM new WHERE new.link_hash = o.link_hash)
			RETURNING 1),
		put AS (INSERT INTO hdl_vault.opt_out AS o (link_hash, pseudonym, key_id, list_id, listed_since)
			SELECT new.link_hash, coalesce(l.pseudonym, new.link_hash), $2, $3, $4
			FROM new LEFT JOIN hdl_vault.link l ON l.link_hash = new.link_hash
			ON CONFLICT (link_hash) DO UPDATE SET pseudonym = EXCLUDED.pseudonym, key_id = EXCLUDED.key_id,
				list_id = EXCLUDED.list_id)
		SELECT (SELECT count(*) FROM new), (SELECT coalesce(sum(n - 1), 0) FROM new),
			(SELECT count(*) FROM new WHERE NOT EXISTS (SELECT 1 FROM hdl_vault.opt_out o WHERE o.link_hash = new.link_hash)),
			(SELECT count(*) FROM gone) $q$, crypto, query)
		INTO entries, duplicates, added, withdrawn USING arg, key_id, id, $1;
	INSERT INTO hdl.opt_out_list (list_id, list_date, loaded_by, entries, duplicates, added, withdrawn)
	VALUES (id, $1, hdl._outer_role(), entries, duplicates, added, withdrawn);
	-- durable: a load then rolled back (say, after looking at which mart rows it removes) is recorded
	PERFORM hdl._audit_durable('opt_out_load', 'opt_out_list:' || to_char($1, 'YYYY-MM-DD'), jsonb_build_object('list_date', $1,
		'entries', entries, 'duplicates', duplicates, 'added', added, 'withdrawn', withdrawn, 'key_id', key_id));
END
$$;

-- The API: a list, one NHS number a line (text), or a column of a table. log_min_error_statement
-- = panic: whatever error ends the call (a lock or statement timeout, a cancel), the statement,
-- which holds the list, is not written to the server log with it.
CREATE FUNCTION hdl.load_opt_outs(list_date date, nhs_numbers text,
	OUT entries bigint, OUT duplicates bigint, OUT added bigint, OUT withdrawn bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
	IF $1 IS NULL THEN
		PERFORM hdl._raise('22004', 'list date must not be null', NULL, 'Give the date the list was issued.');
	END IF;
	IF $2 IS NULL THEN
		PERFORM hdl._raise('22004', 'the opt-out list must not be null', NULL, 'One NHS number a line.');
	END IF;
	SELECT * INTO entries, duplicates, added, withdrawn
	FROM hdl._opt_out_replace($1, 'SELECT line, nhs_number FROM hdl._opt_out_lines($1)', $2, 'a line');
END
$$;
COMMENT ON FUNCTION hdl.load_opt_outs(date, text) IS 'Loads the National Data Opt-out list of a date (one NHS number a line), replacing the list in force: stores keyed hashes and pseudonyms, never a number; returns counts. Refuses invalid lines (by line number), an empty list and a list older than the one in force. Engineers only; durably audited. docs/governance.md.';

CREATE FUNCTION hdl.load_opt_outs(list_date date, source regclass, column_name name,
	OUT entries bigint, OUT duplicates bigint, OUT added bigint, OUT withdrawn bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
	IF $1 IS NULL THEN
		PERFORM hdl._raise('22004', 'list date must not be null', NULL, 'Give the date the list was issued.');
	END IF;
	IF $2 IS NULL OR $3 IS NULL THEN
		PERFORM hdl._raise('22004', 'the table and column of the opt-out list must not be null', NULL, NULL);
	END IF;
	-- as the caller: a SECURITY DEFINER function must not read a table its caller cannot
	IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped) THEN
		PERFORM hdl._raise('42703', format('table %s has no column %I', $2, $3), NULL, NULL);
	END IF;
	IF NOT has_column_privilege(hdl._outer_role(), $2, $3, 'SELECT') THEN
		PERFORM hdl._raise('42501', format('permission denied to read column %I of table %s', $3, $2), NULL,
			'The opt-out list is read with your privileges.');
	END IF;
	-- the owner reads it, and row security does not apply to the owner: the caller might see fewer rows
	IF EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = $2 AND c.relrowsecurity) THEN
		PERFORM hdl._raise('42501', format('table %s has row-level security', $2),
			'hdl.load_opt_outs reads the whole table, not the rows your policies let you see.',
			'Copy the list into a table without row-level security.');
	END IF;
	SELECT * INTO entries, duplicates, added, withdrawn
	FROM hdl._opt_out_replace($1, format('SELECT NULL::bigint, CASE WHEN v ~ ''^[0-9]{3}([ -]?)[0-9]{3}\1[0-9]{4}$'' '
		'THEN translate(v, '' -'', '''') ELSE v END FROM (SELECT btrim(t.%I::text, E'' \t\r'') FROM %s t) s(v)', $3, $2),
		NULL, format('a value of column %I', $3));
END
$$;
COMMENT ON FUNCTION hdl.load_opt_outs(date, regclass, name) IS 'Loads the National Data Opt-out list of a date from a column of a table (one NHS number a row; the caller must be able to read it), as hdl.load_opt_outs(date, text): a NULL or invalid value is refused, by count. Engineers only; durably audited.';

-- A mart's exemption (a mart for direct care, say): set explicitly, with a reason, audited. It takes
-- effect at the next refresh (incremental ones included).
CREATE FUNCTION hdl.mart_set_opt_out_exempt(mart text, exempt boolean, reason text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	m hdl.mart;
BEGIN
	PERFORM hdl._not_null(mart_set_opt_out_exempt.mart, 'mart name'), hdl._not_null(exempt, 'exempt');
	IF exempt AND (reason IS NULL OR length(btrim(reason)) < 10) THEN
		RAISE EXCEPTION 'an opt-out exemption needs a reason' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Say why opted-out patients may be in this mart, in at least 10 characters (e.g. ''direct care: ward lists'').';
	END IF;
	m := hdl._mart_get(mart_set_opt_out_exempt.mart);
	PERFORM pg_advisory_xact_lock(hashtext('hdl.mart'), hashtext(m.name));
	SELECT * INTO STRICT m FROM hdl.mart WHERE name = m.name FOR UPDATE;
	UPDATE hdl.mart SET opt_out_exempt = exempt,
		opt_out_exempt_reason = CASE WHEN exempt THEN btrim(reason) END,
		opt_out_exempt_by = CASE WHEN exempt THEN hdl._outer_role() END,
		opt_out_exempt_at = CASE WHEN exempt THEN now() END
	WHERE name = m.name;
	PERFORM hdl._mart_audit('mart_opt_out_exempt', m.schema_name, m.table_name, jsonb_strip_nulls(jsonb_build_object(
		'exempt', exempt, 'was_exempt', m.opt_out_exempt, 'reason', nullif(btrim(reason), ''))));
	RETURN exempt;
END
$$;
COMMENT ON FUNCTION hdl.mart_set_opt_out_exempt(text, boolean, text) IS 'Makes a mart exempt from the National Data Opt-out (it keeps opted-out patients'' rows; a reason of at least 10 characters is required) or no longer exempt; takes effect at the next refresh. Engineers only; audited.';

-- Called by hdl._mart_refresh after its deletes and fills: the set of patients the mart excludes
-- becomes the set opted out now (none when exempt), read in one statement; the rows of newly
-- opted-out patients and the rows just filled of opted-out patients go; the rows of withdrawn
-- patients come back. A full rebuild starts from an empty set. snap and own are the refresh's
-- snapshot and transaction. Rows deleted, inserted, and the patients excluded.
CREATE FUNCTION hdl._mart_apply_opt_outs(m hdl.mart, full_rebuild boolean, ids text[], snap pg_snapshot, own xid8,
	OUT rows_deleted bigint, OUT rows_inserted bigint, OUT patients_excluded bigint)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	tbl regclass;
	added text[];
	removed text[];
	back text[];
	n bigint;
	list_id bigint;
BEGIN
	PERFORM hdl._not_null(m.name, 'mart'), hdl._not_null(full_rebuild, 'full_rebuild'), hdl._not_null(snap, 'snapshot'),
		hdl._not_null(own, 'transaction');
	tbl := format('%I.%I', m.schema_name, m.table_name)::regclass;
	rows_deleted := 0;
	rows_inserted := 0;
	IF full_rebuild THEN
		DELETE FROM hdl.mart_opt_out a WHERE a.mart = m.name;
	END IF;
	WITH cur AS (SELECT p.patient FROM hdl.opted_out_patients p WHERE NOT m.opt_out_exempt),
	ins AS (INSERT INTO hdl.mart_opt_out (mart, patient)
		SELECT m.name, c.patient FROM cur c
		WHERE NOT EXISTS (SELECT 1 FROM hdl.mart_opt_out a WHERE a.mart = m.name AND a.patient = c.patient)
		RETURNING mart_opt_out.patient),
	del AS (DELETE FROM hdl.mart_opt_out a WHERE a.mart = m.name AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.patient = a.patient)
		RETURNING a.patient)
	SELECT (SELECT array_agg(ins.patient) FROM ins), (SELECT array_agg(del.patient) FROM del),
		(SELECT max(l.list_id) FROM hdl.opt_out_list l) INTO added, removed, list_id;
	UPDATE hdl.mart SET opt_out_list_id = list_id, opt_out_applied_exempt = m.opt_out_exempt WHERE name = m.name;
	-- the rows of the resources of patients opted out since the last refresh (all, after a rebuild)
	IF cardinality(added) > 0 THEN
		EXECUTE format('DELETE FROM %s t WHERE t._resource_key = ANY (ARRAY(SELECT %L || ''/'' || r.id '
			'FROM hdl_lake.resource r WHERE r.resource_type = %L AND r.patient = ANY ($1)))', tbl, m.resource_type, m.resource_type)
			USING added;
		GET DIAGNOSTICS n = ROW_COUNT;
		rows_deleted := rows_deleted + n;
	END IF;
	-- the rows this refresh just filled for changed resources of patients excluded before
	IF NOT full_rebuild AND cardinality(ids) > 0 THEN
		EXECUTE format('DELETE FROM %s t WHERE t._resource_key = ANY (ARRAY(SELECT %L || ''/'' || r.id '
			'FROM hdl_lake.resource r JOIN hdl.mart_opt_out a ON a.mart = $2 AND a.patient = r.patient '
			'WHERE r.resource_type = %L AND r.id = ANY ($1)))', tbl, m.resource_type, m.resource_type)
			USING ids, m.name;
		GET DIAGNOSTICS n = ROW_COUNT;
		rows_deleted := rows_deleted + n;
	END IF;
	-- the resources of withdrawn patients come back (those this refresh filled already are there),
	-- except those changed by a transaction the snapshot does not see: the next refresh consumes
	-- that change, and a resource it created must have no rows yet
	IF cardinality(removed) > 0 THEN
		EXECUTE format('SELECT array_agg(r.id) FROM hdl_lake.resource r WHERE r.resource_type = %L '
			'AND r.patient = ANY ($1) AND NOT (r.id = ANY ($2)) AND NOT EXISTS (SELECT 1 FROM hdl_lake.resource_history h '
			'WHERE h.resource_type = %L AND h.id = r.id AND h.txid >= pg_snapshot_xmin($3) '
			'AND NOT pg_visible_in_snapshot(h.txid, $3) AND h.txid <> $4)', m.resource_type, m.resource_type)
			INTO back USING removed, coalesce(ids, '{}'), snap, own;
		IF cardinality(back) > 0 THEN
			-- none should be there; deleting first keeps a row from being added twice whatever happened
			EXECUTE format('DELETE FROM %s t WHERE t._resource_key = ANY ($1)', tbl)
				USING ARRAY(SELECT m.resource_type || '/' || b FROM unnest(back) b);
			GET DIAGNOSTICS n = ROW_COUNT;
			rows_deleted := rows_deleted + n;
			rows_inserted := rows_inserted + hdl._mart_fill_ids(m.view, back, tbl);
		END IF;
	END IF;
	SELECT count(*) INTO patients_excluded FROM hdl.mart_opt_out a WHERE a.mart = m.name;
END
$$;

-- Whether a registered, not exempt mart may hold rows of a patient opted out since its last refresh:
-- its export (hdl.export_mart_s3, which runs as its caller and asks this) would carry them. True
-- when a list was loaded since, when the mart was exempt then, or when a Consent or a link made
-- since opts out a patient the refresh did not exclude. Not a comparison of every pseudonym: a
-- listed NHS number whose patient was excluded already (by a Consent) would then make no
-- difference, telling the caller that the number is in the lake. Withdrawals do not count (the
-- mart lacks rows then).
CREATE FUNCTION hdl._mart_opt_outs_pending(rel regclass) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT NOT m.opt_out_exempt AND (
			m.opt_out_applied_exempt
			OR (SELECT max(l.list_id) FROM hdl.opt_out_list l) IS DISTINCT FROM m.opt_out_list_id
			OR EXISTS (SELECT c.patient FROM hdl._opt_out_consents c
				UNION SELECT k.pseudonym FROM hdl_vault.opt_out o JOIN hdl_vault.link k ON k.link_hash = o.link_hash
				EXCEPT SELECT a.patient FROM hdl.mart_opt_out a WHERE a.mart = m.name))
		FROM hdl.mart m WHERE to_regclass(format('%I.%I', m.schema_name, m.table_name)) = rel), false) $$;

-- Console and catalogue (engineers and auditors): the list in force and the counts, nothing else;
-- none depends on whether a listed number is in the lake (a count of the list and the Consents
-- together would: a listed patient who is also opted out by a Consent would be counted once).
CREATE VIEW hdl.console_opt_outs AS
	SELECT l.list_date, l.loaded_at AS list_loaded_at, l.loaded_by AS list_loaded_by,
		(SELECT count(*) FROM hdl_vault.opt_out) AS list_opt_outs,
		l.added AS added_by_list, l.withdrawn AS withdrawn_by_list,
		(SELECT count(DISTINCT c.patient) FROM hdl._opt_out_consents c) AS consent_opt_outs,
		(SELECT count(*) FROM hdl._opt_out_consents_ever e
		 WHERE NOT EXISTS (SELECT 1 FROM hdl._opt_out_consents c WHERE c.patient = e.patient)) AS consent_withdrawn,
		(SELECT count(*) FROM hdl.mart m WHERE m.opt_out_exempt) AS exempt_marts
	FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM hdl.opt_out_list ORDER BY list_id DESC LIMIT 1) l ON true;
COMMENT ON VIEW hdl.console_opt_outs IS 'The National Data Opt-out at a glance (counts only): the list in force (date, loaded when and by whom, NHS numbers in it, added and withdrawn by it), patients opted out by a Consent now and patients whose Consent opt-out was withdrawn, marts exempt. No count depends on whether a listed NHS number is in the lake.';

CREATE VIEW hdl.catalog_opt_out_exemptions AS
	SELECT pg_catalog.format('%I.%I', m.schema_name, m.table_name) AS mart, m.name, m.opt_out_exempt_reason AS reason,
		m.opt_out_exempt_by AS exempted_by, m.opt_out_exempt_at AS exempted_at
	FROM hdl.mart m WHERE m.opt_out_exempt;
COMMENT ON VIEW hdl.catalog_opt_out_exemptions IS 'Marts exempt from the National Data Opt-out: why, by whom, since when.';

COMMENT ON COLUMN hdl.catalog_opt_out_exemptions.mart IS 'The mart''s table (schema-qualified).';
COMMENT ON COLUMN hdl.catalog_opt_out_exemptions.name IS 'The mart''s name (hdl.marts).';
COMMENT ON COLUMN hdl.catalog_opt_out_exemptions.reason IS 'Why opted-out patients may be in it, as the engineer gave it.';
COMMENT ON COLUMN hdl.catalog_opt_out_exemptions.exempted_by IS 'The role that made it exempt.';
COMMENT ON COLUMN hdl.catalog_opt_out_exemptions.exempted_at IS 'When it was made exempt; it takes effect at the next refresh.';
COMMENT ON COLUMN hdl.console_opt_outs.list_date IS 'The date of the national list in force (NULL: none loaded).';
COMMENT ON COLUMN hdl.console_opt_outs.list_loaded_at IS 'When it was loaded.';
COMMENT ON COLUMN hdl.console_opt_outs.list_loaded_by IS 'The role that loaded it.';
COMMENT ON COLUMN hdl.console_opt_outs.list_opt_outs IS 'NHS numbers in the list in force (distinct).';
COMMENT ON COLUMN hdl.console_opt_outs.added_by_list IS 'NHS numbers its load added to the previous list.';
COMMENT ON COLUMN hdl.console_opt_outs.withdrawn_by_list IS 'NHS numbers of the previous list its load withdrew.';
COMMENT ON COLUMN hdl.console_opt_outs.consent_opt_outs IS 'Patients a Consent opts out now (from a source holding their Patient record).';
COMMENT ON COLUMN hdl.console_opt_outs.consent_withdrawn IS 'Patients a Consent opted out once whom none opts out now.';
COMMENT ON COLUMN hdl.console_opt_outs.exempt_marts IS 'Marts exempt from the opt-out (hdl.catalog_opt_out_exemptions).';

REVOKE ALL ON hdl_vault.opt_out, hdl.opt_out_list, hdl.mart_opt_out, hdl._opt_out_consents, hdl._opt_out_consents_ever,
	hdl.opted_out_patients,
	hdl.console_opt_outs, hdl.catalog_opt_out_exemptions FROM PUBLIC;
REVOKE ALL ON SEQUENCE hdl.opt_out_list_list_id_seq FROM PUBLIC;
GRANT SELECT ON hdl.opt_out_list, hdl.console_opt_outs, hdl.catalog_opt_out_exemptions TO hdl_engineer, hdl_auditor;
-- pure helpers the console view calls as its reader
GRANT EXECUTE ON FUNCTION hdl._opt_out_purposes(), hdl._consent_opts_out(jsonb) TO hdl_engineer, hdl_auditor;
REVOKE ALL ON FUNCTION hdl._opt_out_purposes(), hdl._consent_opts_out(jsonb), hdl._nhs_number_valid(text),
	hdl._opt_out_lines(text), hdl._opt_out_replace(date, text, text, text), hdl.load_opt_outs(date, text),
	hdl.load_opt_outs(date, regclass, name), hdl.mart_set_opt_out_exempt(text, boolean, text),
	hdl._mart_apply_opt_outs(hdl.mart, boolean, text[], pg_snapshot, xid8), hdl._mart_opt_outs_pending(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl._mart_opt_outs_pending(regclass) TO hdl_engineer;
GRANT EXECUTE ON FUNCTION hdl.load_opt_outs(date, text), hdl.load_opt_outs(date, regclass, name),
	hdl.mart_set_opt_out_exempt(text, boolean, text) TO hdl_engineer;
